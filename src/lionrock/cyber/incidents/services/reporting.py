"""Reporting: the reporter's draft, its checks, create, update and submit, and the evidence attached."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import IMAGES, MB, PDF, TEXT, FilePolicy
from lionrock.core.workflow.services import transition_record
from lionrock.cyber.incidents import clocks, exercises, selectors
from lionrock.cyber.incidents.models import Incident, Observable, Pap, ReportingRegime
from lionrock.cyber.incidents.services.clocks import regime_default
from lionrock.cyber.incidents.services.common import (
    CLOCK_SKEW,
    INCIDENT_FLOW,
    MAX_COUNT,
    MAX_OBSERVABLES,
    MAX_TEXT,
    MAX_TITLE,
    OBSERVABLE_KINDS,
    IncidentInvalid,
    _history,
)
from lionrock.cyber.incidents.services.recipients import recipients_name, recipients_require_handler
from lionrock.cyber.incidents.taxonomy import classification_get
from lionrock.cyber.intel.correlation import value_key
from lionrock.cyber.intel.tlp import Tlp

__all__ = [
    "EVIDENCE",
    "IncidentDraft",
    "ObservableIn",
    "incident_attachments_add",
    "incident_create",
    "incident_submit",
    "incident_update",
    "observable_normalise",
]


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
    # TLP:RED only: e-mail addresses of the people who may see it (the reporter is always one).
    recipients: list[str] = field(default_factory=list)


_HASH_LENGTHS = {"file-md5": 32, "file-sha1": 40, "file-sha256": 64}


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


def _keys(checked: list[tuple[ObservableIn, str, str]]) -> list[str]:
    return [value_key(kind, value) for _item, kind, value in checked]


def _exercise_for(
    org_id: int, requested: int | None, checked: list[tuple[ObservableIn, str, str]]
) -> int | None:
    """The drill a report belongs to: the one the reporter names (its organisation must be a team of it,
    and it must be running), or else the one whose live canary of the reporter's team it names."""
    if requested is not None:
        if requested not in {ref.pk for ref in exercises.exercises_running_for(org_id)}:
            raise IncidentInvalid(
                "exercise",
                _("Your organisation is not a team of a running exercise %(number)s.")
                % {"number": requested},
            )
        return requested
    found = exercises.exercise_named(org_id, _keys(checked))
    return found.pk if found is not None else None


@transaction.atomic
def incident_create(
    *,
    actor: Actor,
    draft: IncidentDraft,
    organisation: Organisation | int | None = None,
    regime: ReportingRegime | None = None,
    submit: bool = True,
    source: str = "ui",
    exercise: int | None = None,
) -> Incident:
    """A new report for the actor's organisation; submitted at once unless kept as a draft.

    A report filed for a drill (`exercise`, the exercise's id) or naming a live canary of the reporter's
    team is an exercise report: it never reaches the real desk, and the handling CERT is not told.
    """
    org_id = _reporting_organisation(actor, organisation)
    checked = _check(draft)
    exercise_number = _exercise_for(org_id, exercise, checked)
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
        is_exercise=exercise_number is not None,
        exercise_number=exercise_number,
    )
    _apply(incident, draft)
    if submit:
        incident.status = Incident.Status.SUBMITTED
        incident.submitted_at = now
        incident.reference = _next_reference(now)
    _set_deadlines(incident)
    incident.save()
    recipients_name(actor=actor, incident=incident, emails=draft.recipients)
    recipients_require_handler(incident)
    _store_observables(incident, checked)
    _attach(actor, incident, draft.attachments)
    text = _("Submitted the report.") if submit else _("Saved a draft.")
    if exercise_number is not None:
        text = _("%(text)s An exercise report of exercise %(number)s.") % {
            "text": text,
            "number": exercise_number,
        }
    _history(
        actor=actor,
        incident=incident,
        action="incident.create",
        text=text,
        changes={"source": source, "exercise": exercise_number},
    )
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
    """The handling CERT is told (inbox and e-mail, after commit), unless it is a drill report; other
    areas (drills scoring the report) hear the signal either way."""
    from lionrock.cyber.incidents import notices, signals

    if not incident.is_exercise:
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
    if not incident.is_exercise:
        # A report that now names a live canary of the reporter's team leaves the real desk.
        named = exercises.exercise_named(incident.reporting_organisation_id, _keys(checked))
        if named is not None:
            incident.is_exercise = True
            incident.exercise_number = named.pk
    _set_deadlines(incident)
    incident.updated_at = timezone.now()
    incident.save()
    recipients_name(actor=actor, incident=incident, emails=draft.recipients)
    recipients_require_handler(incident)
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
    "is_exercise",
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
    recipients_require_handler(incident)
    _history(actor=actor, incident=incident, action="incident.submit", text=_("Submitted the report."))
    _on_submitted(actor, incident)
    return incident
