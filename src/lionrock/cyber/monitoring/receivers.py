"""Every Sighting stored in the intel store, from any path (match runs, TAXII, REST, imports), lands here."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.signals import objects_added
from lionrock.cyber.monitoring import services


@receiver(objects_added, sender=StixObject)
def _sightings_follow(sender: Any, rows: list[StixObject], **kwargs: Any) -> None:
    collection = kwargs.get("collection")
    if collection is not None and collection.is_exercise:
        return  # a drill's sightings are scored by the drill, never counted on the real dashboard
    sightings = [row for row in rows if row.type == "sighting"]
    if sightings:
        services.sightings_record(rows=sightings)
