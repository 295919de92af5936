"""Every read of publishing records: press officers see their agency's releases and sources; the public
sees published versions only, and only from their publication time (the embargo)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.drills import scenarios as drill_scenarios
from lionrock.cyber.drills import selectors as drill_selectors
from lionrock.cyber.drills.models import Capability, Exercise
from lionrock.cyber.events import selectors as event_selectors
from lionrock.cyber.events.models import Event, ReadinessEntry
from lionrock.cyber.incidents.models import Incident
from lionrock.immigration.enforcement.models import Operation
from lionrock.publishing.cyber_facts import DrillRecord, EventRecord
from lionrock.publishing.models import Meeting, PressRelease, ReleaseTemplate, ReleaseVersion

__all__ = [
    "cyber_reader",
    "drill_record_read",
    "event_for_release",
    "event_record_read",
    "events_for_release",
    "exercise_for_release",
    "exercises_for_release",
    "meeting_get",
    "meetings_visible",
    "operation_for_release",
    "operations_for_release",
    "press_organisations",
    "release_get",
    "release_may_decide",
    "release_public_get",
    "releases_public",
    "releases_visible",
    "templates_visible",
]


def _service_slugs() -> list[str]:
    return list(settings.LIONROCK_PRESS_SERVICE_ORGANISATIONS)


def press_organisations(*, actor: Actor) -> QuerySet[Organisation]:
    """The agencies the actor issues releases for: where they are a press officer, or every agency when
    they are a press officer of the government's information service."""
    held = actor.organisations_with(Role.PRESS_OFFICER)
    if actor.user is None or not held:
        return Organisation.objects.none()
    if Organisation.objects.filter(pk__in=held, slug__in=_service_slugs()).exists():
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(pk__in=held, is_active=True)


def release_may_decide(*, actor: Actor, release: PressRelease) -> bool:
    """Whether the actor may approve, return or publish early: a press officer of the release's own agency
    who neither drafted nor submitted it (the information service drafts for agencies, never decides)."""
    if actor.user is None or not actor.has_role(Role.PRESS_OFFICER, release.organisation_id):
        return False
    return actor.user.pk not in (release.drafted_by_id, release.submitted_by_id)


def _press_ids(actor: Actor) -> list[int]:
    ids = list(press_organisations(actor=actor).values_list("pk", flat=True))
    if not ids:
        raise NotFound
    return ids


def releases_visible(*, actor: Actor) -> QuerySet[PressRelease]:
    """The releases of the agencies the actor issues for; the only door to working copies."""
    return PressRelease.objects.filter(organisation_id__in=_press_ids(actor))


def release_get(*, actor: Actor, release_id: int) -> PressRelease:
    release = (
        releases_visible(actor=actor)
        .select_related("organisation", "drafted_by", "submitted_by", "approved_by", "operation", "meeting")
        .filter(pk=release_id)
        .first()
    )
    if release is None:
        raise NotFound(release_id)
    return release


def operations_for_release(*, actor: Actor) -> QuerySet[Operation]:
    """Operations a press officer may announce: executed or closed ones of the agencies they issue for."""
    return (
        Operation.objects.filter(organisation_id__in=_press_ids(actor))
        .exclude(status=Operation.Status.PLANNED)
        .select_related("organisation")
        .order_by("-planned_start")
    )


def operation_for_release(*, actor: Actor | None, reference: str | int) -> Operation:
    """By id or codename (the newest with that codename). `actor` None: the command line, which runs with
    the server's own rights."""
    operations = (
        Operation.objects.exclude(status=Operation.Status.PLANNED)
        if actor is None
        else operations_for_release(actor=actor)
    ).select_related("organisation")
    text = str(reference).strip()
    found = (
        operations.filter(pk=int(text)).first()
        if text.isdigit()
        else operations.filter(codename__iexact=text).order_by("-planned_start").first()
    )
    if found is None:
        raise NotFound(text)
    return found


def meetings_visible(*, actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(organisation_id__in=_press_ids(actor)).select_related("organisation")


def meeting_get(*, actor: Actor | None, meeting_id: int) -> Meeting:
    meetings = Meeting.objects.all() if actor is None else meetings_visible(actor=actor)
    meeting = meetings.prefetch_related("attendees").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(meeting_id)
    return meeting


def templates_visible(*, actor: Actor) -> QuerySet[ReleaseTemplate]:
    ids = _press_ids(actor)
    return ReleaseTemplate.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=ids))


# --- Drills and major events, read through their own selectors ------------------------------------------

# What an agency's drill planners and event analysts read; a press officer reads the same, for counts.
_READER_ROLES = frozenset({Role.DRILL_PLANNER, Role.INTEL_ANALYST, Role.INCIDENT_HANDLER})
_FINISHED = (Exercise.Status.ENDED, Exercise.Status.CLOSED)


def cyber_reader(*, actor: Actor, organisation_ids: Iterable[int]) -> Actor:
    """The actor a press officer reads drills and events as: the planners and analysts of these agencies,
    and only of those among them the officer issues releases for (anything else is not found)."""
    allowed = set(_press_ids(actor)) & set(organisation_ids)
    if not allowed:
        raise NotFound
    return Actor(user=actor.user, grants={pk: _READER_ROLES for pk in allowed}, ip_address=actor.ip_address)


def exercises_for_release(*, actor: Actor) -> QuerySet[Exercise]:
    """Finished drills organised by the agencies the actor issues for, the latest first."""
    ids = _press_ids(actor)
    reader = cyber_reader(actor=actor, organisation_ids=ids)
    return (
        drill_selectors.exercises_visible(actor=reader)
        .filter(organiser_id__in=ids, status__in=_FINISHED)
        .order_by("-starts_at")
    )


def exercise_for_release(*, actor: Actor, exercise_id: int) -> Exercise:
    found = exercises_for_release(actor=actor).filter(pk=exercise_id).first()
    if found is None:
        raise NotFound(exercise_id)
    return found


def drill_record_read(*, actor: Actor, exercise: Exercise) -> DrillRecord:
    """What a drill's release may state, read as the organiser's planners: the white cell's view."""
    reader = cyber_reader(actor=actor, organisation_ids=[exercise.organiser_id])
    exercise = drill_selectors.exercise_get(actor=reader, pk=exercise.pk)
    if exercise.status not in _FINISHED:
        raise NotFound(exercise.pk)
    teams = drill_selectors.teams_seen(actor=reader, exercise=exercise)
    held_sectors = {team.organisation.sector for team in teams}
    sectors = [code for code in Organisation.Sector.values if code in held_sectors]
    held = {objective.capability for objective in exercise.objectives.all()}
    order = [code for code, _label in Capability.choices]
    template = drill_scenarios.template_get(exercise.template)
    first = timezone.localtime(exercise.started_at or exercise.starts_at).date()
    last = timezone.localtime(exercise.ended_at or exercise.ends_at).date()
    return DrillRecord(
        pk=exercise.pk,
        organisation=exercise.organiser,
        name_en=exercise.name_en,
        name_zh=exercise.name_zh,
        first_day=first,
        last_day=max(first, last),
        organisations=len(teams),
        sectors=tuple(sectors),
        scenario_en=template.name_en if template else "",
        scenario_zh=template.name_zh if template else "",
        capabilities=tuple(code for code in order if code in held),
    )


def events_for_release(*, actor: Actor, today: date | None = None) -> QuerySet[Event]:
    """Major events organised by the agencies the actor issues for, from their first day, the latest first."""
    ids = _press_ids(actor)
    reader = cyber_reader(actor=actor, organisation_ids=ids)
    today = today or timezone.localdate()
    return (
        event_selectors.events_visible(actor=reader)
        .filter(organiser_id__in=ids, starts_on__lte=today)
        .select_related("organiser")
        .order_by("-starts_on")
    )


def event_for_release(*, actor: Actor, event_id: int) -> Event:
    found = events_for_release(actor=actor).filter(pk=event_id).first()
    if found is None:
        raise NotFound(event_id)
    return found


def event_record_read(*, actor: Actor, event: Event, now: datetime | None = None) -> EventRecord:
    """What a major event's summary may state, read as its coordinators (the organiser and the CERT that
    keep the watch) see it: counts only. Incidents are those submitted (no drafts), not exercise reports,
    of which the organisations became aware in the watch period so far, whatever their TLP: a count
    says nothing of an incident's content, and withholding RED ones would make the count untrue."""
    if event.organiser_id not in _press_ids(actor):
        raise NotFound(event.pk)
    coordinators = event_selectors.coordinator_organisations(event)
    reader = Actor(user=actor.user, grants={pk: _READER_ROLES for pk in coordinators})
    event = event_selectors.event_get(actor=reader, slug=event.slug)
    participants = event_selectors.event_participants(actor=reader, event=event)
    organisations = {row.organisation_id for row in participants} - {event.organiser_id}
    rows = event_selectors.readiness_rows(actor=reader, event=event)
    done_items: list[tuple[str, str]] = []
    for item in event_selectors.checklist(event.checklist_version):
        if any(
            entry is not None and entry.item_id == item.pk and entry.status == ReadinessEntry.Status.DONE
            for row in rows
            for _item, entry, _late in row.entries
        ):
            done_items.append((item.title_en, item.title_zh))
    situation = event_selectors.situation_board(actor=reader, event=event, limit=100_000)
    incidents = [
        incident
        for incident in situation.incidents
        if incident.status != Incident.Status.DRAFT and not incident.is_exercise
    ]
    return EventRecord(
        pk=event.pk,
        slug=event.slug,
        organisation=event.organiser,
        name_en=event.name_en,
        name_zh=event.name_zh,
        first_day=event.starts_on,
        last_day=event.ends_on,
        watch_from=timezone.localtime(event.watch_starts_at).date(),
        watch_to=timezone.localtime(event.watch_ends_at).date(),
        organisations=len(organisations),
        readiness_done=sum(row.done for row in rows),
        readiness_total=sum(len(row.entries) for row in rows),
        readiness_items=tuple(done_items),
        incidents=len(incidents),
    )


# --- Public ----------------------------------------------------------------------------------------------


def releases_public(*, now: datetime | None = None) -> QuerySet[ReleaseVersion]:
    """The newest published version of each release whose publication time has come, the latest release
    first (a correction does not move its release up the list)."""
    now = now or timezone.now()
    visible = ReleaseVersion.objects.filter(published_at__lte=now)
    latest = visible.filter(release=OuterRef("release")).order_by("-number").values("number")[:1]
    return (
        visible.filter(number=Subquery(latest))
        .select_related("release", "release__organisation")
        .order_by("-release__release_at", "-release_id")
    )


def release_public_get(
    *, reference: str, now: datetime | None = None
) -> tuple[ReleaseVersion, list[ReleaseVersion]]:
    """The newest published version of a release and every earlier one (for the corrections list)."""
    now = now or timezone.now()
    versions = list(
        ReleaseVersion.objects.filter(release__reference=reference, published_at__lte=now)
        .select_related("release", "release__organisation")
        .order_by("-number")
    )
    if not versions:
        raise NotFound(reference)
    return versions[0], versions
