"""Evidence arrives by the real paths only: objects stored in an exercise collection (TAXII, the REST API,
`lionrock match --sightings` uploads, server-side match runs) and incidents submitted at the incident desk."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from lionrock.cyber.drills import selectors, services
from lionrock.cyber.drills.models import Capability, Exercise
from lionrock.cyber.incidents import selectors as incident_selectors
from lionrock.cyber.incidents.signals import incident_submitted
from lionrock.cyber.intel.correlation import value_key, values_of
from lionrock.cyber.intel.models import Collection, StixObject
from lionrock.cyber.intel.signals import objects_added


def exercise_open(*, collection: Collection, organisation_id: int) -> None:
    """A store check (intel.store_checks): a team's objects reach an exercise collection only while its
    drill runs; the white cell plants its canaries before the start. Registered in DrillsConfig.ready()."""
    if not collection.is_exercise:
        return
    exercise = Exercise.objects.filter(collection=collection).first()
    if exercise is None or organisation_id == exercise.organiser_id:
        return
    services.exercise_accepting_require(exercise)


@receiver(objects_added, sender=StixObject)
def _evidence_follow(sender: Any, rows: list[StixObject], collection: Collection, **kwargs: Any) -> None:
    if not collection.is_exercise:
        return
    exercise = Exercise.objects.filter(collection=collection).first()
    if exercise is None:
        return
    # Sent after the store's commit: the store itself refuses a team's object below TLP:AMBER+STRICT here.
    theirs = [row for row in rows if row.created_by_org_id != exercise.organiser_id]
    if not theirs:
        return  # the white cell's own canaries and notes
    by_org: dict[int, list[StixObject]] = {}
    for row in theirs:
        by_org.setdefault(row.created_by_org_id, []).append(row)
    for organisation_id, own in by_org.items():
        sightings = [
            (row.sighting_of_ref or "", row.date_added, row.stix_id) for row in own if row.type == "sighting"
        ]
        services.evidence_record(
            exercise=exercise,
            organisation_id=organisation_id,
            capability=Capability.DETECT,
            found=sightings,
            by_indicator=True,
        )
        shared = [
            (value_key(*value), row.date_added, row.stix_id)
            for row in own
            if row.type in ("indicator", "observed-data")
            for value in values_of(json.loads(row.raw))
        ]
        if shared:
            services.evidence_record(
                exercise=exercise, organisation_id=organisation_id, capability=Capability.SHARE, found=shared
            )


@receiver(incident_submitted)
def _report_follow(sender: Any, incident_id: int, **kwargs: Any) -> None:
    """An incident a team submits naming its canaries validates the reporting expectation, at the time it
    was submitted; naming a decoy is a false positive. Sent after the incident's commit: a failure here
    never loses the report."""
    keys = selectors.canary_keys_live()
    if not keys:
        return
    named = list(
        incident_selectors.incident_ids_naming(keys)
        .filter(incident_id=incident_id)
        .values_list(
            "key", "incident__reporting_organisation_id", "incident__submitted_at", "incident__reference"
        )
    )
    if not named:
        return
    _key, organisation_id, submitted_at, reference = named[0]
    with transaction.atomic():
        services.report_evidence_record(
            organisation_id=organisation_id,
            keys=[row[0] for row in named],
            received_at=submitted_at or timezone.now(),
            source=reference or f"incident {incident_id}",
        )
