"""Pydantic shapes of the intelligence REST API (django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

TlpName = Literal["clear", "green", "amber", "amber+strict", "red"]


class ErrorOut(Schema):
    detail: str


class ObjectErrorOut(Schema):
    index: int = Field(description="Position of the object in the request (0 for a single object)")
    id: str = Field(description="The object's id, when it had a readable one")
    property: str = Field(description="The property at fault; empty when the whole object is")
    message: str


class RejectedOut(Schema):
    detail: str
    errors: list[ObjectErrorOut] = Field(
        description="Every problem found; nothing from the request was stored"
    )


class ObjectOut(Schema):
    id: str
    type: str
    name: str
    tlp: str = Field(description="clear, green, amber, amber+strict or red")
    revoked: bool
    labels: list[str]
    pattern: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    created_by: str = Field(description="Short code of the organisation that shared it")
    collection: str = Field(description="Short code of the collection it is stored in")
    modified: datetime
    date_added: datetime


class ObjectPageOut(Schema):
    count: int
    count_exact: bool = True
    page: int
    pages: int
    results: list[ObjectOut]


class VersionOut(Schema):
    modified: datetime
    date_added: datetime
    tlp: str
    revoked: bool
    collection: str


class ObjectDetailOut(Schema):
    summary: ObjectOut
    stix: dict[str, Any] = Field(description="The latest visible version's STIX JSON, as stored")
    versions: list[VersionOut] = Field(description="Every version the caller may see, newest first")


class IndicatorIn(Schema):
    collection: str = Field(description="Short code or id of a collection the caller may write to")
    name: str = Field(max_length=250)
    description: str = Field("", max_length=10_000)
    pattern: str | None = Field(None, max_length=4000, description="A STIX 2.1 pattern")
    value: str | None = Field(None, max_length=2000, description="Instead of a pattern: one observable value")
    value_type: str | None = Field(
        None,
        description="Kind of `value`: ipv4-addr, ipv6-addr, domain-name, url, email-addr, "
        "file:md5, file:sha1 or file:sha256",
    )
    valid_from: datetime | None = Field(None, description="Defaults to now")
    valid_until: datetime | None = None
    labels: list[str] = Field(default_factory=list, max_length=20)
    confidence: int | None = Field(None, ge=0, le=100)
    tlp: TlpName | None = Field(None, description="Defaults to the collection's default TLP")
    recipient_organisations: list[str] = Field(
        default_factory=list, description="Organisation short codes, for TLP:AMBER+STRICT"
    )
    recipient_users: list[str] = Field(default_factory=list, description="Email addresses, for TLP:RED")


class IndicatorUpdateIn(Schema):
    name: str = Field(max_length=250)
    description: str = Field("", max_length=10_000)
    pattern: str | None = Field(None, max_length=4000)
    value: str | None = Field(None, max_length=2000)
    value_type: str | None = None
    valid_from: datetime | None = Field(None, description="Defaults to the current version's")
    valid_until: datetime | None = None
    labels: list[str] = Field(default_factory=list, max_length=20)
    confidence: int | None = Field(None, ge=0, le=100)
    tlp: TlpName | None = Field(None, description="Defaults to the current version's TLP")
    recipient_organisations: list[str] | None = Field(None, description="Omit to keep the current ones")
    recipient_users: list[str] | None = Field(None, description="Omit to keep the current ones")


class ReportIn(Schema):
    collection: str
    name: str = Field(max_length=250)
    description: str = Field("", max_length=10_000)
    published: datetime | None = Field(None, description="Defaults to now")
    object_refs: list[str] = Field(min_length=1, description="Ids of objects the caller can see")
    labels: list[str] = Field(default_factory=list, max_length=20)
    tlp: TlpName | None = None
    recipient_organisations: list[str] = Field(default_factory=list)
    recipient_users: list[str] = Field(default_factory=list)


class BundleIn(Schema):
    type: Literal["bundle"] = "bundle"
    id: str | None = None
    objects: list[Any] = Field(description="STIX 2.1 objects; one bad object refuses the whole bundle")


class ObjectNoteOut(Schema):
    id: str
    message: str = Field(description="What was done to the object on the way in")


class BundleOut(Schema):
    added: list[str] = Field(description="Ids of the versions stored")
    duplicates: list[str] = Field(description="Ids of versions already stored exactly as sent")
    notes: list[ObjectNoteOut] = Field(
        default_factory=list,
        description="Objects changed on the way in, e.g. an object without a TLP marking, stored with the "
        "collection's default TLP marking added",
    )


class CollectionOut(Schema):
    id: UUID
    alias: str
    title: str
    description: str
    owner: str
    default_tlp: str
    max_tlp: str
    can_read: bool
    can_write: bool
    can_manage: bool


class CollectionIn(Schema):
    alias: str = Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    default_tlp: TlpName = "amber"
    max_tlp: TlpName = "amber+strict"
    owner: str | None = Field(None, description="Owning organisation's short code; defaults to the caller's")


class GrantIn(Schema):
    organisation: str | None = Field(None, description="Organisation short code (or give `group`)")
    group: str | None = Field(None, description="Sharing group short code (or give `organisation`)")
    can_read: bool = True
    can_write: bool = False


class GrantOut(Schema):
    organisation: str | None
    group: str | None
    can_read: bool
    can_write: bool


class SeenOut(Schema):
    kind: str = Field(description="What the value was recognised as: ip, cidr, domain, url, email or hash")
    value: str = Field(description="The value in its normal form")
    objects: list[ObjectOut]
