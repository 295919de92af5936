"""Every read of the STIX store, for an actor: visibility under collection grants and TLP is decided here.

The rules (docs/users/intel-sharing.md says the same in plain words):
* TLP:CLEAR: every signed-in member of an organisation with an intelligence role.
* TLP:GREEN: the same community.
* TLP:AMBER: the collection's audience (owner, organisations granted read directly or through a group).
* TLP:AMBER+STRICT: the creating organisation, organisations granted read on the collection directly
  (not through a group), and organisations named as recipients on the object.
* TLP:RED: the person who created it, people named as recipients on the object, and the collection's
  named RED recipients. Nobody else, platform administrators included.

And one rule over all of them: an object that names another stored object (a sighting's sighting_of_ref,
a relationship's source_ref and target_ref) is visible only to readers who may also see some version of
every object it names. A TLP:GREEN sighting of a TLP:RED indicator is thus seen by the indicator's
readers only: its own TLP can narrow its audience, never widen it. A reference to an object that is not
stored here reveals nothing held here, and does not hide the object naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Scope
from lionrock.cyber.intel.columns import REF_COLUMNS, label_normalise
from lionrock.cyber.intel.correlation import value_key, value_normalise
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    ObjectLabel,
    ObjectRecipient,
    ObservableValue,
    SharingGroup,
    StixObject,
)
from lionrock.cyber.intel.sharing import INTEL_READ_ROLES, INTEL_WRITE_ROLES
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.intel.validation import ID_RE
from lionrock.matcher.refang import refang


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
    """The single filter behind every read path: UI, REST, TAXII, exports and monitoring.

    An object's own TLP terms, and for an object naming others (REF_COLUMNS) that each named object is
    either not stored here or visible under the same terms. Each reference costs two lookups on the
    (stix_id, modified) index, made only for rows that carry one.
    """
    if not intel_organisations(actor) or actor.user is None:
        return Q(pk__in=[])
    own = _own_visibility_q(actor)
    refs_visible = Q()
    for column in REF_COLUMNS:
        named = StixObject.objects.filter(stix_id=OuterRef(column))
        refs_visible &= Q(**{f"{column}__isnull": True}) | Q(Exists(named.filter(own))) | ~Q(Exists(named))
    return own & refs_visible


def _own_visibility_q(actor: Actor) -> Q:
    """The object's own TLP terms under the collection grants, ignoring what it references."""
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


def stix_objects_visible(*, actor: Actor, within: Collection | None = None) -> QuerySet[StixObject]:
    """Everything this actor may see; the only door to the table.

    Exercise collections (drills) are a world apart, and this is the one rule that keeps them so: their
    objects are seen only when that collection is named (`within`: TAXII, a drill's own pages, a match
    run reporting into it), never in browsing, search, exports, statistics or the dashboards.

    visibility_q is checked on each row rather than used to pick indexes. Left bare, it is an OR of TLP
    terms that SQLite (without fresh statistics, which nothing keeps) answers by uniting every visible
    row from the TLP indexes and sorting them all: about a second for a TAXII page at 1,000,000 objects.
    Wrapped in CASE it is opaque to the planner, which then reads the index of the caller's own filter
    (collection and date_added, stix_id, type...) in order and stops once it has enough rows.
    """
    visible = Case(When(visibility_q(actor), then=Value(True)), default=Value(False))
    rows = StixObject.objects.alias(visible=visible).filter(visible=True)
    if within is not None:
        return rows.filter(collection=within)
    return rows.exclude(collection__in=Collection.objects.filter(is_exercise=True).values("pk"))


def exercise_collection_ids() -> QuerySet[Collection, Any]:
    """The exercise collections (as a subquery), for the lists of real collections that leave them out."""
    return Collection.objects.filter(is_exercise=True).values("pk")


def collections_readable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=collection_ids_readable(actor), is_exercise=False)


def collections_visible(*, actor: Actor) -> QuerySet[Collection]:
    """Real collections the actor may know about: readable or writable (TAXII lists exercise ones too)."""
    return Collection.objects.filter(
        id__in=collection_ids_readable(actor) | collection_ids_writable(actor), is_exercise=False
    )


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
    return stix_objects_visible(actor=actor, within=collection)


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

    # Cached: a results table asks each several times per row.
    @cached_property
    def name(self) -> str:
        for key in ("name", "value", "pattern", "relationship_type"):
            if isinstance(self.data.get(key), str) and self.data[key]:
                return str(self.data[key])
        return self.row.stix_id

    @cached_property
    def labels(self) -> list[str]:
        labels = self.data.get("labels")
        return [str(label) for label in labels] if isinstance(labels, list) else []

    @cached_property
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


def value_lookup_normalise(raw: str) -> tuple[str, str] | None:
    """A value typed or pasted into a search box, defanged forms included (hxxp, [.], [@])."""
    normal = value_normalise(raw)
    if normal is not None:
        return normal
    text = refang(raw)
    return value_normalise(text) if text != raw.strip() else None


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
    Every other filter is an indexed column (labels in their own table), so that under any one filter
    the newest matches come from an index in date order instead of from a sort of every match.
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
    if label_normalise(label):
        rows = rows.filter(_labelled(label_normalise(label)))
    # Named by slug and short code, looked up first: an equality on the id lets the planner read the
    # (organisation or collection, date_added) index instead of testing every row against a subquery.
    if organisation:
        org_id = Organisation.objects.filter(slug=organisation).values_list("pk", flat=True).first()
        rows = rows.filter(created_by_org_id=org_id) if org_id is not None else rows.none()
    if collection:
        collection_id = Collection.objects.filter(alias=collection).values_list("pk", flat=True).first()
        rows = rows.filter(collection_id=collection_id) if collection_id is not None else rows.none()
    if tlp:
        rows = rows.filter(tlp=tlp)
    # A bound at the ends of the calendar (0001-01-01, 9999-12-31) is no bound: the moment cannot be
    # written in UTC, and every object lies within it anyway.
    start = _day_start(added_since) if added_since else None
    if start is not None:
        rows = rows.filter(date_added__gte=start)
    end = _day_after(added_until) if added_until else None
    if end is not None:
        rows = rows.filter(date_added__lt=end)
    if expiring_within_days is not None:
        now = timezone.now()
        horizon = _later(now, days=expiring_within_days)
        # Only indicators carry valid_until (intel.columns).
        rows = rows.filter(valid_until__gte=now)
        if horizon is not None:
            rows = rows.filter(valid_until__lte=horizon)
    return rows.select_related("collection", "created_by_org").order_by("-date_added", "-pk")


def _day_start(day: date) -> datetime | None:
    """Midnight of `day` here, or None when that moment is outside what a UTC timestamp can hold."""
    try:
        moment = timezone.make_aware(datetime.combine(day, time.min))
        moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment


def _day_after(day: date) -> datetime | None:
    try:
        return _day_start(day + timedelta(days=1))
    except OverflowError:
        return None


def _later(moment: datetime, *, days: int) -> datetime | None:
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        return None


@dataclass(frozen=True)
class ObjectPage:
    """One page of search results, newest first, with cursors to the pages either side ("" at an end).

    `total` is exact up to `cap`; past it `capped` is set and the page says "more than" instead of
    counting every match, which on a large store would read every visible row on each page.
    """

    summaries: list[ObjectSummary]
    older: str
    newer: str
    total: int
    capped: bool


_CURSOR_RE = re.compile(r"^(\d{1,18})\.(\d{1,18})$")


def _cursor(row_added: datetime, pk: int) -> str:
    """A position in the newest-first order: date_added in microseconds since 1970, then the row id."""
    delta = row_added - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{(delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds}.{pk}"


def _cursor_parse(text: str) -> tuple[datetime, int] | None:
    match = _CURSOR_RE.match(text or "")
    if match is None:
        return None
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(match.group(1)))
    except OverflowError:
        return None
    return moment, int(match.group(2))


def _labelled(label: str) -> Q:
    return Q(pk__in=ObjectLabel.objects.filter(label=label).values("stix_object_id"))


def _in_date_order(others: QuerySet[StixObject], label: str) -> tuple[QuerySet[Any], str]:
    """Where a page's ids are read in date order: the objects, or for a label that label's rows.

    With a label, its (label, date_added) index is walked newest first and each row's object checked
    (visibility and the other filters) by primary key, so a label carried by 50,000 objects costs
    what a rare one does; reading the objects instead would sort all 50,000.
    """
    if not label:
        return others, "pk"
    candidates = ObjectLabel.objects.filter(label=label)
    return candidates.filter(Exists(others.filter(pk=OuterRef("stix_object_id")))), "stix_object_id"


def stix_objects_page(
    *,
    actor: Actor,
    older: str = "",
    newer: str = "",
    size: int = 50,
    count_cap: int = 1000,
    **filters: Any,
) -> ObjectPage:
    """A page of stix_objects_search's results after the `older` cursor (or before `newer`).

    Keyset paging: each page starts from an index position, so the hundredth page costs what the first
    does. The first page reads up to count_cap + 1 matching ids in date order (the page and the capped
    count in one walk of the index), then fetches its rows; later pages read size + 1 ids, the rows,
    and count separately.
    """
    label = label_normalise(filters.pop("label", "") or "")
    others = stix_objects_search(actor=actor, **filters)
    ordered, id_field = _in_date_order(others, label)
    keyed = ordered.order_by("-date_added", f"-{id_field}")
    after, before = _cursor_parse(older), _cursor_parse(newer)
    if after is not None:
        moment, pk = after
        keyed = keyed.filter(date_added__lte=moment).exclude(date_added=moment, **{f"{id_field}__gte": pk})
    elif before is not None:
        moment, pk = before
        keyed = (
            keyed.filter(date_added__gte=moment)
            .exclude(date_added=moment, **{f"{id_field}__lte": pk})
            .order_by("date_added", id_field)
        )
    first = after is None and before is None
    keys = list(keyed.values_list(id_field, flat=True)[: (max(size, count_cap) if first else size) + 1])
    more = len(keys) > size
    if before is not None and not more:
        # Back at the newest objects: show the first page whole rather than a short one.
        return stix_objects_page(actor=actor, size=size, count_cap=count_cap, label=label, **filters)
    total = len(keys) if first else int(ordered.order_by()[: count_cap + 1].count())
    keys = keys[:size]
    # The ids came from `ordered`, label included; `others` checks visibility and the other filters
    # again, without reading every row of a common label as a label condition here would.
    by_pk = {row.pk: row for row in others.filter(pk__in=keys)} if keys else {}
    rows = [by_pk[pk] for pk in keys if pk in by_pk]
    if before is not None:
        rows.reverse()
    has_older = more if before is None else bool(rows)
    has_newer = (after is not None and bool(rows)) or (before is not None and more)
    return ObjectPage(
        summaries=[object_summarise(row) for row in rows],
        older=_cursor(rows[-1].date_added, rows[-1].pk) if rows and has_older else "",
        newer=_cursor(rows[0].date_added, rows[0].pk) if rows and has_newer else "",
        total=min(total, count_cap),
        capped=total > count_cap,
    )


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
        .filter(Q(source_ref=obj.stix_id) | Q(target_ref=obj.stix_id))
        .filter(type="relationship", is_latest=True, revoked=False)
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
        .filter(type="sighting", is_latest=True, sighting_of_ref=obj.stix_id)
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
        for c in Collection.objects.filter(id__in=readable | writable, is_exercise=False).select_related(
            "owner"
        )
    ]


def collections_writable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=collection_ids_writable(actor), is_exercise=False).select_related(
        "owner"
    )


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


def intel_participants(*, actor: Actor) -> QuerySet[Organisation]:
    """Active organisations taking part in intelligence sharing: someone active there has an intel role.

    The organisations AMBER+STRICT can be addressed to; an NGO or a shelter on the platform for other
    work is not one of them.
    """
    if not intel_organisations(actor):
        raise NotFound
    from lionrock.core.accounts.models import MembershipRole

    holders = MembershipRole.objects.filter(
        role__in=INTEL_READ_ROLES,
        membership__is_active=True,
        membership__user__is_active=True,
    ).values("membership__organisation_id")
    return Organisation.objects.filter(is_active=True, pk__in=holders).order_by("name_en")


def recipients_resolve(
    *,
    actor: Actor,
    organisations: Iterable[str] = (),
    people_emails: Iterable[str] = (),
    people_ids: Iterable[str] = (),
) -> tuple[list[Organisation], list[User]]:
    """The one policy for naming recipients, for pages and API alike: every name must resolve.

    Organisations (by slug) must take part in intelligence sharing, people (by email or id) must hold
    an intelligence role; anything else refuses the whole request with the names that failed, rather
    than sharing with fewer recipients than the sender chose.
    """
    slugs = sorted(set(organisations))
    emails = sorted(set(people_emails))
    ids = sorted({text for text in people_ids if str(text).isdigit()})
    found_orgs = list(intel_participants(actor=actor).filter(slug__in=slugs)) if slugs else []
    people_query = Q(pk__in=[])
    if emails:
        people_query |= Q(email__in=emails)
    if ids:
        people_query |= Q(pk__in=[int(text) for text in ids])
    found_people = list(intel_people(actor=actor).filter(people_query)) if emails or ids else []
    unknown = [slug for slug in slugs if slug not in {org.slug for org in found_orgs}]
    unknown += [email for email in emails if email not in {person.email for person in found_people}]
    unknown += [text for text in set(people_ids) if text not in {str(person.pk) for person in found_people}]
    if unknown:
        from django.utils.translation import gettext as _

        from lionrock.core.accounts.services import ValidationFailed

        raise ValidationFailed(
            _(
                "These recipients are unknown or do not take part in intelligence sharing, so nothing "
                "was shared: %(names)s"
            )
            % {"names": ", ".join(sorted(unknown))}
        )
    return found_orgs, found_people


def sharing_groups_visible(*, actor: Actor) -> QuerySet[SharingGroup]:
    if not intel_organisations(actor):
        raise NotFound
    # A drill's teams share through a group named after its exercise collection: not a real audience.
    drills = Collection.objects.filter(is_exercise=True).values("alias")
    return SharingGroup.objects.exclude(slug__in=drills).prefetch_related("organisations").order_by("name")


def intel_new_shared_count(*, actor: Actor, days: int = 7, cap: int = 1000) -> int:
    """Visible objects other organisations added in the last days (counted up to `cap`)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        stix_objects_visible(actor=actor)
        .filter(is_latest=True, revoked=False, date_added__gte=since)
        .exclude(created_by_org_id__in=actor.organisation_ids)
    )
    return rows.order_by()[:cap].count()


def indicators_expiring_count(*, actor: Actor, days: int = 7, cap: int = 1000) -> int:
    """Visible current indicators whose valid_until falls within the coming days (counted up to `cap`)."""
    rows = stix_objects_search(actor=actor, expiring_within_days=days)
    return int(rows.order_by()[:cap].count())
