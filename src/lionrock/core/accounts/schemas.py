from __future__ import annotations

from datetime import datetime

from ninja import Schema


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
