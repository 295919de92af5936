"""Every read of major events, for an actor; forbidden looks like not found.

* Members (with an event role) of the organiser or of a participating organisation see the event, its
  alert level and the duty roster.
* Coordinators (the organiser and participants marked as coordinating, e.g. the CERT) see everything:
  every organisation's services, assets and readiness, the situation board, the shift log and reports.
* Any other participant sees its own organisation's services, assets and readiness only.
What the situation board joins (incidents, sightings, indicators, alerts) is further limited by the
incident and intelligence visibility rules of the reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.cyber.events.assets import AssetIndex
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
from lionrock.cyber.events.sharing import EVENT_ROLES, MANAGER_ROLES


def event_organisations(actor: Actor) -> frozenset[int]:
    if actor.user is None:
        return frozenset()
    return actor.organisations_with(*EVENT_ROLES)


def events_visible(*, actor: Actor) -> QuerySet[Event]:
    """The only door to events."""
    orgs = event_organisations(actor)
    if not orgs:
        return Event.objects.none()
    taking_part = EventOrganisation.objects.filter(organisation_id__in=orgs).values("event_id")
    return Event.objects.filter(Q(organiser_id__in=orgs) | Q(pk__in=taking_part))


def event_get(*, actor: Actor, slug: str) -> Event:
    event = events_visible(actor=actor).filter(slug=slug).select_related("organiser").first()
    if event is None:
        raise NotFound
    return event


def coordinator_organisations(event: Event) -> set[int]:
    ids = set(
        EventOrganisation.objects.filter(event=event, coordinator=True).values_list(
            "organisation_id", flat=True
        )
    )
    return ids | {event.organiser_id}


def event_is_coordinator(*, actor: Actor, event: Event) -> bool:
    return bool(event_organisations(actor) & coordinator_organisations(event))


def event_may_manage(*, actor: Actor, event: Event) -> bool:
    """Sets the alert level, edits the event, adds participants: a coordinator's analysts."""
    return bool(actor.organisations_with(*MANAGER_ROLES) & coordinator_organisations(event))


def event_own_organisations(*, actor: Actor, event: Event) -> frozenset[int]:
    """The reader's organisations that take part in the event (they act for these)."""
    taking_part = set(EventOrganisation.objects.filter(event=event).values_list("organisation_id", flat=True))
    return event_organisations(actor) & frozenset(taking_part | {event.organiser_id})


def _scope(actor: Actor, event: Event) -> Q:
    if event_is_coordinator(actor=actor, event=event):
        return Q()
    return Q(organisation_id__in=event_own_organisations(actor=actor, event=event))


def event_participants(*, actor: Actor, event: Event) -> QuerySet[EventOrganisation]:
    event_get(actor=actor, slug=event.slug)
    return event.participants.select_related("organisation").order_by("-coordinator", "organisation__name_en")


def event_services(*, actor: Actor, event: Event) -> QuerySet[CriticalService]:
    event_get(actor=actor, slug=event.slug)
    return (
        event.services.filter(_scope(actor, event)).select_related("organisation").prefetch_related("assets")
    )


def event_assets(*, actor: Actor, event: Event) -> QuerySet[Asset]:
    event_get(actor=actor, slug=event.slug)
    return event.assets.filter(_scope(actor, event))


def event_roster(*, actor: Actor, event: Event) -> QuerySet[RosterShift]:
    event_get(actor=actor, slug=event.slug)
    return event.roster.select_related("organisation")


def checklist(version: int) -> list[ReadinessItem]:
    return list(ReadinessItem.objects.filter(version=version).order_by("order"))


def readiness_item_get(*, actor: Actor, event: Event, code: str) -> ReadinessItem:
    event_get(actor=actor, slug=event.slug)
    item = ReadinessItem.objects.filter(version=event.checklist_version, code=code).first()
    if item is None:
        raise NotFound
    return item


def item_due(event: Event, item: ReadinessItem) -> date:
    return event.starts_on - timedelta(days=item.days_before)


@dataclass
class ReadinessRow:
    organisation: Organisation
    entries: list[tuple[ReadinessItem, ReadinessEntry | None, bool]]  # item, entry, late
    done: int = 0
    late: int = 0


def readiness_rows(*, actor: Actor, event: Event, today: date | None = None) -> list[ReadinessRow]:
    """Each visible participant's checklist with what is late (not done by its due date)."""
    event_get(actor=actor, slug=event.slug)
    today = today or timezone.localdate()
    items = checklist(event.checklist_version)
    entries = {
        (e.organisation_id, e.item_id): e
        for e in ReadinessEntry.objects.filter(event=event)
        .filter(_scope(actor, event))
        .select_related("confirmed_by")
        .prefetch_related("attachments")
    }
    rows = []
    participants = event.participants.filter(_scope(actor, event)).select_related("organisation")
    for participant in participants.order_by("organisation__sector", "organisation__name_en"):
        row = ReadinessRow(participant.organisation, [])
        for item in items:
            entry = entries.get((participant.organisation_id, item.pk))
            finished = entry is not None and entry.status in (
                ReadinessEntry.Status.DONE,
                ReadinessEntry.Status.NOT_APPLICABLE,
            )
            late = not finished and item_due(event, item) < today
            row.entries.append((item, entry, late))
            row.done += int(finished)
            row.late += int(late)
        rows.append(row)
    return rows


@dataclass
class SectorReadiness:
    sector: str
    code: str
    organisations: int
    done: int
    total: int
    late: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def readiness_by_sector(*, actor: Actor, event: Event) -> list[SectorReadiness]:
    labels = dict(Organisation.Sector.choices)
    found: dict[str, SectorReadiness] = {}
    for row in readiness_rows(actor=actor, event=event):
        code = row.organisation.sector
        sector = str(labels.get(code, code))
        bucket = found.setdefault(code, SectorReadiness(sector, code, 0, 0, 0, 0))
        bucket.organisations += 1
        bucket.done += row.done
        bucket.total += len(row.entries)
        bucket.late += row.late
    return sorted(found.values(), key=lambda s: s.sector)


def shift_log(*, actor: Actor, event: Event, limit: int = 100) -> list[ShiftLogEntry]:
    if not event_is_coordinator(actor=actor, event=event):
        raise NotFound
    return list(event.shift_log.select_related("author", "organisation")[:limit])


# --- The situation board ----------------------------------------------------------------------------------


@dataclass
class SightingRow:
    indicator_id: str
    indicator_name: str
    organisation: str
    count: int
    last_seen: datetime
    reason: str  # "asset" (its values hit a registered asset) or "participant" (sighted by one)


@dataclass(frozen=True)
class IndicatorRow:
    stix_id: str
    organisation: str


@dataclass
class Situation:
    event: Event
    window: tuple[datetime, datetime]
    incidents: list[Any] = field(default_factory=list)
    sightings: list[SightingRow] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    alerts: list[Any] = field(default_factory=list)
    generated_at: datetime = field(default_factory=timezone.now)


def event_window(event: Event, now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return event.watch_starts_at, min(now, event.watch_ends_at)


def situation_board(
    *, actor: Actor, event: Event, day: date | None = None, limit: int = 50, scan: int = 2000
) -> Situation:
    """What Lionrock knows about the event's organisations and assets in the watch period (or one day).

    Sightings are relevant when a participant reported them, or when the indicator's values fall on a
    registered asset (an address in a range, a name under a domain). The newest `scan` sightings of the
    window are examined, so the board answers in bounded time however many sightings there are.
    """
    from lionrock.cyber.incidents import selectors as incident_selectors
    from lionrock.cyber.intel.correlation import value_key, value_normalise
    from lionrock.cyber.intel.models import ObservableValue
    from lionrock.cyber.monitoring import selectors as monitoring_selectors
    from lionrock.cyber.monitoring.models import Sighting

    if not event_is_coordinator(actor=actor, event=event):
        raise NotFound
    start, end = event_window(event)
    if day is not None:
        tz = timezone.get_current_timezone()
        start = max(start, datetime.combine(day, datetime.min.time(), tzinfo=tz))
        end = min(event.watch_ends_at, start.replace(hour=0, minute=0) + timedelta(days=1))
    situation = Situation(event=event, window=(start, end))
    if end <= start:
        return situation
    participants = set(event.participants.values_list("organisation_id", flat=True)) | {event.organiser_id}
    assets = list(event.assets.values_list("kind", "value"))
    index = AssetIndex.build(assets)
    name_keys = []
    for kind, value in assets:
        if kind in ("domain", "host") and (found := value_normalise(value)):
            name_keys.append(value_key(*found))

    asset_observables = incident_selectors.incident_ids_naming(name_keys)
    situation.incidents = list(
        incident_selectors.incidents_visible(actor=actor)
        .filter(aware_at__gte=start, aware_at__lt=end)
        .filter(Q(reporting_organisation_id__in=participants) | Q(pk__in=asset_observables))
        .select_related("reporting_organisation")
        .order_by("-aware_at")[:limit]
    )

    # Candidates are read plainly and bounded, then put to the intel store's visibility rule together,
    # once per chunk: Django takes longer to assemble that rule (a deep tree of subqueries) than the
    # database takes to answer it, so the board asks it once, not once for each of its lists. The
    # newest sightings of the window are read a chunk at a time on the last_seen index; most boards fill
    # from the first chunk, so a reader who may see few of them still costs at most `scan` index steps.
    naming: set[int] | None = (
        set(
            ObservableValue.objects.filter(key__in=name_keys)
            .order_by("-stix_object_id")
            .values_list("stix_object_id", flat=True)[:_NAMING_MAX]
        )
        if name_keys
        else set()
    )
    newest = Sighting.objects.filter(last_seen__gte=start, last_seen__lt=end).order_by("-last_seen", "-pk")
    on_asset: set[str] = set()
    judged: set[str] = set()
    latest: dict[str, int] = {}
    kept: list[tuple[int, str, int, str]] = []
    for offset, stop in ((0, min(_CHUNK, scan)), (_CHUNK, scan)):
        if stop <= offset:
            break
        chunk = list(newest.values_list("stix_object_id", "indicator_id", "organisation_id")[offset:stop])
        # The first chunk's indicators are asked with it (their names are shown); a later chunk's only
        # for the rows it keeps, below, which for a reader who sees few sightings is none.
        seen = _visible_among(
            actor,
            sightings={row[0] for row in chunk},
            indicators={row[1] for row in chunk} - set(latest) if offset == 0 else set(),
            naming=naming,
            limit=limit,
        )
        if naming is not None:
            situation.indicators = seen.on_domains
            on_asset |= {row.stix_id for row in seen.on_domains}
            judged |= on_asset
            naming = None
        latest.update(seen.latest)
        shown = [row for row in chunk if row[0] in seen.sightings]
        fresh = {row[1] for row in shown} - judged
        if fresh:
            on_asset |= _indicators_on_assets(fresh, index, latest)
            judged |= fresh
        for stix_object_id, indicator_id, organisation_id in shown:
            if indicator_id in on_asset:
                kept.append((stix_object_id, indicator_id, organisation_id, "asset"))
            elif organisation_id in participants:
                kept.append((stix_object_id, indicator_id, organisation_id, "participant"))
        if len(kept) >= limit or len(chunk) < stop - offset:
            break
    kept = kept[:limit]
    if unnamed := {row[1] for row in kept} - set(latest):
        latest.update(_visible_among(actor, sightings=set(), indicators=unnamed, naming=None, limit=0).latest)
    # What is shown of the rows kept: their counts and times, the indicators' names (the latest version,
    # seen by this reader above) and the organisations' names.
    details = dict(
        (row[0], row[1:])
        for row in Sighting.objects.filter(stix_object_id__in=[row[0] for row in kept]).values_list(
            "stix_object_id", "count", "last_seen"
        )
    )
    names = _indicator_names({latest[row[1]] for row in kept if row[1] in latest})
    org_names = {org.pk: str(org) for org in Organisation.objects.filter(pk__in={row[2] for row in kept})}
    situation.sightings = [
        SightingRow(
            indicator_id=indicator_id,
            indicator_name=names.get(indicator_id, indicator_id),
            organisation=org_names.get(organisation_id, ""),
            count=details[stix_object_id][0],
            last_seen=details[stix_object_id][1],
            reason=reason,
        )
        for stix_object_id, indicator_id, organisation_id, reason in kept
    ]
    relevant = {row.indicator_id for row in situation.sightings} | on_asset
    if relevant:
        situation.alerts = [
            a for a in monitoring_selectors.alerts_open(actor=actor) if a.indicator_id in relevant
        ]
    return situation


@dataclass
class _Seen:
    sightings: set[int]
    latest: dict[str, int]  # indicator id -> primary key of its latest version, when the reader sees it
    on_domains: list[IndicatorRow]


def _visible_among(
    actor: Actor, *, sightings: set[int], indicators: set[str], naming: set[int] | None, limit: int
) -> _Seen:
    """Of these sighting objects, indicators (by id: their latest versions) and indicators naming the
    event's domains (`naming`: primary keys of objects with such a value), those the reader may see, in
    one query."""
    from lionrock.cyber.intel import selectors as intel_selectors

    seen = _Seen(sightings=set(), latest={}, on_domains=[])
    on_domains: list[tuple[str, int | None]] = []
    rows = intel_selectors.stix_objects_visible_among(
        actor=actor, pks=sightings | (naming or set()), stix_ids=indicators
    )
    for row in rows:
        if row.type == "sighting" and row.pk in sightings:
            seen.sightings.add(row.pk)
        elif row.type == "indicator" and row.is_latest:
            if row.stix_id in indicators or (naming and row.pk in naming):
                seen.latest[row.stix_id] = row.pk
            if naming and row.pk in naming and len(on_domains) < limit:
                on_domains.append((row.stix_id, row.created_by_org_id))
    if on_domains:
        orgs = {o.pk: str(o) for o in Organisation.objects.filter(pk__in={org for _, org in on_domains})}
        seen.on_domains = [IndicatorRow(stix_id, orgs.get(org_id or 0, "")) for stix_id, org_id in on_domains]
    return seen


def _indicator_names(pks: set[int]) -> dict[str, str]:
    """Names of indicator versions the reader was found to see (by primary key) in this request."""
    from lionrock.cyber.intel.models import StixObject

    names = {}
    for stix_id, raw in StixObject.objects.filter(pk__in=pks).values_list("stix_id", "raw"):
        obj = json.loads(raw)
        names[stix_id] = str(obj.get("name") or obj.get("pattern") or stix_id)
    return names


_CHUNK = 250
_NAMING_MAX = 10_000


def _indicators_on_assets(indicator_ids: set[str], index: AssetIndex, latest: dict[str, int]) -> set[str]:
    """The indicators among these whose values fall on a registered asset.

    Those whose latest version the reader was found to see are looked up by that version's key (the
    values' own index); any other by id, over every version.
    """
    from lionrock.cyber.intel.models import ObservableValue

    known = {latest[i]: i for i in indicator_ids if i in latest}
    rest = [i for i in indicator_ids if i not in latest]
    rows: list[tuple[str, str, str]] = (
        [
            (known[pk], kind, value)
            for pk, kind, value in ObservableValue.objects.filter(stix_object_id__in=list(known)).values_list(
                "stix_object_id", "kind", "value"
            )
        ]
        if known
        else []
    )
    if rest:
        rows += ObservableValue.objects.filter(
            stix_object__stix_id__in=rest, stix_object__type="indicator"
        ).values_list("stix_object__stix_id", "kind", "value")
    found: set[str] = set()
    for stix_id, kind, value in rows:
        if stix_id not in found and index.matches(kind, value):
            found.add(stix_id)
    return found


@dataclass
class EventSummary:
    incidents: int
    serious: int
    by_classification: list[tuple[str, int]]
    sightings: int
    organisations_sighting: int


def event_summary(*, actor: Actor, event: Event) -> EventSummary:
    """After the event: incidents and sightings over the watch period."""
    from collections import Counter

    situation = situation_board(actor=actor, event=event, limit=10_000)
    counts = Counter(i.classification for i in situation.incidents)
    return EventSummary(
        incidents=len(situation.incidents),
        serious=sum(1 for i in situation.incidents if i.serious),
        by_classification=counts.most_common(),
        sightings=sum(s.count for s in situation.sightings),
        organisations_sighting=len({s.organisation for s in situation.sightings}),
    )


def event_service_get(*, actor: Actor, event: Event, pk: int) -> CriticalService:
    service = event_services(actor=actor, event=event).filter(pk=pk).first()
    if service is None:
        raise NotFound
    return service


def participant_organisations(*, actor: Actor, event: Event) -> QuerySet[Organisation]:
    """The organisations the reader may act for in this event (all, for its managers)."""
    if event_may_manage(actor=actor, event=event):
        ids = event.participants.values("organisation_id")
    else:
        ids = list(event_own_organisations(actor=actor, event=event))  # type: ignore[assignment]
    return Organisation.objects.filter(pk__in=ids).order_by("name_en")


def organisations_to_invite(*, actor: Actor, event: Event) -> QuerySet[Organisation]:
    if not event_may_manage(actor=actor, event=event):
        return Organisation.objects.none()
    return Organisation.objects.filter(is_active=True).exclude(
        pk__in=event.participants.values("organisation_id")
    )


def readiness_evidence_visible(actor: Actor, entry: ReadinessEntry) -> bool:
    """Whether the actor may download an organisation's readiness evidence (file store access check)."""
    event = entry.event
    if not events_visible(actor=actor).filter(pk=event.pk).exists():
        return False
    return event_is_coordinator(actor=actor, event=event) or entry.organisation_id in event_organisations(
        actor
    )
