"""Which roles act in the intel module, kept beside the visibility rules that use them."""

from lionrock.core.accounts.roles import Role

INTEL_READ_ROLES = (
    Role.INTEL_ANALYST,
    Role.INTEL_STAKEHOLDER,
    Role.MONITORING_OPERATOR,
    Role.INCIDENT_HANDLER,
)
INTEL_WRITE_ROLES = (Role.INTEL_ANALYST, Role.INTEL_STAKEHOLDER)
INTEL_MANAGE_ROLES = (Role.INTEL_ANALYST,)
