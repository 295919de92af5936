"""What the drills API takes and gives."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class TemplateOut(Schema):
    slug: str
    version: int
    name_en: str
    name_zh: str
    duration_minutes: int
    injects: int
    techniques: list[str]


class ExerciseIn(Schema):
    template: str
    teams: list[str]  # organisation short codes
    starts_at: datetime
    organiser: str | None = None  # short code; the token's organisation when absent
    name_en: str = ""
    name_zh: str = ""
    time_zone: str = "Asia/Hong_Kong"
    lines_per_team: int = 5000


class TeamOut(Schema):
    organisation: str
    name_en: str
    name_zh: str


class ExerciseOut(Schema):
    id: int
    name_en: str
    name_zh: str
    template: str
    template_version: int
    status: str
    organiser: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    started_at: datetime | None
    ended_at: datetime | None
    taxii_collection: str | None
    teams: list[TeamOut]


class ExpectationIn(Schema):
    capability: str
    text_en: str
    text_zh: str = ""
    deadline_minutes: int
    score: int = 100


class InjectIn(Schema):
    offset_minutes: int
    title_en: str
    title_zh: str = ""
    body_en: str = ""
    body_zh: str = ""
    channel: str = "inbox"
    technique: str = ""
    teams: list[str] = []
    expectations: list[ExpectationIn] = []


class InjectOut(Schema):
    number: int
    offset_minutes: int
    title_en: str
    channel: str
    technique: str


class ResultOut(Schema):
    inject: int
    expectation: str
    capability: str
    status: str
    delivered_at: datetime | None
    validated_at: datetime | None
    minutes_taken: float | None
    deadline_minutes: int
    score: float
    max_score: int
    evidence: str
    comment: str


class TeamScoreOut(Schema):
    organisation: str
    total: float
    possible: int
    time_to_detect_minutes: float | None
    time_to_report_minutes: float | None
    time_to_share_minutes: float | None
    false_positives: int
    false_positive_values: list[str]
    canaries_detected: int
    canaries_missed: int
    results: list[ResultOut]


class ScoreboardOut(Schema):
    exercise: int
    status: str
    teams: list[TeamScoreOut]
