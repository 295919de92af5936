from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would otherwise read `0` or `1e9` as a date counted from 1970."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("use a date written as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("use a date written as YYYY-MM-DD")
    return value


# Shared parameter types for every router: what the schema says is what the server accepts.
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
"""A calendar date as YYYY-MM-DD (a query parameter or a body field)."""

RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]
"""A database id in a path: positive and within the 64-bit range the databases store."""


class MembershipOut(Schema):
    organisation: str
    organisation_name: str
    roles: list[str]


class MeOut(Schema):
    email: str
    full_name: str
    preferred_language: str
    via_token: bool
    memberships: list[MembershipOut]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    organisation: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ErrorOut(Schema):
    """Every refusal the API gives: 401, 403, 404, 413, 422 (from the service), 429, 503."""

    detail: str


class RequestIssueOut(Schema):
    """One reason the request itself was not understood (pydantic's error, as django-ninja sends it)."""

    type: str
    loc: list[str | int]
    msg: str


class RequestInvalidOut(Schema):
    """422 when a parameter or the body does not fit the schema: `detail` lists every issue."""

    detail: list[RequestIssueOut]
