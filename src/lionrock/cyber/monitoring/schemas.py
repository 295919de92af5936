from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class RunOut(Schema):
    id: str
    organisation: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    indicators_used: int
    files_done: int
    files_total: int
    hits: int
    sightings: int


class SightingsIn(Schema):
    collection: str
    tlp: str | None = None
    bundle: dict[str, Any]


class SightingsOut(Schema):
    stored: int


class IndicatorActivityOut(Schema):
    indicator_id: str
    name: str
    confidence: int | None
    stakeholders: int
    sightings: int
    first_seen: datetime
    last_seen: datetime
