"""Reads for monitoring, for an actor: runs of one's own organisation, sightings as TLP allows them."""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Role
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel.models import Collection, StixObject
from lionrock.cyber.monitoring.models import Alert, MatchRun, Sighting, WatchedDirectory


def match_runs_visible(*, actor: Actor) -> QuerySet[MatchRun]:
    """Runs belong to the organisation that ran them; only its monitoring operators see them."""
    orgs = actor.organisations_with(Role.MONITORING_OPERATOR)
    return MatchRun.objects.filter(organisation_id__in=orgs).select_related("organisation", "collection")


def match_run_get(*, actor: Actor, run_id: str) -> MatchRun:
    run = match_runs_visible(actor=actor).filter(pk=run_id).first() if _is_uuid(run_id) else None
    if run is None:
        raise NotFound
    return run


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def sighting_collections(*, actor: Actor) -> QuerySet[Collection]:
    """Where this actor may store sightings."""
    return Collection.objects.filter(id__in=intel_selectors.collection_ids_writable(actor)).order_by("title")


def watched_directories_visible(*, actor: Actor) -> QuerySet[WatchedDirectory]:
    return WatchedDirectory.objects.filter(
        organisation_id__in=actor.organisations_with(Role.MONITORING_OPERATOR)
    )


def sightings_visible(*, actor: Actor, objects: QuerySet[StixObject] | None = None) -> QuerySet[Sighting]:
    """Sightings whose STIX object the actor may see: the intel store's TLP rules decide, nothing else.

    `objects`, when given, is stix_objects_visible for the same actor, already built by the caller (the
    situation board reuses it rather than look the reader's collections up again).

    Checked row by row (EXISTS on the object's primary key) rather than as `IN (every visible object)`:
    SQLite would otherwise gather every visible sighting object (a million at national scale) before
    reading the few rows a caller's own filter (a time window, an indicator) picks.
    """
    if objects is not None:
        return _sightings_of(objects)
    terms = intel_selectors.visibility_terms(actor)
    if terms is None:
        return Sighting.objects.none()
    return _sightings_visible_kept(terms).all()


def _sightings_of(objects: QuerySet[StixObject]) -> QuerySet[Sighting]:
    visible = objects.filter(type="sighting", pk=OuterRef("stix_object_id"))
    return Sighting.objects.filter(Exists(visible))


# Built on the intel store's kept filter and kept the same way, per set of visibility terms: assembling
# it took a dashboard several milliseconds for each of its three panels.
@lru_cache(maxsize=128)
def _sightings_visible_kept(terms: Hashable) -> QuerySet[Sighting]:
    return _sightings_of(intel_selectors.stix_objects_visible_to(terms))


@dataclass(frozen=True)
class IndicatorActivity:
    indicator_id: str
    name: str
    confidence: int | None
    stakeholders: int
    sightings: int
    first_seen: datetime
    last_seen: datetime


def _indicator_names(actor: Actor, ids: list[str]) -> dict[str, tuple[str, int | None]]:
    """The latest version's name and confidence of each indicator the reader may see: asked of the kept,
    compiled visibility statement (the dashboard asks it twice, the situation board's alerts once), then
    read by primary key."""
    names: dict[str, tuple[str, int | None]] = {}
    seen = intel_selectors.stix_objects_visible_among(actor=actor, pks=[], stix_ids=ids)
    latest = [row.pk for row in seen if row.is_latest]
    for stix_id, raw in StixObject.objects.filter(pk__in=latest).values_list("stix_id", "raw"):
        obj = json.loads(raw)
        names[stix_id] = (str(obj.get("name") or obj.get("pattern") or stix_id), obj.get("confidence"))
    return names


def indicators_sighted(*, actor: Actor, days: int = 30, limit: int = 50) -> list[IndicatorActivity]:
    """Which indicators are being seen, by how many stakeholders, newest first."""
    since = timezone.now() - timedelta(days=days)
    rows = list(
        sightings_visible(actor=actor)
        .filter(last_seen__gte=since)
        .values("indicator_id")
        .annotate(
            stakeholders=Count("organisation", distinct=True),
            sightings=Sum("count"),
            first=Min("first_seen"),
            last=Max("last_seen"),
        )
        .order_by("-last")[:limit]
    )
    names = _indicator_names(actor, [row["indicator_id"] for row in rows])
    return [
        IndicatorActivity(
            indicator_id=row["indicator_id"],
            name=names.get(row["indicator_id"], (row["indicator_id"], None))[0],
            confidence=names.get(row["indicator_id"], ("", None))[1],
            stakeholders=row["stakeholders"],
            sightings=row["sightings"] or 0,
            first_seen=row["first"],
            last_seen=row["last"],
        )
        for row in rows
    ]


def sightings_per_day(
    *, actor: Actor, days: int = 30, indicator_id: str | None = None
) -> list[tuple[date, int]]:
    """A count for each of the last `days` days (zeros included), for the chart."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    queryset = sightings_visible(actor=actor).filter(last_seen__date__gte=start)
    if indicator_id:
        queryset = queryset.filter(indicator_id=indicator_id)
    totals = {
        row["day"]: row["total"]
        for row in queryset.annotate(day=TruncDate("last_seen")).values("day").annotate(total=Sum("count"))
    }
    return [
        (start + timedelta(days=n), int(totals.get(start + timedelta(days=n), 0) or 0)) for n in range(days)
    ]


def indicator_sightings(*, actor: Actor, indicator_id: str) -> QuerySet[Sighting]:
    """The sightings of one indicator that TLP lets this actor see, newest first."""
    intel_selectors.stix_object_get(actor=actor, stix_id=indicator_id)
    return (
        sightings_visible(actor=actor)
        .filter(indicator_id=indicator_id)
        .select_related("organisation", "stix_object")
        .order_by("-last_seen")
    )


def alerts_open(*, actor: Actor) -> list[Alert]:
    """Unacknowledged alerts on indicators the analyst may see."""
    if not actor.has_role(Role.INTEL_ANALYST):
        return []
    alerts = list(Alert.objects.filter(acknowledged_at__isnull=True).order_by("-raised_at")[:200])
    if not alerts:
        return []  # nothing to name or count: spares the visibility look-ups the situation board polls for
    ids = [alert.indicator_id for alert in alerts]
    names = _indicator_names(actor, ids)
    # Counted again from the sightings this analyst may see: the stored count includes every
    # stakeholder's, and an alert about "two stakeholders" would tell of a sighting the reader may not see.
    seen_by = dict(
        sightings_visible(actor=actor)
        .filter(indicator_id__in=ids)
        .values("indicator_id")
        .annotate(orgs=Count("organisation", distinct=True))
        .values_list("indicator_id", "orgs")
    )
    threshold = int(settings.LIONROCK_ALERT_STAKEHOLDERS)
    visible = []
    for alert in alerts:
        if alert.indicator_id not in names:
            continue
        alert.stakeholders = seen_by.get(alert.indicator_id, 0)
        if alert.kind == Alert.Kind.SEVERAL_STAKEHOLDERS and alert.stakeholders < threshold:
            continue
        if alert.kind == Alert.Kind.HIGH_CONFIDENCE and not alert.stakeholders:
            continue
        alert.indicator_name = names[alert.indicator_id][0]  # type: ignore[attr-defined]
        visible.append(alert)
    return visible


def alert_get(*, actor: Actor, alert_id: int) -> Alert:
    for alert in alerts_open(actor=actor):
        if alert.pk == alert_id:
            return alert
    raise NotFound
