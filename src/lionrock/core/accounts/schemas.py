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
