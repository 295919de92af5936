"""What the incident desk tells people through the notification service: references and links only.

Each sentence names an incident by its reference (or a draft by its number); the title, the description
and the observables stay behind the link, where the reader's access is checked. Recipients are people
who may see the incident anyway: the reporting organisation's and the handling organisation's (of a
TLP:RED incident, only the people named on it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_noop

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import User
from lionrock.core.notifications import RecordNumber, Subject
from lionrock.core.notifications.services import notify
from lionrock.cyber.incidents.models import Incident, IncidentRecipient
from lionrock.cyber.incidents.sharing import HANDLER_ROLES, INCIDENT_ROLES
from lionrock.cyber.intel.tlp import Tlp


def _people(organisation_id: int, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__is_active=True,
            memberships__role_grants__role__in=list(roles),
        ).distinct()
    )


def _named_only(incident: Incident, people: list[User]) -> list[User]:
    """A TLP:RED incident's notices reach the people named on it, and nobody else."""
    if incident.tlp != Tlp.RED:
        return people
    named = set(IncidentRecipient.objects.filter(incident=incident).values_list("user_id", flat=True))
    return [person for person in people if person.pk in named]


def reporters_of(incident: Incident) -> list[User]:
    return _named_only(incident, _people(incident.reporting_organisation_id, INCIDENT_ROLES))


def handlers_of(incident: Incident) -> list[User]:
    return _named_only(incident, _people(incident.handling_organisation_id, HANDLER_ROLES))


def _number(incident: Incident) -> RecordNumber:
    return RecordNumber(incident.reference or f"DRAFT-{incident.pk}")


def _link(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def incident_submitted(*, actor: Actor | None, incident: Incident) -> None:
    """The handling CERT learns of a new report."""
    notify(
        actor=actor,
        recipients=handlers_of(incident),
        kind="incidents.incident.submitted",
        subject=Subject(
            gettext_noop("Incident %(number)s was reported to you"), {"number": _number(incident)}
        ),
        link=_link(incident),
        about=incident,
    )


def information_requested(*, actor: Actor, incident: Incident) -> None:
    """The reporting organisation learns that the CERT asks a question."""
    notify(
        actor=actor,
        recipients=reporters_of(incident),
        kind="incidents.incident.request",
        subject=Subject(
            gettext_noop("The handling CERT asks a question about incident %(number)s"),
            {"number": _number(incident)},
        ),
        link=_link(incident),
        about=incident,
    )


def notification_due(*, incident: Incident, hours: int) -> None:
    """A draft not yet submitted: its reporter is reminded before the notification deadline passes."""
    notify(
        actor=None,
        recipients=reporters_of(incident),
        kind="incidents.incident.notify_due",
        subject=Subject(
            gettext_noop("Draft incident %(number)s must be notified within %(hours)s hours"),
            {"number": _number(incident), "hours": hours},
        ),
        link=_link(incident),
        about=incident,
    )


def written_report_due(*, incident: Incident, hours: int) -> None:
    """The written report of an incident is due soon: its reporter and its handlers are reminded."""
    notify(
        actor=None,
        recipients=reporters_of(incident) + handlers_of(incident),
        kind="incidents.incident.report_due",
        subject=Subject(
            gettext_noop("The written report of incident %(number)s is due within %(hours)s hours"),
            {"number": _number(incident), "hours": hours},
        ),
        link=_link(incident),
        about=incident,
    )
