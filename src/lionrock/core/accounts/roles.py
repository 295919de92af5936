"""The one catalogue of roles and the modules they open; docs/users/roles.md describes the same list.

Roles are held through a membership of an organisation, so the same person can be an analyst in one
organisation and nothing in another. Modules are what the navigation shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Module(models.TextChoices):
    INTEL = "intel", _("Threat intelligence")
    MONITORING = "monitoring", _("Monitoring")
    INCIDENTS = "incidents", _("Incidents")
    EVENTS = "events", _("Major events")
    DRILLS = "drills", _("Drills")
    ENFORCEMENT = "enforcement", _("Enforcement")
    SCREENING = "screening", _("Victim screening")
    SUPPORT = "support", _("Support referrals")
    PUBLISHING = "publishing", _("Publishing")
    ORGANISATION = "organisation", _("My organisation")
    PLATFORM = "platform", _("Platform administration")


class Role(models.TextChoices):
    INTEL_ANALYST = "intel_analyst", _("Intelligence analyst")
    INTEL_STAKEHOLDER = "intel_stakeholder", _("Intelligence stakeholder")
    MONITORING_OPERATOR = "monitoring_operator", _("Monitoring operator")
    INCIDENT_HANDLER = "incident_handler", _("Incident handler")
    DRILL_PLANNER = "drill_planner", _("Drill planner")
    DRILL_PARTICIPANT = "drill_participant", _("Drill participant")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Enforcement officer")
    SCREENING_OFFICER = "screening_officer", _("Screening officer")
    SCREENING_SUPERVISOR = "screening_supervisor", _("Screening supervisor")
    SERVICE_PROVIDER = "service_provider", _("Support-service provider")
    PRESS_OFFICER = "press_officer", _("Press officer")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


@dataclass(frozen=True)
class RoleInfo:
    role: Role
    modules: tuple[Module, ...]
    description: str | Promise


ROLE_CATALOGUE: dict[str, RoleInfo] = {
    info.role.value: info
    for info in (
        RoleInfo(
            Role.INTEL_ANALYST,
            (Module.INTEL, Module.MONITORING, Module.INCIDENTS, Module.EVENTS),
            _("Curates indicators and reports, sets sharing, watches sightings across stakeholders."),
        ),
        RoleInfo(
            Role.INTEL_STAKEHOLDER,
            (Module.INTEL, Module.INCIDENTS, Module.EVENTS),
            _("Receives and contributes shared intelligence for an infrastructure operator or department."),
        ),
        RoleInfo(
            Role.MONITORING_OPERATOR,
            (Module.MONITORING,),
            _("Runs the matcher on the organisation's own logs and reports sightings."),
        ),
        RoleInfo(
            Role.INCIDENT_HANDLER,
            (Module.INCIDENTS, Module.EVENTS),
            _("Reports and follows up the organisation's security incidents."),
        ),
        RoleInfo(
            Role.DRILL_PLANNER,
            (Module.DRILLS,),
            _("Designs attack-and-defence drills, plants canaries and scores participants."),
        ),
        RoleInfo(
            Role.DRILL_PARTICIPANT,
            (Module.DRILLS,),
            _("Takes part in drills and reports what the organisation detected."),
        ),
        RoleInfo(
            Role.ENFORCEMENT_OFFICER,
            (Module.ENFORCEMENT,),
            _("Logs reports, plans and records operations, arrests and offences."),
        ),
        RoleInfo(
            Role.SCREENING_OFFICER,
            (Module.SCREENING,),
            _("Runs trafficking and forced-labour screening interviews and debriefings."),
        ),
        RoleInfo(
            Role.SCREENING_SUPERVISOR,
            (Module.SCREENING,),
            _("Approves or returns identification decisions (four eyes) and referral overrides."),
        ),
        RoleInfo(
            Role.SERVICE_PROVIDER,
            (Module.SUPPORT,),
            _("Sees and updates only the referrals made to its organisation."),
        ),
        RoleInfo(
            Role.PRESS_OFFICER,
            (Module.PUBLISHING,),
            _("Reviews and publishes statistics and bilingual press releases."),
        ),
        RoleInfo(
            Role.ORG_ADMIN,
            (Module.ORGANISATION,),
            _("Manages the organisation's members, their roles, password resets and API tokens."),
        ),
        RoleInfo(
            Role.PLATFORM_ADMIN,
            (Module.PLATFORM, Module.ORGANISATION),
            _("Manages organisations and reads the audit trail of the whole platform."),
        ),
    )
}

MODULE_ORDER: tuple[Module, ...] = tuple(Module)


class Scope(models.TextChoices):
    """What an API token may do, on top of what its owner's roles allow."""

    INTEL_READ = "intel:read", _("Read shared intelligence (REST and TAXII)")
    INTEL_WRITE = "intel:write", _("Contribute intelligence (REST and TAXII)")
    MONITORING_READ = "monitoring:read", _("Follow match runs")
    MONITORING_WRITE = "monitoring:write", _("Upload logs and report sightings")
    INCIDENTS_READ = "incidents:read", _("Read incidents one may see")
    INCIDENTS_WRITE = "incidents:write", _("Report incidents")
    ENFORCEMENT_READ = "enforcement:read", _("Read enforcement records")
    ENFORCEMENT_WRITE = "enforcement:write", _("Write enforcement records")
    SCREENING_READ = "screening:read", _("Read screening checklists and yearly counts (no personal data)")
    DRILLS_READ = "drills:read", _("Read the drills one takes part in, their artefacts and scores")
    DRILLS_WRITE = "drills:write", _("Plan and run drills")
    PUBLISHING_READ = "publishing:read", _("Read press releases and generate drafts")
    PUBLISHING_WRITE = "publishing:write", _("Draft, submit and approve press releases")
    ACCOUNT_READ = "account:read", _("Read one's own account")
    ACCOUNT_MANAGE = "account:manage", _("Revoke one's own tokens")
