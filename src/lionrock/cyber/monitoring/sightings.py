"""The dashboard's flat Sighting rows and the alerts they raise, kept in step with the intel store.

Written after the store commits (receivers.sightings_follow); `sightings_catch_up` (a periodic job) writes
the rows a failed or interrupted receiver left out. The worker's tasks call this module, never services.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.validation import parse_timestamp
from lionrock.cyber.monitoring.models import Alert, Sighting

HIGH_CONFIDENCE = 80
# A sighting is left to its after-commit receiver this long before the catch-up writes its row, and only
# sightings stored within the window are looked at (the query stays on the recent end of the index).
CATCH_UP_GRACE = timedelta(minutes=5)
CATCH_UP_WINDOW = timedelta(days=2)


def sightings_record(*, rows: Iterable[StixObject]) -> list[Sighting]:
    """Flattens stored Sighting objects for the dashboard and raises alerts; runs after the store commits
    (receivers.sightings_follow) or, for what that missed, from the catch-up."""
    created: list[Sighting] = []
    for row in rows:
        obj = json.loads(row.raw)
        seen = parse_timestamp(obj.get("last_seen") or obj["created"])
        created.append(
            Sighting(
                stix_object=row,
                indicator_id=obj["sighting_of_ref"],
                organisation_id=row.created_by_org_id,
                count=int(obj.get("count", 1) or 1),
                first_seen=parse_timestamp(obj.get("first_seen") or obj["created"]),
                last_seen=seen,
            )
        )
    # A row the receiver and the catch-up both write (one stored sighting, one row) is kept once.
    Sighting.objects.bulk_create(created, ignore_conflicts=True)
    _alerts_raise({sighting.indicator_id for sighting in created})
    return created


def _alerts_raise(indicator_ids: set[str]) -> None:
    threshold = int(settings.LIONROCK_ALERT_STAKEHOLDERS)
    spread = dict(
        Sighting.objects.filter(indicator_id__in=indicator_ids)
        .values("indicator_id")
        .annotate(orgs=Count("organisation", distinct=True))
        .values_list("indicator_id", "orgs")
    )
    for indicator_id, orgs in spread.items():
        if orgs >= threshold:
            alert, created = Alert.objects.get_or_create(
                indicator_id=indicator_id,
                kind=Alert.Kind.SEVERAL_STAKEHOLDERS,
                defaults={"stakeholders": orgs},
            )
            if not created and alert.stakeholders != orgs:
                Alert.objects.filter(pk=alert.pk).update(stakeholders=orgs)
    # Raised at an indicator's first sighting and never again (one alert per indicator and kind).
    already = set(
        Alert.objects.filter(indicator_id__in=indicator_ids, kind=Alert.Kind.HIGH_CONFIDENCE).values_list(
            "indicator_id", flat=True
        )
    )
    fresh = indicator_ids - already
    for raw in StixObject.objects.filter(stix_id__in=fresh, is_latest=True).values_list("raw", flat=True):
        indicator = json.loads(raw)
        if int(indicator.get("confidence", 0) or 0) >= HIGH_CONFIDENCE:
            Alert.objects.get_or_create(
                indicator_id=indicator["id"],
                kind=Alert.Kind.HIGH_CONFIDENCE,
                defaults={"stakeholders": spread.get(indicator["id"], 1)},
            )


@transaction.atomic
def sightings_catch_up(*, now: datetime | None = None) -> int:
    """Writes the Sighting rows a receiver missed, for sightings stored in real (not exercise) collections
    between two days and five minutes ago; returns how many. Running it again finds nothing to do."""
    now = now or timezone.now()
    missed = list(
        StixObject.objects.filter(
            type="sighting",
            date_added__gte=now - CATCH_UP_WINDOW,
            date_added__lt=now - CATCH_UP_GRACE,
            collection__is_exercise=False,
            sighting__isnull=True,
        ).order_by("date_added")
    )
    return len(sightings_record(rows=missed)) if missed else 0
