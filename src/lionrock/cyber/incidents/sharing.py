"""Which roles act on incidents, kept beside the visibility rules that use them."""

from lionrock.core.accounts.roles import Role

# Who may see and report incidents for an organisation.
INCIDENT_ROLES = (Role.INCIDENT_HANDLER, Role.INTEL_ANALYST, Role.INTEL_STAKEHOLDER)
# Who triages, in the handling organisation (the CERT).
HANDLER_ROLES = (Role.INCIDENT_HANDLER, Role.INTEL_ANALYST)
