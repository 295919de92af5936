"""Every write to the incident desk: keyword-only, one transaction each, an audit row and a history line.

Reporting (create, update, submit, reply) is for the reporting organisation; triage (acknowledge, assign,
status, request information, link, share, close) for the handlers of the handling organisation.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import IMAGES, MB, PDF, TEXT, FilePolicy
from lionrock.core.workflow import Workflow
from lionrock.core.workflow.services import transition_record
from lionrock.cyber.incidents import clocks, selectors
from lionrock.cyber.incidents.models import (
    Incident,
    IncidentEntry,
    IncidentLink,
    IncidentShare,
    Observable,
    Pap,
    ReportingRegime,
)
from lionrock.cyber.incidents.taxonomy import classification_get
from lionrock.cyber.intel.correlation import value_key
from lionrock.cyber.intel.tlp import Tlp

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
_HASH_LENGTHS = {"file-md5": 32, "file-sha1": 40, "file-sha256": 64}


class IncidentInvalid(ValidationFailed):
    """A report that cannot be stored as given; `field` names the input at fault. Nothing was stored."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        super().__init__(f"{field_name}: {message}")
        self.message = message


@dataclass
class ObservableIn:
    type: str
    value: str
    ioc: bool = False


@dataclass
class IncidentDraft:
    """What a reporter gives: from the form, the API or an import."""

    title: str
    classification: str
    detected_at: datetime
    aware_at: datetime
    description: str = ""
    serious: bool = False
    severity: str = Incident.Severity.MEDIUM
    affected_services: str = ""
    affected_systems: str = ""
    impact_users: int | None = None
    impact_minutes: int | None = None
    impact_data: str = ""
    tlp: str = Tlp.AMBER
    pap: str = Pap.AMBER
    observables: list[ObservableIn] = field(default_factory=list)
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def observable_normalise(index: int, item: ObservableIn) -> tuple[str, str]:
    """(kind, canonical value) for one observable, or IncidentInvalid naming observables[index]."""
    from lionrock.matcher.patterns import classify_value

    name = f"observables[{index}]"
    if item.type not in OBSERVABLE_KINDS:
        raise IncidentInvalid(
            f"{name}.type",
            _("“%(value)s”: “%(type)s” is not a kind of observable Lionrock knows (%(known)s).")
            % {
                "value": str(item.value)[:100],
                "type": str(item.type)[:40],
                "known": ", ".join(OBSERVABLE_KINDS),
            },
        )
    kind = OBSERVABLE_KINDS[item.type][0]
    text = (item.value or "").strip()
    problem = not text or len(text) > 2048
    if not problem and item.type in ("ipv4-addr", "ipv6-addr"):
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            problem = True
        else:
            problem = network.version != (4 if item.type == "ipv4-addr" else 6)
    if not problem and item.type in _HASH_LENGTHS:
        problem = len(text) != _HASH_LENGTHS[item.type]
    found = None if problem else classify_value(kind, text)
    if found is None:
        raise IncidentInvalid(
            f"{name}.value",
            _("“%(value)s” is not a valid %(type)s.") % {"value": text[:100], "type": item.type},
        )
    return found


def _check(draft: IncidentDraft) -> list[tuple[ObservableIn, str, str]]:
    now = timezone.now()
    if not draft.title.strip():
        raise IncidentInvalid("title", _("Give the incident a title."))
    if len(draft.title) > MAX_TITLE:
        raise IncidentInvalid("title", _("The title is longer than %(max)s characters.") % {"max": MAX_TITLE})
    if classification_get(draft.classification) is None:
        raise IncidentInvalid(
            "classification",
            _(
                "“%(value)s” is not in the Reference Security Incident Taxonomy "
                '(e.g. rsit:availability="ddos").'
            )
            % {"value": draft.classification[:120]},
        )
    for name in ("detected_at", "aware_at"):
        moment = getattr(draft, name)
        if moment is None or timezone.is_naive(moment):
            raise IncidentInvalid(name, _("Give a date and time with its offset from UTC."))
        if moment > now + CLOCK_SKEW:
            raise IncidentInvalid(name, _("This time is in the future."))
    if draft.aware_at < draft.detected_at:
        raise IncidentInvalid("aware_at", _("You cannot have become aware of it before it was detected."))
    if draft.severity not in Incident.Severity.values:
        raise IncidentInvalid("severity", _("Choose a severity from the list."))
    if draft.tlp not in Tlp.values:
        raise IncidentInvalid("tlp", _("Choose a TLP level: clear, green, amber, amber+strict or red."))
    if draft.pap not in Pap.values:
        raise IncidentInvalid("pap", _("Choose a PAP level: clear, green, amber or red."))
    for name in ("description", "affected_services", "affected_systems", "impact_data"):
        if len(getattr(draft, name) or "") > MAX_TEXT:
            raise IncidentInvalid(name, _("This text is longer than %(max)s characters.") % {"max": MAX_TEXT})
    for name in ("impact_users", "impact_minutes"):
        value = getattr(draft, name)
        if value is not None and not 0 <= value <= MAX_COUNT:
            raise IncidentInvalid(name, _("Give a number from 0 to %(max)s.") % {"max": MAX_COUNT})
    if len(draft.observables) > MAX_OBSERVABLES:
        raise IncidentInvalid(
            "observables", _("Give at most %(max)s observables at once.") % {"max": MAX_OBSERVABLES}
        )
    checked = []
    for index, item in enumerate(draft.observables):
        kind, value = observable_normalise(index, item)
        checked.append((item, kind, value))
    return checked


# Evidence: screenshots, PDFs, text exports and logs; judged by their bytes, encrypted at rest.
EVIDENCE = FilePolicy(kinds=IMAGES | PDF | TEXT, max_bytes=10 * MB, max_files=10)


def _attach(actor: Actor, incident: Incident, files: Sequence[tuple[str, bytes]]) -> None:
    """All the files or none; a refusal names the field and rolls back the caller's transaction."""
    from lionrock.core.files.services import attachments_add

    if not files:
        return
    try:
        attachments_add(actor=actor, owner=incident, files=files, policy=EVIDENCE, encrypt=True)
    except ValidationFailed as exc:
        raise IncidentInvalid("attachments", str(exc)) from None


@transaction.atomic
def incident_attachments_add(*, actor: Actor, incident: Incident, files: Sequence[tuple[str, bytes]]) -> None:
    """The reporter or the handler adds evidence to an incident."""
    if not (
        selectors.incident_may_handle(actor=actor, incident=incident)
        or selectors.incident_may_edit(actor=actor, incident=incident)
    ):
        raise NotFound
    if not files:
        raise IncidentInvalid("attachments", _("Choose at least one file."))
    _attach(actor, incident, files)
    _history(
        actor=actor,
        incident=incident,
        action="incident.attach",
        text=_("Attached %(n)s files.") % {"n": len(files)},
    )


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


def _next_reference(moment: datetime) -> str:
    year = timezone.localtime(moment).year
    prefix = f"INC-{year}-"
    last = Incident.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _apply(incident: Incident, draft: IncidentDraft) -> None:
    incident.title = draft.title.strip()
    incident.description = draft.description.strip()
    incident.classification = draft.classification.strip()
    incident.severity = draft.severity
    incident.serious = draft.serious
    incident.affected_services = draft.affected_services.strip()
    incident.affected_systems = draft.affected_systems.strip()
    incident.detected_at = draft.detected_at
    incident.aware_at = draft.aware_at
    incident.impact_users = draft.impact_users
    incident.impact_minutes = draft.impact_minutes
    incident.impact_data = draft.impact_data.strip()
    incident.tlp = draft.tlp
    incident.pap = draft.pap


def _store_observables(incident: Incident, checked: list[tuple[ObservableIn, str, str]]) -> None:
    kept = {(o.type, o.normalised): o for o in incident.observables.all()}
    wanted = set()
    for item, kind, value in checked:
        wanted.add((item.type, value))
        existing = kept.get((item.type, value))
        if existing is not None:
            if existing.ioc != item.ioc:
                existing.ioc = item.ioc
                existing.save(update_fields=["ioc"])
            continue
        Observable.objects.create(
            incident=incident,
            type=item.type,
            value=item.value.strip(),
            kind=kind,
            normalised=value,
            key=value_key(kind, value),
            ioc=item.ioc,
        )
        kept[(item.type, value)] = Observable(type=item.type, normalised=value)
    for (obs_type, value), obs in kept.items():
        if (obs_type, value) not in wanted and obs.pk and not obs.indicator_stix_id:
            obs.delete()


def _set_deadlines(incident: Incident) -> None:
    found = clocks.incident_deadlines(incident)
    incident.notify_by = found.notify_by
    incident.written_report_by = found.written_report_by if incident.submitted_at else None


def _reporting_organisation(actor: Actor, organisation: Organisation | int | None) -> int:
    orgs = selectors.incident_organisations(actor, write=True)
    if organisation is None:
        org_id = actor.primary_organisation_id
    else:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
    if org_id is None or org_id not in orgs:
        raise NotFound
    return org_id


def regime_default() -> ReportingRegime:
    regime = ReportingRegime.objects.filter(is_default=True).first() or ReportingRegime.objects.first()
    if regime is None:
        raise ValidationFailed(_("No reporting regime is set up; ask the platform administrator."))
    return regime


@transaction.atomic
def incident_create(
    *,
    actor: Actor,
    draft: IncidentDraft,
    organisation: Organisation | int | None = None,
    regime: ReportingRegime | None = None,
    submit: bool = True,
    source: str = "ui",
) -> Incident:
    """A new report for the actor's organisation; submitted at once unless kept as a draft."""
    org_id = _reporting_organisation(actor, organisation)
    checked = _check(draft)
    regime = regime or regime_default()
    now = timezone.now()
    incident = Incident(
        stix_id=Incident.new_stix_id(),
        regime=regime,
        reporting_organisation_id=org_id,
        handling_organisation_id=regime.handling_organisation_id,
        reported_by=actor.user,
        created_at=now,
        updated_at=now,
    )
    _apply(incident, draft)
    if submit:
        incident.status = Incident.Status.SUBMITTED
        incident.submitted_at = now
        incident.reference = _next_reference(now)
    _set_deadlines(incident)
    incident.save()
    _store_observables(incident, checked)
    _attach(actor, incident, draft.attachments)
    text = _("Submitted the report.") if submit else _("Saved a draft.")
    _history(actor=actor, incident=incident, action="incident.create", text=text, changes={"source": source})
    if submit:
        # Reported and submitted in one step: the workflow's history still shows the step.
        transition_record(
            actor=actor,
            record=incident,
            field="status",
            before=Incident.Status.DRAFT,
            after=Incident.Status.SUBMITTED,
            action=INCIDENT_FLOW.action,
        )
        _on_submitted(actor, incident)
    return incident


def _on_submitted(actor: Actor, incident: Incident) -> None:
    """The handling CERT is told (inbox and e-mail, after commit); other areas hear the signal."""
    from lionrock.cyber.incidents import notices, signals

    notices.incident_submitted(actor=actor, incident=incident)
    pk = incident.pk
    transaction.on_commit(lambda: signals.incident_submitted.send(sender=Incident, incident_id=pk))


@transaction.atomic
def incident_update(*, actor: Actor, incident: Incident, draft: IncidentDraft) -> Incident:
    """The reporter corrects or completes the report; every change is in the history."""
    if not selectors.incident_may_edit(actor=actor, incident=incident):
        raise NotFound
    checked = _check(draft)
    before = {name: getattr(incident, name) for name in _TRACKED}
    _apply(incident, draft)
    _set_deadlines(incident)
    incident.updated_at = timezone.now()
    incident.save()
    _store_observables(incident, checked)
    changed = [name for name in _TRACKED if getattr(incident, name) != before[name]]
    text = (
        _("Updated the report: %(fields)s.") % {"fields": ", ".join(changed)}
        if changed
        else _("Updated the observables.")
    )
    _history(
        actor=actor,
        incident=incident,
        action="incident.update",
        text=text,
        changes={name: str(getattr(incident, name)) for name in changed},
    )
    return incident


_TRACKED = (
    "title",
    "description",
    "classification",
    "severity",
    "serious",
    "affected_services",
    "affected_systems",
    "detected_at",
    "aware_at",
    "impact_users",
    "impact_minutes",
    "impact_data",
    "tlp",
    "pap",
)


@transaction.atomic
def incident_submit(*, actor: Actor, incident: Incident) -> Incident:
    if incident.status != Incident.Status.DRAFT or not selectors.incident_may_edit(
        actor=actor, incident=incident
    ):
        raise NotFound
    now = timezone.now()
    incident.submitted_at = now
    incident.reference = _next_reference(now)
    incident.updated_at = now
    _set_deadlines(incident)
    INCIDENT_FLOW.move(
        actor=actor,
        record=incident,
        to=Incident.Status.SUBMITTED,
        update_fields=("submitted_at", "reference", "updated_at", "notify_by", "written_report_by"),
    )
    _history(actor=actor, incident=incident, action="incident.submit", text=_("Submitted the report."))
    _on_submitted(actor, incident)
    return incident


def _require_handler(actor: Actor, incident: Incident) -> None:
    if not selectors.incident_may_handle(actor=actor, incident=incident):
        raise NotFound


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


# --- One step from incident to sharing: IOC observables become indicators ---------------------------------


@dataclass(frozen=True)
class IndicatorPreview:
    observable: Observable
    pattern: str
    warninglist: str | None


def observables_preview(
    *, actor: Actor, incident: Incident, observable_ids: Sequence[int]
) -> list[IndicatorPreview]:
    """What sharing would create, with the values MISP warninglists call known-benign flagged."""
    from lionrock.cyber.exchange import flags
    from lionrock.cyber.intel.services import pattern_for_value

    if not (
        selectors.incident_may_handle(actor=actor, incident=incident)
        or selectors.incident_may_edit(actor=actor, incident=incident)
    ):
        raise NotFound
    chosen = incident.observables.filter(pk__in=list(observable_ids), ioc=True, indicator_stix_id="")
    previews = []
    for obs in chosen:
        pattern = pattern_for_value(value_type=OBSERVABLE_KINDS[obs.type][1], value=obs.normalised)
        previews.append(IndicatorPreview(obs, pattern, flags.warninglist_of(obs.kind, obs.normalised)))
    return previews


@transaction.atomic
def observables_share(
    *,
    actor: Actor,
    incident: Incident,
    collection: Any,
    tlp: str,
    observable_ids: Sequence[int],
    include_flagged: bool = False,
) -> list[str]:
    """Creates one STIX indicator per chosen IOC observable in the collection, linked back to the incident."""
    from lionrock.cyber.intel.services import IndicatorDraft, indicator_create

    if tlp not in Tlp.values:
        raise IncidentInvalid("tlp", _("Choose a TLP level."))
    previews = observables_preview(actor=actor, incident=incident, observable_ids=observable_ids)
    if not previews:
        raise IncidentInvalid("observables", _("Choose at least one indicator of compromise not yet shared."))
    created = []
    for preview in previews:
        if preview.warninglist and not include_flagged:
            continue
        obs = preview.observable
        indicator = indicator_create(
            actor=actor,
            collection=collection,
            draft=IndicatorDraft(
                name=f"{incident.reference}: {obs.value}"[:250],
                pattern=preview.pattern,
                valid_from=timezone.now(),
                description=_("Indicator of compromise from incident %(ref)s.") % {"ref": incident.reference},
                labels=["incident", incident.reference or ""],
                tlp=Tlp(tlp),
            ),
            source="incident",
        )
        obs.indicator_stix_id = indicator.stix_id
        obs.save(update_fields=["indicator_stix_id"])
        created.append(indicator.stix_id)
    if created:
        _history(
            actor=actor,
            incident=incident,
            action="incident.share_indicators",
            text=_("Shared %(n)s indicators in %(collection)s at %(tlp)s.")
            % {"n": len(created), "collection": collection, "tlp": Tlp(tlp).label},
            changes={"indicators": created},
        )
    return created


# --- Statutory clocks: data the platform administrator keeps --------------------------------------------


@transaction.atomic
def notification_clock_add(
    *,
    actor: Actor,
    regime: ReportingRegime,
    serious: bool,
    notify_within: timedelta,
    written_report_within: timedelta | None,
    effective_from: Any,
    source: str = "",
) -> Any:
    """A new rule from a date; the rule it replaces stays in force for incidents before that date."""
    from lionrock.core.accounts import access
    from lionrock.core.accounts.roles import Role
    from lionrock.cyber.incidents.models import NotificationClock

    access.require(actor, Role.PLATFORM_ADMIN)
    if notify_within <= timedelta(0):
        raise IncidentInvalid("notify_within", _("Give a positive number of hours."))
    if written_report_within is not None and written_report_within <= timedelta(0):
        raise IncidentInvalid("written_report_within", _("Give a positive number of days."))
    previous = (
        NotificationClock.objects.filter(
            regime=regime, serious=serious, effective_from__lt=effective_from, effective_until__isnull=True
        )
        .order_by("-effective_from")
        .first()
    )
    if NotificationClock.objects.filter(
        regime=regime, serious=serious, effective_from__gte=effective_from
    ).exists():
        raise IncidentInvalid("effective_from", _("A rule already starts on or after this date."))
    if previous is not None:
        previous.effective_until = effective_from - timedelta(days=1)
        previous.save(update_fields=["effective_until"])
    clock = NotificationClock.objects.create(
        regime=regime,
        serious=serious,
        notify_within=notify_within,
        written_report_within=written_report_within,
        effective_from=effective_from,
        source=source.strip()[:300],
    )
    audit.record(
        actor=actor,
        action="incidents.clock.add",
        target=clock,
        changes={"regime": regime.code, "serious": serious, "notify_within": str(notify_within)},
        summary=f"{regime.code} {'serious' if serious else 'other'} {notify_within}",
    )
    return clock


@transaction.atomic
def regime_ensure(
    *,
    code: str,
    name_en: str,
    name_zh: str,
    handling_organisation: Organisation,
    is_default: bool = False,
    clocks_from: Any = None,
    serious_hours: int = 12,
    other_hours: int = 48,
    report_days: int | None = 14,
    source: str = "",
) -> ReportingRegime:
    """Installs a regime and its first clocks once (demo, set-up); later rules go through the clocks page."""
    from lionrock.cyber.incidents.models import NotificationClock

    regime, created = ReportingRegime.objects.get_or_create(
        code=code,
        defaults={
            "name_en": name_en,
            "name_zh": name_zh,
            "handling_organisation": handling_organisation,
            "is_default": is_default,
        },
    )
    if created and clocks_from is not None:
        for serious, hours in ((True, serious_hours), (False, other_hours)):
            NotificationClock.objects.create(
                regime=regime,
                serious=serious,
                notify_within=timedelta(hours=hours),
                written_report_within=timedelta(days=report_days) if report_days else None,
                effective_from=clocks_from,
                source=source,
            )
        audit.record(actor=None, action="incidents.regime.create", target=regime, actor_label="system")
    return regime


# --- Reminders before a deadline passes (run by the task queue) --------------------------------------------

NOTIFY_WARNING = timedelta(hours=3)
REPORT_WARNING = timedelta(hours=48)


def incident_reminders_send(*, now: datetime | None = None) -> int:
    """Reminds reporters of drafts nearing the notification deadline, and reporters and handlers of
    written reports nearing theirs; once per deadline, each in its own transaction."""
    from lionrock.cyber.incidents import notices

    now = now or timezone.now()
    count = 0
    drafts = Incident.objects.filter(
        status=Incident.Status.DRAFT,
        notify_by__gt=now,
        notify_by__lte=now + NOTIFY_WARNING,
        notify_reminded_at__isnull=True,
    )
    for pk in list(drafts.values_list("pk", flat=True)):
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=pk)
            incident.notify_reminded_at = now
            incident.save(update_fields=["notify_reminded_at"])
            audit.record(
                actor=None, actor_label="system", action="incidents.incident.remind", target=incident
            )
            hours = max(1, int((incident.notify_by - now).total_seconds() // 3600))  # type: ignore[operator]
            notices.notification_due(incident=incident, hours=hours)
            count += 1
    reports = Incident.objects.filter(
        written_report_at__isnull=True,
        written_report_by__gt=now,
        written_report_by__lte=now + REPORT_WARNING,
        report_reminded_at__isnull=True,
    ).exclude(status__in=[Incident.Status.DRAFT, Incident.Status.CLOSED])
    for pk in list(reports.values_list("pk", flat=True)):
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=pk)
            incident.report_reminded_at = now
            incident.save(update_fields=["report_reminded_at"])
            audit.record(
                actor=None, actor_label="system", action="incidents.incident.remind", target=incident
            )
            hours = max(1, int((incident.written_report_by - now).total_seconds() // 3600))  # type: ignore[operator]
            notices.written_report_due(incident=incident, hours=hours)
            count += 1
    return count
