"""Every Sighting stored in the intel store, from any path (match runs, TAXII, REST, imports), lands here.

Connected in MonitoringConfig.ready() (docs/decisions/0004-hooks-between-apps.md).
"""

from __future__ import annotations

from typing import Any

from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.monitoring import sightings as flat


def sightings_follow(sender: Any, rows: list[StixObject], **kwargs: Any) -> None:
    """Flattens the stored Sighting objects for the dashboard and raises the alerts they call for."""
    collection = kwargs.get("collection")
    if collection is not None and collection.is_exercise:
        return  # a drill's sightings are scored by the drill, never counted on the real dashboard
    sightings = [row for row in rows if row.type == "sighting"]
    if sightings:
        flat.sightings_record(rows=sightings)
