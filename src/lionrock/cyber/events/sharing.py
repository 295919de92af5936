"""Which roles act on major events, kept beside the visibility rules that use them."""

from lionrock.core.accounts.roles import Role

# Members of a participating organisation with one of these roles see the event and act for it.
EVENT_ROLES = (Role.INTEL_ANALYST, Role.INTEL_STAKEHOLDER, Role.INCIDENT_HANDLER)
# In a coordinating organisation (the organiser, the CERT), these roles manage the event and its watch.
MANAGER_ROLES = (Role.INTEL_ANALYST,)
