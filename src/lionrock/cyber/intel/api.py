"""REST endpoints for the intelligence store: search, objects and versions, authoring, bundles, collections.

Every read goes through the same selectors as the UI and TAXII, so TLP decides the same way everywhere.
Tokens need the intel:read scope to read and intel:write to write, on top of the owner's roles.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Status
from pydantic import Field

from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Scope
from lionrock.core.accounts.schemas import IsoDate
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors, services
from lionrock.cyber.intel.models import Collection, StixObject
from lionrock.cyber.intel.schemas import (
    BundleIn,
    BundleOut,
    CollectionIn,
    CollectionOut,
    ErrorOut,
    GrantIn,
    GrantOut,
    IndicatorIn,
    IndicatorUpdateIn,
    ObjectDetailOut,
    ObjectErrorOut,
    ObjectNoteOut,
    ObjectOut,
    ObjectPageOut,
    RejectedOut,
    ReportIn,
    SeenOut,
    VersionOut,
)
from lionrock.cyber.intel.services import StixRejected
from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES
from lionrock.cyber.intel.tlp import Tlp

router = ScopedRouter(read=Scope.INTEL_READ, write=Scope.INTEL_WRITE, tags=["intel"])

MAX_PAGE_SIZE = 500
MAX_EXPIRING_DAYS = 3660
COUNT_CAP = 10_000
NOT_FOUND: dict[int, Any] = {404: ErrorOut}
REFUSED: dict[int, Any] = {404: ErrorOut, 422: RejectedOut}


def _actor(request: HttpRequest, *, write: bool = False) -> Actor:
    actor = actor_for_api(request)
    if not selectors.intel_organisations(actor, write=write):
        raise NotFound
    return actor


def _object_out(row: StixObject) -> ObjectOut:
    summary = selectors.object_summarise(row)
    return ObjectOut(
        id=row.stix_id,
        type=row.type,
        name=summary.name,
        tlp=row.tlp,
        revoked=row.revoked,
        labels=summary.labels,
        pattern=summary.pattern or None,
        valid_from=summary.valid_from,
        valid_until=summary.valid_until,
        created_by=row.created_by_org.slug,
        collection=row.collection.alias,
        modified=row.modified,
        date_added=row.date_added,
    )


def _rejected(exc: StixRejected) -> RejectedOut:
    return RejectedOut(
        detail=str(exc),
        errors=[
            ObjectErrorOut(index=e.index, id=e.stix_id, property=e.property, message=e.message)
            for e in exc.errors
        ],
    )


def _recipients(actor: Actor, slugs: list[str], emails: list[str]) -> tuple[list[Organisation], list[User]]:
    return selectors.recipients_resolve(actor=actor, organisations=slugs, people_emails=emails)


def _pattern(pattern: str | None, value: str | None, value_type: str | None) -> str:
    if value:
        return services.pattern_for_value(value_type=value_type or "", value=value)
    return pattern or ""


def _writable(actor: Actor, key: str) -> Collection:
    rights = selectors.collection_access_get(actor=actor, key=key)
    if not rights.can_write:
        raise NotFound
    return rights.collection


# --- Objects -------------------------------------------------------------------------------------------


@router.get(
    "/objects",
    response=ObjectPageOut,
    summary="Search the current version of every visible object",
    description="Filters combine. `value` is normalised (case, trailing dots, defanging, IPv6 forms) and "
    "looked up in the correlation index; other text matches ids, names and descriptions. `count` stops at "
    "10,000 (`count_exact` is then false): narrow the filters to reach older matches.",
)
def object_list(
    request: HttpRequest,
    value: str = "",
    type: str = "",
    label: str = "",
    organisation: str = "",
    collection: str = "",
    tlp: str = "",
    added_since: IsoDate | None = None,
    added_until: IsoDate | None = None,
    expiring_within_days: Annotated[int, Field(ge=0, le=MAX_EXPIRING_DAYS)] | None = None,
    include_revoked: bool = False,
    page: int = 1,
    page_size: int = 100,
) -> ObjectPageOut:
    actor = _actor(request)
    rows = selectors.stix_objects_search(
        actor=actor,
        value=value,
        stix_type=type,
        label=label,
        organisation=organisation,
        collection=collection,
        tlp=tlp,
        added_since=added_since,
        added_until=added_until,
        expiring_within_days=expiring_within_days,
        include_revoked=include_revoked,
    )
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    # Counted up to a cap, as the browse page does: an exact count of every visible match is a scan of
    # the whole store at a million objects, and pages past the cap are better reached by narrowing.
    count = rows[: COUNT_CAP + 1].count()
    exact = count <= COUNT_CAP
    count = min(count, COUNT_CAP)
    pages = max(1, ceil(count / size))
    number = max(1, min(page, pages))
    start = (number - 1) * size
    return ObjectPageOut(
        count=count,
        count_exact=exact,
        page=number,
        pages=pages,
        results=[_object_out(row) for row in rows[start : start + size]],
    )


@router.get(
    "/objects/{stix_id}",
    response={200: ObjectDetailOut, **NOT_FOUND},
    summary="One object: its latest visible version and every version the caller may see",
)
def object_detail(request: HttpRequest, stix_id: str) -> ObjectDetailOut:
    actor = _actor(request)
    obj = selectors.stix_object_get(actor=actor, stix_id=stix_id)
    versions = selectors.stix_object_versions(actor=actor, stix_id=stix_id).select_related("collection")
    return ObjectDetailOut(
        summary=_object_out(obj),
        stix=selectors.object_summarise(obj).data,
        versions=[
            VersionOut(
                modified=v.modified,
                date_added=v.date_added,
                tlp=v.tlp,
                revoked=v.revoked,
                collection=v.collection.alias,
            )
            for v in versions
        ],
    )


@router.get(
    "/seen",
    response={200: SeenOut, 422: ErrorOut},
    summary="Seen elsewhere: every visible object naming a value",
    description="The value is recognised as an address or network, domain, URL, email address or file "
    "hash and normalised as the matcher does, so defanged and differently written forms meet.",
)
def seen(request: HttpRequest, value: str, limit: int = 100) -> SeenOut:
    actor = _actor(request)
    normal = selectors.value_lookup_normalise(value)
    if normal is None:
        raise ValidationFailed("not an address, network, domain, URL, email address or file hash")
    kind, canonical = normal
    rows = selectors.value_appearances(actor=actor, kind=kind, value=canonical, limit=max(1, min(limit, 500)))
    return SeenOut(kind=kind, value=canonical, objects=[_object_out(row) for row in rows])


@router.post(
    "/indicators",
    response={201: ObjectOut, **REFUSED},
    summary="Share a new indicator (from a pattern, or from one value and its kind)",
)
def indicator_create(request: HttpRequest, payload: IndicatorIn) -> Status[Any]:
    actor = _actor(request, write=True)
    collection = _writable(actor, payload.collection)
    organisations, people = _recipients(actor, payload.recipient_organisations, payload.recipient_users)
    draft = services.IndicatorDraft(
        name=payload.name,
        pattern=_pattern(payload.pattern, payload.value, payload.value_type),
        valid_from=payload.valid_from or timezone.now(),
        valid_until=payload.valid_until,
        description=payload.description,
        labels=payload.labels,
        confidence=payload.confidence,
        tlp=Tlp(payload.tlp) if payload.tlp else None,
    )
    try:
        obj = services.indicator_create(
            actor=actor,
            collection=collection,
            draft=draft,
            recipient_organisations=organisations,
            recipient_users=people,
            source="api",
        )
    except StixRejected as exc:
        return Status(422, _rejected(exc))
    return Status(201, _object_out(obj))


@router.put(
    "/indicators/{stix_id}",
    response={200: ObjectOut, **REFUSED},
    summary="Store a new version of an indicator (same id, later modified)",
)
def indicator_update(request: HttpRequest, stix_id: str, payload: IndicatorUpdateIn) -> Status[Any]:
    actor = _actor(request, write=True)
    current = selectors.stix_object_get(actor=actor, stix_id=stix_id)
    summary = selectors.object_summarise(current)
    kept_orgs, kept_people = selectors.object_recipients(actor=actor, obj=current)
    organisations, people = _recipients(
        actor,
        payload.recipient_organisations
        if payload.recipient_organisations is not None
        else [org.slug for org in kept_orgs],
        payload.recipient_users if payload.recipient_users is not None else [p.email for p in kept_people],
    )
    draft = services.IndicatorDraft(
        name=payload.name,
        pattern=_pattern(payload.pattern or summary.pattern, payload.value, payload.value_type),
        valid_from=payload.valid_from or summary.valid_from or current.created,
        valid_until=payload.valid_until,
        description=payload.description,
        labels=payload.labels,
        confidence=payload.confidence,
        tlp=Tlp(payload.tlp or current.tlp),
    )
    try:
        obj = services.indicator_update(
            actor=actor,
            stix_id=stix_id,
            draft=draft,
            recipient_organisations=organisations,
            recipient_users=people,
            source="api",
        )
    except StixRejected as exc:
        return Status(422, _rejected(exc))
    return Status(200, _object_out(obj))


@router.post(
    "/objects/{stix_id}/revoke",
    response={200: ObjectOut, **REFUSED},
    summary="Revoke an object: a new version with revoked set to true",
)
def object_revoke(request: HttpRequest, stix_id: str) -> ObjectOut:
    actor = _actor(request, write=True)
    return _object_out(services.object_revoke(actor=actor, stix_id=stix_id, source="api"))


@router.post(
    "/reports",
    response={201: ObjectOut, **REFUSED},
    summary="Share a report citing objects the caller can see",
)
def report_create(request: HttpRequest, payload: ReportIn) -> Status[Any]:
    actor = _actor(request, write=True)
    collection = _writable(actor, payload.collection)
    organisations, people = _recipients(actor, payload.recipient_organisations, payload.recipient_users)
    draft = services.ReportDraft(
        name=payload.name,
        published=payload.published or timezone.now(),
        object_refs=payload.object_refs,
        description=payload.description,
        labels=payload.labels,
        tlp=Tlp(payload.tlp) if payload.tlp else None,
    )
    try:
        obj = services.report_create(
            actor=actor,
            collection=collection,
            draft=draft,
            recipient_organisations=organisations,
            recipient_users=people,
            source="api",
        )
    except StixRejected as exc:
        return Status(422, _rejected(exc))
    return Status(201, _object_out(obj))


# --- Collections ---------------------------------------------------------------------------------------


def _collection_out(rights: selectors.CollectionRights) -> CollectionOut:
    c = rights.collection
    return CollectionOut(
        id=c.id,
        alias=c.alias,
        title=c.title,
        description=c.description,
        owner=c.owner.slug,
        default_tlp=c.default_tlp,
        max_tlp=c.max_tlp,
        can_read=rights.can_read,
        can_write=rights.can_write,
        can_manage=rights.can_manage,
    )


@router.get("/collections", response=list[CollectionOut], summary="Collections the caller may read or write")
def collection_list(request: HttpRequest) -> list[CollectionOut]:
    actor = _actor(request)
    return [_collection_out(rights) for rights in selectors.collections_with_rights(actor=actor)]


@router.post(
    "/collections",
    response={201: CollectionOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a collection owned by the caller's organisation (analysts only)",
)
def collection_create(request: HttpRequest, payload: CollectionIn) -> Status[CollectionOut]:
    actor = _actor(request, write=True)
    managing = actor.organisations_with(*INTEL_MANAGE_ROLES)
    owners = selectors.sharing_organisations(actor=actor).filter(pk__in=managing)
    owner = owners.filter(slug=payload.owner).first() if payload.owner else owners.order_by("pk").first()
    if owner is None:
        raise NotFound
    collection = services.collection_create(
        actor=actor,
        owner=owner,
        alias=payload.alias,
        title=payload.title,
        description=payload.description,
        default_tlp=payload.default_tlp,
        max_tlp=payload.max_tlp,
    )
    rights = next(
        r for r in selectors.collections_with_rights(actor=actor) if r.collection.pk == collection.pk
    )
    return Status(201, _collection_out(rights))


@router.post(
    "/collections/{key}/bundle",
    response={201: BundleOut, **REFUSED},
    summary="Add a STIX 2.1 bundle to a collection, all or nothing",
    description="Every object is validated first; one bad object refuses the whole bundle with a 422 "
    "listing each problem (object index, id, property and reason), and nothing is stored.",
)
def bundle_add(request: HttpRequest, key: str, payload: BundleIn) -> Status[Any]:
    actor = _actor(request, write=True)
    collection = _writable(actor, key)
    try:
        outcome = services.objects_add(
            actor=actor, collection=collection, objects=payload.objects, source="api", all_or_nothing=True
        )
    except StixRejected as exc:
        return Status(422, _rejected(exc))
    notes = [
        ObjectNoteOut(id=str(payload.objects[index].get("id", "")), message=message)
        for index, message in sorted(outcome.notes.items())
    ]
    return Status(
        201,
        BundleOut(added=[row.stix_id for row in outcome.added], duplicates=outcome.duplicates, notes=notes),
    )


def _grants_out(actor: Actor, collection: Collection) -> list[GrantOut]:
    return [
        GrantOut(
            organisation=grant.organisation.slug if grant.organisation else None,
            group=grant.group.slug if grant.group else None,
            can_read=grant.can_read,
            can_write=grant.can_write,
        )
        for grant in selectors.collection_grants(actor=actor, collection=collection)
    ]


@router.get(
    "/collections/{key}/grants",
    response={200: list[GrantOut], **NOT_FOUND},
    summary="Who may read and write a collection (its owner's analysts only)",
)
def grant_list(request: HttpRequest, key: str) -> list[GrantOut]:
    actor = _actor(request)
    collection = selectors.collection_managed_get(actor=actor, key=key)
    return _grants_out(actor, collection)


@router.put(
    "/collections/{key}/grants",
    response={200: list[GrantOut], 404: ErrorOut, 422: ErrorOut},
    summary="Set one organisation's or sharing group's access; both flags false removes it",
)
def grant_set(request: HttpRequest, key: str, payload: GrantIn) -> list[GrantOut]:
    actor = _actor(request, write=True)
    collection = selectors.collection_managed_get(actor=actor, key=key)
    organisation = group = None
    if payload.organisation:
        organisation = selectors.sharing_organisations(actor=actor).filter(slug=payload.organisation).first()
        if organisation is None:
            raise ValidationFailed(f"unknown organisation: {payload.organisation}")
    if payload.group:
        group = selectors.sharing_groups_visible(actor=actor).filter(slug=payload.group).first()
        if group is None:
            raise ValidationFailed(f"unknown sharing group: {payload.group}")
    services.collection_grant_set(
        actor=actor,
        collection=collection,
        organisation=organisation,
        group=group,
        can_read=payload.can_read or payload.can_write,
        can_write=payload.can_write,
    )
    return _grants_out(actor, collection)
