"""API shapes for imports, exports and feeds."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class FlagOut(Schema):
    id: str
    name: str
    value: str
    list: str


class ImportOut(Schema):
    id: str
    filename: str
    format: str
    collection: str
    added: int
    duplicates: int
    counts: dict[str, int]
    flagged: list[FlagOut]
    skipped: list[str]
    notes: list[str] = Field(
        default_factory=list, description="What was done to accepted objects, e.g. a default marking added"
    )
    stored: bool


class ErrorOut(Schema):
    detail: str


class FeedIn(Schema):
    name: str
    url: str
    collection: str
    auth: str = "none"
    username: str = ""
    secret: str = ""
    secret_env: str = ""
    interval_minutes: int = 60
    verify_tls: bool = True


class FeedOut(Schema):
    id: int
    name: str
    url: str
    collection: str
    auth: str
    interval_minutes: int
    is_active: bool
    added_after: str
    next_poll_at: datetime
    last_success_at: datetime | None
    consecutive_failures: int
    last_error: str


class FeedPollOut(Schema):
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    pages: int
    received: int
    added: int
    duplicates: int
    rejected: int
    message: str
