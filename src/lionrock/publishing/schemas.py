"""API shapes for press releases and drafts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SourceOut(BaseModel):
    placeholder: str
    value: str
    source: str
    label: str


class DraftOut(BaseModel):
    language: str
    template_version: int
    title: str
    body: str
    sources: list[SourceOut]


class ReleaseIn(BaseModel):
    operation: str | None = Field(default=None, description="operation id or codename")
    meeting: int | None = None
    drill: int | None = Field(default=None, description="id of a finished drill your agency organised")
    event: int | None = Field(default=None, description="id of a major event your agency organised")
    release_at: datetime
    place_en: str = ""
    place_zh: str = ""


class ReleaseEditIn(BaseModel):
    title_en: str
    title_zh: str
    body_en: str
    body_zh: str
    release_at: datetime | None = None
    change_note_en: str = ""
    change_note_zh: str = ""


class ReleaseOut(BaseModel):
    id: int
    reference: str
    kind: str
    state: str
    release_at: datetime
    title_en: str
    title_zh: str
    body_en: str
    body_zh: str
    versions: int


class PublishedOut(BaseModel):
    reference: str
    version: int
    published_at: datetime
    title_en: str
    title_zh: str
    body_en: str
    body_zh: str
    change_note_en: str
    change_note_zh: str


class ErrorOut(BaseModel):
    detail: str
