"""Who sees what: the one door to the store (collections, grants, TLP and named recipients), for UI,
REST and TAXII alike. Forbidden and absent look the same."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber
from django.db.models.lookups import Exact

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Scope
from lionrock.core.kept_sql import KeptSql, kept_query_rows
from lionrock.core.request_memo import memoised
from lionrock.cyber.intel.columns import REF_COLUMNS
from lionrock.cyber.intel.correlation import value_key
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    ObjectRecipient,
    ObjectReference,
    ObservableValue,
    StixObject,
)
from lionrock.cyber.intel.sharing import INTEL_READ_ROLES, INTEL_WRITE_ROLES
from lionrock.cyber.intel.tlp import Tlp

__all__ = [
    "CollectionAccess",
    "collection_access_get",
    "collection_ids_readable",
    "collection_ids_writable",
    "collection_objects_visible",
    "collections_readable",
    "collections_visible",
    "intel_organisations",
    "object_seen_elsewhere",
    "require_manage",
    "stix_object_get",
    "stix_object_versions",
    "stix_objects_visible",
    "stix_objects_visible_among",
    "stix_objects_visible_to",
    "value_appearances",
    "values_appearances",
    "visibility_q",
    "visibility_terms",
]


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
    """Kept for the rest of a read-only request: a page asks it once for each list, count and panel.

    `direct_only`: owned or granted to the organisation itself, not through a sharing group (what
    TLP:AMBER+STRICT asks). Both answers come from one query.
    """
    orgs = intel_organisations(actor)
    if not orgs:
        return set()
    pairs = memoised(("intel.collections.readable", orgs), lambda: _readable_pairs(orgs))
    return {collection for collection, direct in pairs if direct or not direct_only}


def _readable_pairs(orgs: frozenset[int]) -> frozenset[tuple[Any, bool]]:
    """(collection, reached directly) for every active collection the organisations own or may read.

    Every page with intelligence on it asks this; the UNION's SQL, which depends on the organisations
    alone, is kept rather than built and compiled on each request."""
    rows = kept_query_rows(("intel.collections.readable", orgs), lambda: _readable_pairs_query(orgs))
    # The cursor's own values (SQLite: hex text and 0/1), made what the ORM would have given.
    as_id = Collection._meta.pk.to_python
    return frozenset((as_id(collection), bool(direct)) for collection, direct in rows)


def _readable_pairs_query(orgs: frozenset[int]) -> QuerySet[Any]:
    owned = (
        Collection.objects.filter(owner_id__in=orgs, is_active=True)
        .order_by()
        .annotate(direct=Value(True, output_field=BooleanField()))
        .values_list("id", "direct")
    )
    granted = (
        CollectionGrant.objects.filter(_grant_q(orgs, flag="can_read"))
        .filter(collection__is_active=True)
        .order_by()
        .annotate(
            direct=Case(
                When(organisation_id__in=orgs, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("collection_id", "direct")
    )
    return owned.union(granted)


def collection_ids_writable(actor: Actor) -> set[Any]:
    orgs = intel_organisations(actor, write=True)
    if not orgs:
        return set()
    return set(
        memoised(
            ("intel.collections.writable", orgs),
            lambda: _owned_or_granted(orgs, _grant_q(orgs, flag="can_write")),
        )
    )


@dataclass(frozen=True)
class _Terms:
    """Everything visibility_q takes from the actor and the grants, and nothing else: two actors with
    equal terms see exactly the same rows, so the filter built from them can be reused."""

    user_id: int
    organisations: frozenset[int]
    readable: frozenset[Any]
    direct: frozenset[Any]
    red_collections: frozenset[Any]


def _terms(actor: Actor) -> _Terms | None:
    orgs = intel_organisations(actor)
    if not orgs or actor.user is None:
        return None
    user_id = actor.user.pk
    return _Terms(
        user_id=user_id,
        organisations=orgs,
        readable=frozenset(collection_ids_readable(actor)),
        direct=frozenset(collection_ids_readable(actor, direct_only=True)),
        red_collections=frozenset(
            memoised(
                ("intel.collections.red", user_id),
                lambda: list(
                    Collection.red_recipients.through.objects.filter(user_id=user_id).values_list(
                        "collection_id", flat=True
                    )
                ),
            )
        ),
    )


def visibility_q(actor: Actor) -> Q:
    """The single filter behind every read path: UI, REST, TAXII, exports and monitoring.

    An object's own TLP terms, and for an object naming others — a relationship's ends, a sighting's
    indicator (REF_COLUMNS), a report's object_refs and every other list of references (ObjectReference)
    — that each named object is either not stored here or visible under the same terms. An object is
    never more widely seen than what it names: a GREEN report citing a RED indicator is seen only where
    the indicator is. Each reference costs two lookups on the (stix_id, modified) index, made only for
    rows that carry one. The three reference columns share one subquery: a database plans the rule on
    every new statement, and three copies of it took PostgreSQL longer to plan than to run.
    """
    terms = _terms(actor)
    return Q(pk__in=[]) if terms is None else _visibility_q(terms)


def _visibility_q(terms: _Terms) -> Q:
    own = _own_visibility_q(terms)
    named_hidden = StixObject.objects.filter(stix_id__in=[OuterRef(column) for column in REF_COLUMNS]).filter(
        ~Exists(StixObject.objects.filter(stix_id=OuterRef("stix_id")).filter(own))
    )
    names_none = Q(**{f"{column}__isnull": True for column in REF_COLUMNS})
    listed = StixObject.objects.filter(stix_id=OuterRef("ref_id"))
    hidden = ObjectReference.objects.filter(stix_object=OuterRef("pk")).filter(
        Exists(listed), ~Exists(listed.filter(own))
    )
    return own & (names_none | ~Q(Exists(named_hidden))) & ~Q(Exists(hidden))


def _own_visibility_q(terms: _Terms) -> Q:
    """The object's own TLP terms under the collection grants, ignoring what it references."""
    orgs = terms.organisations
    # An AMBER+STRICT object's recipient organisations and a RED object's recipient people, in one
    # subquery: the rule is planned for every new statement, and each subquery is part of that bill.
    recipient = ObjectRecipient.objects.filter(stix_object=OuterRef("pk")).filter(
        Q(Exact(OuterRef("tlp"), Tlp.AMBER_STRICT.value), organisation_id__in=orgs)
        | Q(Exact(OuterRef("tlp"), Tlp.RED.value), user_id=terms.user_id)
    )
    visible: Q = (
        Q(tlp__in=[Tlp.CLEAR, Tlp.GREEN])
        | Q(tlp=Tlp.AMBER, collection_id__in=terms.readable)
        | Q(tlp__in=[Tlp.AMBER, Tlp.AMBER_STRICT], created_by_org_id__in=orgs)
        | Q(tlp=Tlp.AMBER_STRICT, collection_id__in=terms.direct)
        | Q(tlp=Tlp.RED, created_by_user_id=terms.user_id)
        | Q(tlp=Tlp.RED, collection_id__in=terms.red_collections)
        | Q(Exists(recipient), tlp__in=[Tlp.AMBER_STRICT, Tlp.RED])
    )
    return visible


def visibility_terms(actor: Actor) -> Hashable | None:
    """What decides which objects this actor sees, as a key: equal keys, equal visibility (None: nothing).

    For a filter built on top of stix_objects_visible and kept per key (see stix_objects_visible_to)."""
    return _terms(actor)


def stix_objects_visible_to(terms: Hashable) -> QuerySet[StixObject]:
    """stix_objects_visible for visibility_terms already looked up in this request (never None)."""
    if not isinstance(terms, _Terms):
        raise TypeError("terms come from visibility_terms")
    return _real_rows(terms).all()


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
    terms = _terms(actor)
    if terms is None:
        return StixObject.objects.none()
    if within is not None:
        return _visible_rows(terms).filter(collection=within)
    return _real_rows(terms).all()


# The filter is a deep tree of subqueries that Django takes longer to assemble (several milliseconds)
# than SQLite takes to answer on a page; it depends on nothing but the terms, which are looked up afresh
# on every request (a grant changed is a new key), so each process keeps the latest few it built.
@lru_cache(maxsize=128)
def _visible_rows(terms: _Terms) -> QuerySet[StixObject]:
    visible = Case(When(_visibility_q(terms), then=Value(True)), default=Value(False))
    return StixObject.objects.alias(visible=KeptSql(visible, BooleanField())).filter(visible=True)


@lru_cache(maxsize=128)
def _real_rows(terms: _Terms) -> QuerySet[StixObject]:
    return _visible_rows(terms).exclude(
        collection__in=Collection.objects.filter(is_exercise=True).values("pk")
    )


@dataclass(frozen=True)
class VisibleRow:
    pk: int
    stix_id: str
    type: str
    is_latest: bool
    created_by_org_id: int | None


def stix_objects_visible_among(
    *, actor: Actor, pks: Iterable[int], stix_ids: Iterable[str]
) -> list[VisibleRow]:
    """Of these objects (by primary key, and every version of these ids), the ones the actor may see,
    newest first: the situation board's question, asked for up to thousands of candidates on every poll.

    The same rule as stix_objects_visible, compiled once per set of terms and kept: the lists go in as
    one array parameter each, so the statement's text does not change with them, and Django neither
    assembles nor compiles the rule again (together 5-10 ms a time, more than the database takes).
    """
    terms = _terms(actor)
    pks, stix_ids = list(pks), [str(value) for value in stix_ids]
    if terms is None or not (pks or stix_ids):
        return []
    sql, params = _among_statement(terms, connection.vendor)
    values = {_PKS: _array_param(pks), _IDS: _array_param(stix_ids)}
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [values.get(param, param) if isinstance(param, str) else param for param in params]
        )
        found = cursor.fetchall()
    found.sort(key=lambda row: row[5], reverse=True)  # date_added; SQLite's text sorts as its times do
    return [VisibleRow(pk, stix_id, kind, bool(latest), org) for pk, stix_id, kind, latest, org, _ in found]


_PKS = "\x00lionrock:pks\x00"
_IDS = "\x00lionrock:stix_ids\x00"


def _array_param(values: list[Any]) -> Any:
    return values if connection.vendor == "postgresql" else json.dumps(values)


def _in_array(column: str, vendor: str, sql_type: str, marker: str) -> RawSQL:
    """`column` is one of the values of one array parameter: on PostgreSQL `= ANY` (so the planner can
    read the column's index once per value, several lists OR-ed in a bitmap), on SQLite a json_each."""
    target = f'"{StixObject._meta.db_table}"."{column}"'
    if vendor == "postgresql":
        text = f"{target} = ANY(%s::{sql_type}[])"
    else:
        text = f"{target} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - names from the model
    return RawSQL(text, [marker], output_field=BooleanField())  # noqa: S611 - fixed text, values bound


@lru_cache(maxsize=128)
def _among_statement(terms: _Terms, vendor: str) -> tuple[str, tuple[Any, ...]]:
    rows = (
        _real_rows(terms)
        .filter(Q(_in_array("id", vendor, "bigint", _PKS)) | Q(_in_array("stix_id", vendor, "text", _IDS)))
        .order_by()
        .values_list("pk", "stix_id", "type", "is_latest", "created_by_org_id", "date_added")
    )
    sql, params = rows.query.sql_with_params()
    if params.count(_PKS) != 1 or params.count(_IDS) != 1:  # pragma: no cover - Django changed its compiler
        raise RuntimeError("the visibility statement lost its list parameters")
    return sql, tuple(params)


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


def values_appearances(*, actor: Actor, keys: Iterable[str], limit: int = 100) -> dict[str, list[StixObject]]:
    """For each correlation key, the visible objects naming its value, newest first, at most `limit` each:
    one query for any number of values (an incident's observables are looked up together)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = (
        stix_objects_visible(actor=actor)
        .filter(values__key__in=wanted)
        .annotate(
            value_key=F("values__key"),
            rank=Window(RowNumber(), partition_by=F("values__key"), order_by=F("date_added").desc()),
        )
        .filter(rank__lte=limit)
        .select_related("created_by_org")
        .order_by("value_key", "rank")
    )
    found: dict[str, list[StixObject]] = {}
    for row in rows:
        found.setdefault(row.value_key, []).append(row)
    return found


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
