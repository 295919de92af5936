"""Every write to major events: keyword-only, one transaction, an audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import IMAGES, MB, PDF, TEXT, FilePolicy
from lionrock.cyber.events import selectors
from lionrock.cyber.events.assets import asset_normalise
from lionrock.cyber.events.models import (
    Asset,
    CriticalService,
    Event,
    EventOrganisation,
    ReadinessEntry,
    ReadinessItem,
    RosterShift,
    ShiftLogEntry,
)
from lionrock.cyber.events.sharing import MANAGER_ROLES

# Evidence of readiness: test reports, screenshots, plans.
EVIDENCE = FilePolicy(kinds=IMAGES | PDF | TEXT, max_bytes=10 * MB, max_files=5)


class EventInvalid(ValidationFailed):
    """A request naming the field at fault; nothing was stored."""

    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        self.message = message
        super().__init__(f"{field_name}: {message}")


@dataclass
class EventDraft:
    slug: str
    name_en: str
    name_zh: str
    starts_on: date
    ends_on: date
    watch_starts_at: datetime
    watch_ends_at: datetime
    description: str = ""
    venues: str = ""


def _check(draft: EventDraft) -> None:
    if not draft.name_en.strip():
        raise EventInvalid("name_en", _("Give the event's English name."))
    if not draft.name_zh.strip():
        raise EventInvalid("name_zh", _("Give the event's Chinese name."))
    if draft.ends_on < draft.starts_on:
        raise EventInvalid("ends_on", _("The last day is before the first."))
    if draft.watch_ends_at <= draft.watch_starts_at:
        raise EventInvalid("watch_ends_at", _("The watch must end after it starts."))
    if draft.watch_starts_at.date() > draft.starts_on or draft.watch_ends_at.date() < draft.ends_on:
        raise EventInvalid("watch_starts_at", _("The watch period must cover the event's days."))


def _require_manage(actor: Actor, event: Event) -> None:
    if not selectors.event_may_manage(actor=actor, event=event):
        raise NotFound


@transaction.atomic
def event_create(*, actor: Actor, draft: EventDraft, organiser: Organisation | int | None = None) -> Event:
    """A new event organised by one of the actor's organisations where the actor is an analyst."""
    orgs = actor.organisations_with(*MANAGER_ROLES)
    org_id = organiser if isinstance(organiser, int) else (organiser.pk if organiser else None)
    org_id = org_id if org_id is not None else (min(orgs) if orgs else None)
    if org_id is None or org_id not in orgs:
        raise NotFound
    _check(draft)
    if Event.objects.filter(slug=draft.slug).exists():
        raise EventInvalid("slug", _("Another event already uses this short name."))
    latest = ReadinessItem.objects.order_by("-version").values_list("version", flat=True).first() or 1
    event = Event.objects.create(
        slug=draft.slug,
        name_en=draft.name_en.strip(),
        name_zh=draft.name_zh.strip(),
        description=draft.description.strip(),
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        watch_starts_at=draft.watch_starts_at,
        watch_ends_at=draft.watch_ends_at,
        venues=draft.venues.strip(),
        organiser_id=org_id,
        checklist_version=latest,
    )
    EventOrganisation.objects.create(event=event, organisation_id=org_id, coordinator=True)
    audit.record(actor=actor, action="events.event.create", target=event, summary=event.slug)
    return event


@transaction.atomic
def event_update(*, actor: Actor, event: Event, draft: EventDraft) -> Event:
    _require_manage(actor, event)
    _check(draft)
    for name in ("name_en", "name_zh", "description", "venues"):
        setattr(event, name, getattr(draft, name).strip())
    for name in ("starts_on", "ends_on", "watch_starts_at", "watch_ends_at"):
        setattr(event, name, getattr(draft, name))
    event.save()
    audit.record(actor=actor, action="events.event.update", target=event, summary=event.slug)
    return event


@transaction.atomic
def participant_add(
    *,
    actor: Actor,
    event: Event,
    organisation: Organisation,
    coordinator: bool = False,
    responsibility: str = "",
) -> EventOrganisation:
    """An organisation joins the event; its readiness checklist starts empty (not started)."""
    _require_manage(actor, event)
    participant, _created = EventOrganisation.objects.update_or_create(
        event=event,
        organisation=organisation,
        defaults={"coordinator": coordinator, "responsibility": responsibility.strip()[:250]},
    )
    audit.record(
        actor=actor,
        action="events.participant.add",
        target=event,
        changes={"organisation": organisation.slug, "coordinator": coordinator},
        summary=organisation.slug,
    )
    return participant


def _require_acting_for(actor: Actor, event: Event, organisation_id: int) -> None:
    own = selectors.event_own_organisations(actor=actor, event=event)
    if organisation_id not in own and not selectors.event_may_manage(actor=actor, event=event):
        raise NotFound


@transaction.atomic
def service_register(
    *, actor: Actor, event: Event, organisation: Organisation, name: str, description: str = ""
) -> CriticalService:
    """A participant registers a critical service the event depends on (or a coordinator does for it)."""
    _require_acting_for(actor, event, organisation.pk)
    if not event.participants.filter(organisation=organisation).exists():
        raise EventInvalid("organisation", _("This organisation does not take part in the event."))
    if not name.strip():
        raise EventInvalid("name", _("Name the service."))
    service = CriticalService.objects.create(
        event=event, organisation=organisation, name=name.strip()[:200], description=description.strip()
    )
    audit.record(actor=actor, action="events.service.register", target=service, summary=service.name)
    return service


@transaction.atomic
def asset_add(*, actor: Actor, service: CriticalService, kind: str, value: str) -> Asset:
    """An asset of a service: a domain, host name, IPv4/IPv6 range or ASN, stored in canonical form."""
    _require_acting_for(actor, service.event, service.organisation_id)
    try:
        canonical = asset_normalise(kind, value)
    except ValidationFailed as exc:
        raise EventInvalid("value", str(exc)) from None
    try:
        with transaction.atomic():
            asset = Asset.objects.create(
                service=service,
                event=service.event,
                organisation_id=service.organisation_id,
                kind=kind,
                value=canonical,
            )
    except IntegrityError:
        raise EventInvalid("value", _("This asset is already registered.")) from None
    audit.record(actor=actor, action="events.asset.add", target=asset, summary=f"{kind} {canonical}")
    return asset


@transaction.atomic
def roster_shift_add(
    *,
    actor: Actor,
    event: Event,
    organisation: Organisation,
    person: str,
    starts_at: datetime,
    ends_at: datetime,
    role: str = "",
    phone: str = "",
    email: str = "",
) -> RosterShift:
    _require_acting_for(actor, event, organisation.pk)
    if not person.strip():
        raise EventInvalid("person", _("Name the person on duty."))
    if ends_at <= starts_at:
        raise EventInvalid("ends_at", _("The shift must end after it starts."))
    shift = RosterShift.objects.create(
        event=event,
        organisation=organisation,
        person=person.strip(),
        role=role.strip(),
        phone=phone.strip(),
        email=email.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    audit.record(actor=actor, action="events.roster.add", target=shift, summary=shift.person)
    return shift


@transaction.atomic
def readiness_set(
    *,
    actor: Actor,
    event: Event,
    organisation: Organisation,
    item: ReadinessItem,
    status: str,
    evidence: str = "",
    evidence_files: Sequence[tuple[str, bytes]] = (),
) -> ReadinessEntry:
    """A participant records where it stands on one checklist item; "done" records who confirmed it."""
    _require_acting_for(actor, event, organisation.pk)
    if item.version != event.checklist_version:
        raise EventInvalid("item", _("This item is not on the event's checklist."))
    if status not in ReadinessEntry.Status.values:
        raise EventInvalid("status", _("Choose a status from the list."))
    if not event.participants.filter(organisation=organisation).exists():
        raise EventInvalid("organisation", _("This organisation does not take part in the event."))
    now = timezone.now()
    done = status in (ReadinessEntry.Status.DONE, ReadinessEntry.Status.NOT_APPLICABLE)
    entry, _created = ReadinessEntry.objects.update_or_create(
        event=event,
        organisation=organisation,
        item=item,
        defaults={
            "status": status,
            "evidence": evidence.strip()[:5000],
            "confirmed_by": actor.user if done else None,
            "confirmed_at": now if done else None,
            "updated_at": now,
        },
    )
    if evidence_files:
        from lionrock.core.files.services import attachments_add

        try:
            attachments_add(actor=actor, owner=entry, files=evidence_files, policy=EVIDENCE)
        except ValidationFailed as exc:
            raise EventInvalid("evidence_files", str(exc)) from None
    audit.record(
        actor=actor,
        action="events.readiness.set",
        target=entry,
        changes={"status": status, "item": item.code},
        summary=f"{organisation.slug} {item.code} {status}",
    )
    return entry


@transaction.atomic
def alert_level_set(*, actor: Actor, event: Event, level: str, note: str = "") -> Event:
    """The policy office sets the watch's alert level; the shift log records it."""
    _require_manage(actor, event)
    if level not in Event.AlertLevel.values:
        raise EventInvalid("level", _("Choose an alert level from the list."))
    previous = event.alert_level
    event.alert_level = level
    event.alert_level_set_at = timezone.now()
    event.alert_level_set_by = actor.user
    event.save(update_fields=["alert_level", "alert_level_set_at", "alert_level_set_by"])
    text = _("Alert level: %(from)s → %(to)s.") % {
        "from": Event.AlertLevel(previous).label,
        "to": Event.AlertLevel(level).label,
    }
    if note.strip():
        text = f"{text} {note.strip()}"
    ShiftLogEntry.objects.create(
        event=event, author=actor.user, organisation_id=actor.primary_organisation_id, text=text
    )
    audit.record(
        actor=actor, action="events.alert_level.set", target=event, changes={"level": level}, summary=text
    )
    return event


@transaction.atomic
def shift_log_add(*, actor: Actor, event: Event, text: str) -> ShiftLogEntry:
    if not selectors.event_is_coordinator(actor=actor, event=event):
        raise NotFound
    if not text.strip():
        raise EventInvalid("text", _("Write something first."))
    entry = ShiftLogEntry.objects.create(
        event=event,
        author=actor.user,
        organisation_id=actor.primary_organisation_id,
        text=text.strip()[:5000],
    )
    audit.record(actor=actor, action="events.shift_log.add", target=event, summary=text.strip()[:100])
    return entry


@transaction.atomic
def event_lessons_set(*, actor: Actor, event: Event, lessons: str) -> Event:
    _require_manage(actor, event)
    event.lessons = lessons.strip()[:20_000]
    event.save(update_fields=["lessons"])
    audit.record(actor=actor, action="events.lessons.set", target=event)
    return event


# --- Reminders of late readiness items (run by the task queue) -----------------------------------------

REMIND_BEFORE = timedelta(days=30)


def readiness_reminders_send(*, today: date | None = None) -> int:
    """Once a day, each participant of an event starting within 30 days with late checklist items is told
    how many (the items themselves stay behind the link)."""
    from lionrock.cyber.events import notices

    today = today or timezone.localdate()
    count = 0
    events = Event.objects.filter(starts_on__gte=today, starts_on__lte=today + REMIND_BEFORE)
    for event in events:
        items = list(ReadinessItem.objects.filter(version=event.checklist_version))
        finished = {
            (organisation_id, item_id)
            for organisation_id, item_id in ReadinessEntry.objects.filter(
                event=event, status__in=[ReadinessEntry.Status.DONE, ReadinessEntry.Status.NOT_APPLICABLE]
            ).values_list("organisation_id", "item_id")
        }
        for participant in event.participants.exclude(reminded_on=today):
            late = sum(
                1
                for item in items
                if (participant.organisation_id, item.pk) not in finished
                and selectors.item_due(event, item) < today
            )
            if not late:
                continue
            with transaction.atomic():
                participant.reminded_on = today
                participant.save(update_fields=["reminded_on"])
                audit.record(
                    actor=None, actor_label="system", action="events.readiness.remind", target=participant
                )
                notices.readiness_late(event=event, organisation_id=participant.organisation_id, late=late)
            count += 1
    return count
