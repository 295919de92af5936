"""What the incident services share: the limits, the refusal, the lifecycle and the history line."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _lazy

from lionrock.core.accounts.access import Actor
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.workflow import Workflow
from lionrock.cyber.incidents.models import Incident, IncidentEntry

__all__ = [
    "CLOCK_SKEW",
    "INCIDENT_FLOW",
    "MAX_COUNT",
    "MAX_OBSERVABLES",
    "MAX_TEXT",
    "MAX_TITLE",
    "OBSERVABLE_KINDS",
    "IncidentInvalid",
]


MAX_TITLE = 250
MAX_TEXT = 20_000
MAX_OBSERVABLES = 500
MAX_COUNT = 2_000_000_000  # users or minutes: within a 32-bit column on every database
# A reporter's clock may run a little ahead of ours; beyond this a time is "in the future".
CLOCK_SKEW = timedelta(minutes=5)

# Observable type -> (the matcher's kind, the intel store's value type for a pattern).
OBSERVABLE_KINDS: dict[str, tuple[str, str]] = {
    "ipv4-addr": ("address", "ipv4-addr"),
    "ipv6-addr": ("address", "ipv6-addr"),
    "domain-name": ("domain", "domain-name"),
    "url": ("url", "url"),
    "email-addr": ("email", "email-addr"),
    "file-md5": ("hash", "file:md5"),
    "file-sha1": ("hash", "file:sha1"),
    "file-sha256": ("hash", "file:sha256"),
}


class IncidentInvalid(ValidationFailed):
    """A report that cannot be stored as given; `field` names the input at fault. Nothing was stored."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name}: {message}")
        self.message = message


def _history(
    *, actor: Actor, incident: Incident, action: str, text: str, changes: dict[str, Any] | None = None
) -> None:
    """The incident's own timeline line and the platform's audit row, in the same transaction."""
    IncidentEntry.objects.create(
        incident=incident,
        kind=IncidentEntry.Kind.CHANGE,
        author=actor.user,
        organisation_id=actor.primary_organisation_id,
        text=text,
    )
    audit.record(actor=actor, action=f"incidents.{action}", target=incident, changes=changes, summary=text)


# The incident's lifecycle: who may take which step is checked by the services (reporter: submit;
# handlers: the rest); the table says which steps exist. Closing goes through incident_close.
INCIDENT_FLOW = Workflow(
    action="incidents.incident.status",
    field="status",
    steps={
        Incident.Status.DRAFT: {Incident.Status.SUBMITTED},
        Incident.Status.SUBMITTED: {
            Incident.Status.ACKNOWLEDGED,
            Incident.Status.INVESTIGATING,
            Incident.Status.CLOSED,
        },
        Incident.Status.ACKNOWLEDGED: {
            Incident.Status.INVESTIGATING,
            Incident.Status.CONTAINED,
            Incident.Status.RESOLVED,
            Incident.Status.CLOSED,
        },
        Incident.Status.INVESTIGATING: {
            Incident.Status.CONTAINED,
            Incident.Status.RESOLVED,
            Incident.Status.CLOSED,
        },
        Incident.Status.CONTAINED: {
            Incident.Status.INVESTIGATING,
            Incident.Status.RESOLVED,
            Incident.Status.CLOSED,
        },
        Incident.Status.RESOLVED: {Incident.Status.INVESTIGATING, Incident.Status.CLOSED},
    },
    refusal=_lazy("An incident that is %(before)s cannot become %(after)s."),
)
