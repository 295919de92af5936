"""Handling: the handlers' steps through the lifecycle, the thread of entries, links and sharing.

Acknowledge, assign, status, request information, link, share and close are for the handlers of the
handling organisation; the reporter replies, adds notes and records the written report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.audit import services as audit
from lionrock.cyber.incidents import selectors
from lionrock.cyber.incidents.models import Incident, IncidentEntry, IncidentLink, IncidentShare
from lionrock.cyber.incidents.services.common import INCIDENT_FLOW, MAX_TEXT, IncidentInvalid, _history
from lionrock.cyber.intel.tlp import Tlp

__all__ = [
    "handler_steps",
    "incident_acknowledge",
    "incident_assign",
    "incident_close",
    "incident_link",
    "incident_note_add",
    "incident_reply",
    "incident_request_information",
    "incident_share",
    "incident_status_set",
    "incident_written_report_record",
]


def _require_handler(actor: Actor, incident: Incident) -> None:
    if not selectors.incident_may_handle(actor=actor, incident=incident):
        raise NotFound


_STAMPS = ("acknowledged_at", "contained_at", "resolved_at", "closed_at", "updated_at")


def handler_steps(incident: Incident) -> list[str]:
    """The statuses a handler may choose next (closing has its own form)."""
    allowed = INCIDENT_FLOW.allowed(incident.status) - {Incident.Status.CLOSED, Incident.Status.SUBMITTED}
    return [value for value in Incident.Status.values if value in allowed]


def _stamp_status(incident: Incident, status: str, now: datetime) -> None:
    if (
        status in (Incident.Status.ACKNOWLEDGED, Incident.Status.INVESTIGATING)
        and not incident.acknowledged_at
    ):
        incident.acknowledged_at = now
    if status == Incident.Status.CONTAINED and not incident.contained_at:
        incident.contained_at = now
    if status == Incident.Status.RESOLVED:
        incident.contained_at = incident.contained_at or now
        incident.resolved_at = incident.resolved_at or now
        incident.acknowledged_at = incident.acknowledged_at or now


@transaction.atomic
def incident_status_set(*, actor: Actor, incident: Incident, status: str, note: str = "") -> Incident:
    """Moves the incident along its lifecycle; the times to acknowledge, contain and resolve follow."""
    _require_handler(actor, incident)
    if status not in handler_steps(incident):
        raise IncidentInvalid(
            "status",
            _("An incident that is %(from)s cannot become %(to)s.")
            % {
                "from": Incident.Status(incident.status).label,
                "to": Incident.Status(status).label if status in Incident.Status.values else status,
            },
        )
    previous = incident.status
    now = timezone.now()
    _stamp_status(incident, status, now)
    incident.status = previous
    incident.updated_at = now
    INCIDENT_FLOW.move(
        actor=actor, record=incident, to=status, reason=note.strip()[:500], update_fields=_STAMPS
    )
    text = _("Status: %(from)s → %(to)s.") % {
        "from": Incident.Status(previous).label,
        "to": Incident.Status(status).label,
    }
    if note.strip():
        text = f"{text} {note.strip()}"
    _history(actor=actor, incident=incident, action="incident.status", text=text, changes={"status": status})
    return incident


def incident_acknowledge(*, actor: Actor, incident: Incident) -> Incident:
    return incident_status_set(actor=actor, incident=incident, status=Incident.Status.ACKNOWLEDGED)


@transaction.atomic
def incident_assign(*, actor: Actor, incident: Incident, user: User | None) -> Incident:
    _require_handler(actor, incident)
    if (
        user is not None
        and not selectors.handlers_of(actor=actor, incident=incident).filter(pk=user.pk).exists()
    ):
        raise IncidentInvalid("assigned_to", _("Choose a handler of the handling organisation."))
    incident.assigned_to = user
    incident.updated_at = timezone.now()
    incident.save(update_fields=["assigned_to", "updated_at"])
    text = _("Assigned to %(name)s.") % {"name": user.full_name or user.email} if user else _("Unassigned.")
    _history(actor=actor, incident=incident, action="incident.assign", text=text)
    return incident


@transaction.atomic
def incident_close(*, actor: Actor, incident: Incident, summary: str, lessons: str = "") -> Incident:
    _require_handler(actor, incident)
    if incident.status == Incident.Status.CLOSED:
        raise IncidentInvalid("status", _("This incident is already closed."))
    if not summary.strip():
        raise IncidentInvalid("summary", _("Write a closing summary."))
    now = timezone.now()
    _stamp_status(incident, Incident.Status.RESOLVED, now)
    incident.closed_at = now
    incident.summary = summary.strip()[:MAX_TEXT]
    incident.lessons = lessons.strip()[:MAX_TEXT]
    incident.updated_at = now
    INCIDENT_FLOW.move(
        actor=actor,
        record=incident,
        to=Incident.Status.CLOSED,
        update_fields=(*_STAMPS, "summary", "lessons"),
    )
    _history(actor=actor, incident=incident, action="incident.close", text=_("Closed the incident."))
    return incident


def _entry_text(text: str) -> str:
    if not text.strip():
        raise IncidentInvalid("text", _("Write something first."))
    if len(text) > MAX_TEXT:
        raise IncidentInvalid("text", _("This text is longer than %(max)s characters.") % {"max": MAX_TEXT})
    return text.strip()


def _entry_add(actor: Actor, incident: Incident, kind: str, text: str) -> IncidentEntry:
    entry = IncidentEntry.objects.create(
        incident=incident,
        kind=kind,
        author=actor.user,
        organisation_id=actor.primary_organisation_id,
        text=_entry_text(text),
    )
    audit.record(actor=actor, action=f"incidents.incident.{kind}", target=incident, summary=kind)
    return entry


@transaction.atomic
def incident_request_information(*, actor: Actor, incident: Incident, text: str) -> IncidentEntry:
    """The handler asks the reporter a question; it stays open until the reporter replies."""
    _require_handler(actor, incident)
    from lionrock.cyber.incidents import notices

    entry = _entry_add(actor, incident, IncidentEntry.Kind.REQUEST, text)
    notices.information_requested(actor=actor, incident=incident)
    return entry


@transaction.atomic
def incident_reply(*, actor: Actor, incident: Incident, text: str) -> IncidentEntry:
    """The reporter answers; open requests count as answered."""
    if not selectors.incident_may_edit(actor=actor, incident=incident):
        raise NotFound
    entry = _entry_add(actor, incident, IncidentEntry.Kind.REPLY, text)
    incident.entries.filter(kind=IncidentEntry.Kind.REQUEST, answered=False).update(answered=True)
    return entry


@transaction.atomic
def incident_note_add(*, actor: Actor, incident: Incident, text: str) -> IncidentEntry:
    if not (
        selectors.incident_may_handle(actor=actor, incident=incident)
        or selectors.incident_may_edit(actor=actor, incident=incident)
    ):
        raise NotFound
    return _entry_add(actor, incident, IncidentEntry.Kind.NOTE, text)


@transaction.atomic
def incident_written_report_record(*, actor: Actor, incident: Incident) -> Incident:
    """The reporter's written report was delivered (the 14-day clock stops)."""
    if (
        not (
            selectors.incident_may_handle(actor=actor, incident=incident)
            or selectors.incident_may_edit(actor=actor, incident=incident)
        )
        or incident.status == Incident.Status.DRAFT
    ):
        raise NotFound
    incident.written_report_at = timezone.now()
    incident.save(update_fields=["written_report_at"])
    _history(
        actor=actor, incident=incident, action="incident.written_report", text=_("Written report delivered.")
    )
    return incident


@transaction.atomic
def incident_link(*, actor: Actor, incident: Incident, other: Incident) -> None:
    """Marks two incidents as the same campaign; both must be the handler's."""
    _require_handler(actor, incident)
    _require_handler(actor, other)
    if incident.pk == other.pk:
        raise IncidentInvalid("other", _("An incident cannot be linked to itself."))
    IncidentLink.objects.get_or_create(incident=incident, other=other)
    IncidentLink.objects.get_or_create(incident=other, other=incident)
    _history(
        actor=actor,
        incident=incident,
        action="incident.link",
        text=_("Linked to %(ref)s (same campaign).") % {"ref": other.reference},
    )
    _history(
        actor=actor,
        incident=other,
        action="incident.link",
        text=_("Linked to %(ref)s (same campaign).") % {"ref": incident.reference},
    )


@transaction.atomic
def incident_share(
    *,
    actor: Actor,
    incident: Incident,
    organisations: Iterable[Organisation] = (),
    community: bool | None = None,
) -> Incident:
    """Shares with named organisations (TLP:AMBER, AMBER+STRICT) or the community (CLEAR, GREEN)."""
    if (
        not (
            selectors.incident_may_handle(actor=actor, incident=incident)
            or selectors.incident_may_edit(actor=actor, incident=incident)
        )
        or incident.status == Incident.Status.DRAFT
    ):
        raise NotFound
    if incident.tlp == Tlp.RED:
        raise IncidentInvalid(
            "tlp", _("A TLP:RED incident is not shared beyond the reporter and the handler.")
        )
    if community and incident.tlp not in (Tlp.CLEAR, Tlp.GREEN):
        raise IncidentInvalid(
            "community", _("Only TLP:CLEAR and TLP:GREEN incidents are shared with the community.")
        )
    names = []
    for organisation in organisations:
        IncidentShare.objects.get_or_create(incident=incident, organisation=organisation)
        names.append(str(organisation))
    if community is not None:
        incident.shared_with_community = community
        incident.save(update_fields=["shared_with_community"])
    parts = []
    if names:
        parts.append(_("Shared with %(names)s.") % {"names": ", ".join(names)})
    if community is not None:
        parts.append(
            _("Shared with the community.") if community else _("No longer shared with the community.")
        )
    _history(
        actor=actor,
        incident=incident,
        action="incident.share",
        text=" ".join(parts) or _("Sharing unchanged."),
    )
    return incident
