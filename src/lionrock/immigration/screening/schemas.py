from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class IndicatorOut(Schema):
    code: str
    stage: str
    dimension: str
    strength: str
    text_en: str
    text_zh: str
    questions_en: list[str]
    questions_zh: list[str]
    indicated_by: str = Field(
        description='Which answer to the first question means the indicator is present: "yes" or "no"; '
        "empty for indicators that are never asked (ILO forced-labour indicators)."
    )
    maps_to: list[str]


class ChecklistOut(Schema):
    id: int
    code: str
    version: str
    title_en: str
    title_zh: str
    source: str
    is_active: bool
    loaded_at: datetime
    rules: dict[str, Any]


class ChecklistDetailOut(ChecklistOut):
    indicators: list[IndicatorOut]


class StatisticsOut(Schema):
    year: int
    screenings: int
    screened_out: int
    debriefings: int
    identified: dict[str, int]
    identified_total: int
