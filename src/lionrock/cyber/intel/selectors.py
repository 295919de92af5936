"""Every read of the STIX store, for an actor: visibility under collection grants and TLP is decided here.

The rules (docs/users/intel-sharing.md says the same in plain words):
* TLP:CLEAR: every signed-in member of an organisation with an intelligence role.
* TLP:GREEN: the same community.
* TLP:AMBER: the collection's audience (owner, organisations granted read directly or through a group).
* TLP:AMBER+STRICT: the creating organisation, organisations granted read on the collection directly
  (not through a group), and organisations named as recipients on the object.
* TLP:RED: the person who created it, people named as recipients on the object, and the collection's
  named RED recipients. Nobody else, platform administrators included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Scope
from lionrock.cyber.intel.correlation import value_key, value_normalise
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    ObjectRecipient,
    ObservableValue,
    SharingGroup,
    StixObject,
)
from lionrock.cyber.intel.sharing import INTEL_READ_ROLES, INTEL_WRITE_ROLES
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.intel.validation import ID_RE


def intel_organisations(actor: Actor, *, write: bool = False) -> frozenset[int]:
    """The organisations through which the actor works with intelligence (and the token allows it)."""
    if actor.user is None or not actor.has_scope(Scope.INTEL_WRITE if write else Scope.INTEL_READ):
        return frozenset()
    return actor.organisations_with(*(INTEL_WRITE_ROLES if write else INTEL_READ_ROLES))


def _grant_q(orgs: frozenset[int], *, flag: str, direct_only: bool = False) -> Q:
    direct = Q(organisation_id__in=orgs, **{flag: True})
    if direct_only:
        return direct
    return direct | Q(group__organisations__in=orgs, **{flag: True})


def _owned_or_granted(orgs: frozenset[int], grants: Q) -> set[Any]:
    """Active collections the organisations own or hold a matching grant on, in one query (a UNION).

    Every TAXII, REST and UI request asks this several times, so one round trip instead of two counts.
    """
    owned = (
        Collection.objects.filter(owner_id__in=orgs, is_active=True).order_by().values_list("id", flat=True)
    )
    granted = (
        CollectionGrant.objects.filter(grants)
        .filter(collection__is_active=True)
        .order_by()
        .values_list("collection_id", flat=True)
    )
    return set(owned.union(granted))


def collection_ids_readable(actor: Actor, *, direct_only: bool = False) -> set[Any]:
    orgs = intel_organisations(actor)
    if not orgs:
        return set()
    return _owned_or_granted(orgs, _grant_q(orgs, flag="can_read", direct_only=direct_only))


def collection_ids_writable(actor: Actor) -> set[Any]:
    orgs = intel_organisations(actor, write=True)
    if not orgs:
        return set()
    return _owned_or_granted(orgs, _grant_q(orgs, flag="can_write"))


def visibility_q(actor: Actor) -> Q:
    """The single filter behind every read path: UI, REST, TAXII and exports."""
    orgs = intel_organisations(actor)
    if not orgs or actor.user is None:
        return Q(pk__in=[])
    readable = collection_ids_readable(actor)
    direct = collection_ids_readable(actor, direct_only=True)
    red_collections = list(
        Collection.red_recipients.through.objects.filter(user_id=actor.user.pk).values_list(
            "collection_id", flat=True
        )
    )
    strict_recipient = ObjectRecipient.objects.filter(stix_object=OuterRef("pk"), organisation_id__in=orgs)
    red_recipient = ObjectRecipient.objects.filter(stix_object=OuterRef("pk"), user_id=actor.user.pk)
    visible: Q = (
        Q(tlp__in=[Tlp.CLEAR, Tlp.GREEN])
        | Q(tlp=Tlp.AMBER, collection_id__in=readable)
        | Q(tlp__in=[Tlp.AMBER, Tlp.AMBER_STRICT], created_by_org_id__in=orgs)
        | Q(tlp=Tlp.AMBER_STRICT, collection_id__in=direct)
        | Q(Exists(strict_recipient), tlp=Tlp.AMBER_STRICT)
        | Q(tlp=Tlp.RED, created_by_user_id=actor.user.pk)
        | Q(tlp=Tlp.RED, collection_id__in=red_collections)
        | Q(Exists(red_recipient), tlp=Tlp.RED)
    )
    return visible


def stix_objects_visible(*, actor: Actor) -> QuerySet[StixObject]:
    """Everything this actor may see; the only door to the table."""
    return StixObject.objects.filter(visibility_q(actor))


def collections_readable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=collection_ids_readable(actor))


def collections_visible(*, actor: Actor) -> QuerySet[Collection]:
    """Collections the actor may know about: readable or writable."""
    return Collection.objects.filter(id__in=collection_ids_readable(actor) | collection_ids_writable(actor))


@dataclass(frozen=True)
class CollectionAccess:
    collection: Collection
    can_read: bool
    can_write: bool


def collection_access_get(*, actor: Actor, key: str) -> CollectionAccess:
    """A collection by id or short code with the actor's rights on it; unknown and forbidden look alike."""
    readable = collection_ids_readable(actor)
    writable = collection_ids_writable(actor)
    query = Q(alias=key)
    try:
        import uuid

        query |= Q(id=uuid.UUID(key))
    except ValueError:
        pass
    collection = Collection.objects.filter(query, id__in=readable | writable).first()
    if collection is None:
        raise NotFound
    return CollectionAccess(collection, collection.id in readable, collection.id in writable)


def collection_objects_visible(*, actor: Actor, collection: Collection) -> QuerySet[StixObject]:
    if collection.id not in collection_ids_readable(actor):
        raise NotFound
    return stix_objects_visible(actor=actor).filter(collection=collection)


def stix_object_get(*, actor: Actor, stix_id: str) -> StixObject:
    """The newest visible version of an object, wherever it is stored."""
    obj = (
        stix_objects_visible(actor=actor).filter(stix_id=stix_id).order_by("-modified", "-date_added").first()
    )
    if obj is None:
        raise NotFound(stix_id)
    return obj


def stix_object_versions(*, actor: Actor, stix_id: str) -> QuerySet[StixObject]:
    return stix_objects_visible(actor=actor).filter(stix_id=stix_id).order_by("-modified")


def value_appearances(*, actor: Actor, kind: str, value: str, limit: int = 100) -> QuerySet[StixObject]:
    """Every visible object naming this normalised value, newest first: one indexed lookup."""
    keys = ObservableValue.objects.filter(key=value_key(kind, value)).values("stix_object_id")
    return (
        stix_objects_visible(actor=actor)
        .filter(pk__in=keys)
        .select_related("collection", "created_by_org")
        .order_by("-date_added")[:limit]
    )


def object_seen_elsewhere(*, actor: Actor, obj: StixObject, limit: int = 100) -> QuerySet[StixObject]:
    """Other visible objects sharing any value with this one (other reports, other organisations)."""
    keys = ObservableValue.objects.filter(stix_object=obj).values("key")
    others = ObservableValue.objects.filter(key__in=keys).exclude(stix_object__stix_id=obj.stix_id)
    return (
        stix_objects_visible(actor=actor)
        .filter(pk__in=others.values("stix_object_id"))
        .select_related("collection", "created_by_org")
        .order_by("-date_added")[:limit]
    )


def require_manage(actor: Actor, collection: Collection) -> None:
    """Managing a collection (grants, settings) belongs to the owner's analysts."""
    from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES

    access.require(actor, *INTEL_MANAGE_ROLES, organisation=collection.owner_id)


# --- Browsing, object pages, collection management and home panels (UI and REST) ---------------------


@dataclass(frozen=True)
class ObjectSummary:
    """One stored version with its JSON parsed, for pages and API answers (no further queries)."""

    row: StixObject
    data: dict[str, Any]

    @property
    def name(self) -> str:
        for key in ("name", "value", "pattern", "relationship_type"):
            if isinstance(self.data.get(key), str) and self.data[key]:
                return str(self.data[key])
        return self.row.stix_id

    @property
    def labels(self) -> list[str]:
        labels = self.data.get("labels")
        return [str(label) for label in labels] if isinstance(labels, list) else []

    @property
    def pattern(self) -> str:
        return str(self.data.get("pattern") or "")

    @property
    def description(self) -> str:
        return str(self.data.get("description") or "")

    @property
    def valid_from(self) -> datetime | None:
        return _timestamp_or_none(self.data.get("valid_from"))

    @property
    def valid_until(self) -> datetime | None:
        return _timestamp_or_none(self.data.get("valid_until"))

    @property
    def published(self) -> datetime | None:
        return _timestamp_or_none(self.data.get("published"))

    @property
    def object_refs(self) -> list[str]:
        refs = self.data.get("object_refs")
        return [str(ref) for ref in refs] if isinstance(refs, list) else []

    @property
    def pretty_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False)


def _timestamp_or_none(value: Any) -> datetime | None:
    from lionrock.cyber.intel.validation import TIMESTAMP_RE, parse_timestamp

    return parse_timestamp(value) if isinstance(value, str) and TIMESTAMP_RE.match(value) else None


def object_summarise(row: StixObject) -> ObjectSummary:
    try:
        data = json.loads(row.raw)
    except ValueError:
        data = {}
    return ObjectSummary(row, data if isinstance(data, dict) else {})


_DEFANGED = (
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("[:]", ":"),
    ("[@]", "@"),
    ("[at]", "@"),
)


def value_lookup_normalise(raw: str) -> tuple[str, str] | None:
    """A value typed or pasted into a search box, defanged forms included (hxxp, [.], [@])."""
    normal = value_normalise(raw)
    if normal is not None:
        return normal
    text = raw.strip()
    for defanged, plain in _DEFANGED:
        text = text.replace(defanged, plain)
    if text.lower().startswith(("hxxp://", "hxxps://")):
        text = "http" + text[4:]
    return value_normalise(text) if text != raw.strip() else None


def _date_alternation(first: date, days: int) -> str:
    return "|".join((first + timedelta(days=n)).isoformat() for n in range(days + 1))


def stix_objects_search(
    *,
    actor: Actor,
    value: str = "",
    stix_type: str = "",
    label: str = "",
    organisation: str = "",
    collection: str = "",
    tlp: str = "",
    added_since: date | None = None,
    added_until: date | None = None,
    expiring_within_days: int | None = None,
    include_revoked: bool = False,
) -> QuerySet[StixObject]:
    """The current version of each visible object in each collection, filtered, newest first.

    `value` is normalised as the matcher does (so "Evil.Example." finds evil.example) and looked up in
    the correlation index; text that is not an observable value matches ids, names and descriptions.
    """
    rows = stix_objects_visible(actor=actor).filter(is_latest=True)
    if not include_revoked:
        rows = rows.filter(revoked=False)
    text = value.strip()
    if text:
        normal = value_lookup_normalise(text)
        if normal is not None:
            keys = ObservableValue.objects.filter(key=value_key(*normal)).values("stix_object_id")
            rows = rows.filter(pk__in=keys)
        elif ID_RE.match(text):
            rows = rows.filter(stix_id=text)
        else:
            rows = rows.filter(raw__icontains=json.dumps(text, ensure_ascii=False)[1:-1])
    if stix_type:
        rows = rows.filter(type=stix_type)
    if label.strip():
        quoted = re.escape(json.dumps(label.strip(), ensure_ascii=False))
        rows = rows.filter(raw__regex=r'"labels"\s*:\s*\[[^\]]*' + quoted)
    if organisation:
        rows = rows.filter(created_by_org__slug=organisation)
    if collection:
        rows = rows.filter(collection__alias=collection)
    if tlp:
        rows = rows.filter(tlp=tlp)
    if added_since:
        rows = rows.filter(date_added__gte=_day_start(added_since))
    if added_until:
        rows = rows.filter(date_added__lt=_day_start(added_until + timedelta(days=1)))
    if expiring_within_days is not None:
        today = datetime.now(UTC).date()
        rows = rows.filter(
            type="indicator",
            raw__regex=r'"valid_until"\s*:\s*"(' + _date_alternation(today, expiring_within_days) + ")T",
        )
    return rows.select_related("collection", "created_by_org").order_by("-date_added")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def object_relationships(
    *, actor: Actor, obj: StixObject, limit: int = 200
) -> list[tuple[ObjectSummary, ObjectSummary, str]]:
    """Visible relationships naming this object at either end, with the visible object at the other end.

    Each item is (relationship, other object, "out" when this object is the source, else "in").
    Relationships whose other end the actor may not see are left out.
    """
    candidates = [
        object_summarise(row)
        for row in stix_objects_visible(actor=actor)
        .filter(type="relationship", is_latest=True, revoked=False, raw__contains=obj.stix_id)
        .order_by("-modified")[:limit]
    ]
    found: list[tuple[ObjectSummary, str, str]] = []
    for rel in candidates:
        if rel.data.get("source_ref") == obj.stix_id:
            found.append((rel, str(rel.data.get("target_ref")), "out"))
        elif rel.data.get("target_ref") == obj.stix_id:
            found.append((rel, str(rel.data.get("source_ref")), "in"))
    others = _latest_by_id(actor=actor, stix_ids={other for _, other, _ in found})
    return [(rel, others[other], way) for rel, other, way in found if other in others]


def _latest_by_id(*, actor: Actor, stix_ids: set[str]) -> dict[str, ObjectSummary]:
    if not stix_ids:
        return {}
    latest: dict[str, ObjectSummary] = {}
    for row in (
        stix_objects_visible(actor=actor)
        .filter(stix_id__in=stix_ids)
        .select_related("collection", "created_by_org")
        .order_by("modified", "date_added")
    ):
        latest[row.stix_id] = object_summarise(row)
    return latest


def stix_objects_latest(*, actor: Actor, stix_ids: Iterable[str]) -> dict[str, ObjectSummary]:
    """The newest visible version of each of these objects; ids the actor may not see are absent."""
    return _latest_by_id(actor=actor, stix_ids=set(stix_ids))


def object_sightings(*, actor: Actor, obj: StixObject, limit: int = 200) -> list[ObjectSummary]:
    """Visible sightings of this object, newest first."""
    rows = (
        stix_objects_visible(actor=actor)
        .filter(type="sighting", is_latest=True, raw__contains=obj.stix_id)
        .select_related("collection", "created_by_org")
        .order_by("-date_added")[:limit]
    )
    return [s for s in map(object_summarise, rows) if s.data.get("sighting_of_ref") == obj.stix_id]


def object_editable(*, actor: Actor, obj: StixObject) -> bool:
    """New versions come from the creating organisation or the collection's owner, with write access."""
    if obj.collection_id not in collection_ids_writable(actor):
        return False
    orgs = intel_organisations(actor, write=True)
    return obj.created_by_org_id in orgs or obj.collection.owner_id in orgs


def object_recipients(*, actor: Actor, obj: StixObject) -> tuple[list[Organisation], list[User]]:
    """Who an AMBER+STRICT or RED version was addressed to (only for a version the actor may see)."""
    if not stix_objects_visible(actor=actor).filter(pk=obj.pk).exists():
        raise NotFound
    rows = list(ObjectRecipient.objects.filter(stix_object=obj).select_related("organisation", "user"))
    return (
        [row.organisation for row in rows if row.organisation is not None],
        [row.user for row in rows if row.user is not None],
    )


def objects_for_report(*, actor: Actor, limit: int = 300) -> QuerySet[StixObject]:
    """Recent visible objects an analyst may cite in a report."""
    return (
        stix_objects_visible(actor=actor)
        .filter(is_latest=True, revoked=False)
        .exclude(type__in=["report", "marking-definition", "relationship", "sighting"])
        .order_by("-date_added")[:limit]
    )


@dataclass(frozen=True)
class CollectionRights:
    collection: Collection
    can_read: bool
    can_write: bool
    can_manage: bool


def collections_with_rights(*, actor: Actor) -> list[CollectionRights]:
    """Every collection the actor may know about, with what it may do there."""
    readable = collection_ids_readable(actor)
    writable = collection_ids_writable(actor)
    from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES

    managing = actor.organisations_with(*INTEL_MANAGE_ROLES) if actor.user is not None else frozenset()
    return [
        CollectionRights(c, c.id in readable, c.id in writable, c.owner_id in managing)
        for c in Collection.objects.filter(id__in=readable | writable).select_related("owner")
    ]


def collections_writable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=collection_ids_writable(actor)).select_related("owner")


def collection_managed_get(*, actor: Actor, key: str) -> Collection:
    """A collection whose settings and grants the actor may change (its owner's analysts)."""
    found = collection_access_get(actor=actor, key=key).collection
    require_manage(actor, found)
    return found


def collection_grants(*, actor: Actor, collection: Collection) -> QuerySet[CollectionGrant]:
    require_manage(actor, collection)
    return CollectionGrant.objects.filter(collection=collection).select_related("organisation", "group")


def collection_red_recipients(*, actor: Actor, collection: Collection) -> QuerySet[User]:
    require_manage(actor, collection)
    return collection.red_recipients.all()


def collection_audience_people(*, actor: Actor, collection: Collection) -> QuerySet[User]:
    """People with an intelligence role in the owner or a granted organisation: who may receive RED."""
    require_manage(actor, collection)
    from lionrock.core.accounts.models import MembershipRole

    grants = CollectionGrant.objects.filter(collection=collection, can_read=True)
    orgs = {collection.owner_id} | set(
        grants.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    orgs |= set(
        SharingGroup.organisations.through.objects.filter(
            sharinggroup_id__in=grants.exclude(group=None).values("group_id")
        ).values_list("organisation_id", flat=True)
    )
    holders = MembershipRole.objects.filter(
        role__in=INTEL_READ_ROLES,
        membership__organisation_id__in=orgs,
        membership__is_active=True,
        membership__user__is_active=True,
    ).values("membership__user_id")
    return User.objects.filter(pk__in=holders).order_by("full_name", "email")


def intel_people(*, actor: Actor) -> QuerySet[User]:
    """Everyone with an intelligence role in an active organisation: the people RED can be sent to."""
    if not intel_organisations(actor):
        raise NotFound
    from lionrock.core.accounts.models import MembershipRole

    holders = MembershipRole.objects.filter(
        role__in=INTEL_READ_ROLES,
        membership__is_active=True,
        membership__organisation__is_active=True,
        membership__user__is_active=True,
    ).values("membership__user_id")
    return User.objects.filter(pk__in=holders).order_by("full_name", "email")


def sharing_organisations(*, actor: Actor) -> QuerySet[Organisation]:
    """The organisations one can share with: every active participant, by name."""
    if not intel_organisations(actor):
        raise NotFound
    return Organisation.objects.filter(is_active=True).order_by("name_en")


def sharing_groups_visible(*, actor: Actor) -> QuerySet[SharingGroup]:
    if not intel_organisations(actor):
        raise NotFound
    return SharingGroup.objects.prefetch_related("organisations").order_by("name")


def intel_new_shared_count(*, actor: Actor, days: int = 7, cap: int = 1000) -> int:
    """Visible objects other organisations added in the last days (counted up to `cap`)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        stix_objects_visible(actor=actor)
        .filter(is_latest=True, revoked=False, date_added__gte=since)
        .exclude(created_by_org_id__in=actor.organisation_ids)
    )
    return rows.order_by()[:cap].count()


def indicators_expiring_count(*, actor: Actor, days: int = 7) -> int:
    """Visible current indicators whose valid_until falls within the coming days."""
    now = timezone.now()
    horizon = now + timedelta(days=days)
    count = 0
    for row in stix_objects_search(actor=actor, expiring_within_days=days)[:1000]:
        until = object_summarise(row).valid_until
        if until is not None and now <= until <= horizon:
            count += 1
    return count
