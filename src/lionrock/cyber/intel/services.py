"""Every write to the STIX store. objects_add is the one path for TAXII, REST, UI and every importer."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.accounts.services import ValidationFailed
from lionrock.core.audit import services as audit
from lionrock.cyber.intel import selectors, signals
from lionrock.cyber.intel.columns import columns_of, labels_of
from lionrock.cyber.intel.correlation import value_key, values_of
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    ObjectLabel,
    ObjectRecipient,
    ObservableValue,
    SharingGroup,
    StixObject,
)
from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES
from lionrock.cyber.intel.tlp import (
    KNOWN_MARKING_IDS,
    MARKING_ID_FOR,
    RANK,
    Tlp,
    tlp_of_marking_definition,
    tlp_of_object,
)
from lionrock.cyber.intel.validation import MAX_OBJECT_BYTES, ObjectError, object_errors, parse_timestamp

ONE_MICROSECOND = timedelta(microseconds=1)
# Bulk pushes repeat the same created/modified strings; parsing each once keeps ingest off strptime.
_timestamp = lru_cache(maxsize=8192)(parse_timestamp)


class StixRejected(ValidationFailed):
    """Objects that cannot be stored, each with its precise reason; nothing from the request was kept."""

    def __init__(self, errors: Sequence[ObjectError]) -> None:
        self.errors = list(errors)
        shown = "; ".join(str(error) for error in self.errors[:5])
        more = len(self.errors) - 5
        super().__init__(shown + (f" (and {more} more)" if more > 0 else ""))


@dataclass
class AddOutcome:
    """What one request did: rows stored, exact duplicates accepted without change, and refusals."""

    added: list[StixObject] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failures: list[ObjectError] = field(default_factory=list)
    # What was done to an accepted object on the way in (index in the request -> message for its sender).
    notes: dict[int, str] = field(default_factory=dict)

    @property
    def success_ids(self) -> list[str]:
        return [obj.stix_id for obj in self.added] + self.duplicates


def _canonical(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _lock_collection(collection: Collection) -> None:
    """Serialises writers to one collection so date_added stays strictly increasing without ties."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"intel:{collection.pk}"])


def _insert_rows(model: type[models.Model], objs: list[Any]) -> None:
    """bulk_create for the ingest path: one multi-row INSERT ... RETURNING per batch, values adapted once.

    Django's bulk_create prepares every value through its field (most of a TAXII push's CPU time). The
    rows here are plain columns (text, booleans, timestamps, foreign-key ids), so text, numbers and
    booleans are written as they are, timestamps adapted as Django adapts them, other keys (UUIDs)
    prepared by their field once per distinct value. Primary keys come back in insertion order, as
    bulk_create itself relies on. Databases without INSERT ... RETURNING use bulk_create.

    `objs` are model instances, which get their primary keys, or plain dicts of attribute values for
    rows nobody reads back (an instance per observable value and label cost a tenth of a push).
    """
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup per attribute
    if not db.features.can_return_rows_from_bulk_insert:
        instances = [model(**obj) if isinstance(obj, dict) else obj for obj in objs]
        model._default_manager.bulk_create(instances, batch_size=500)
        return
    keys_back = not isinstance(objs[0], dict)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    plain = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)

    def preparer(field: Any) -> Any:
        if isinstance(getattr(field, "target_field", field), plain):
            return None
        if isinstance(field, models.DateTimeField):
            return db.ops.adapt_datetimefield_value
        return lru_cache(maxsize=64)(lambda value: field.get_db_prep_save(value, db))

    preparers = [preparer(field) for field in fields]
    attnames = [field.attname for field in fields]
    quote = db.ops.quote_name
    # Names come from the model's own metadata, quoted; every value is a bound parameter.
    columns = ", ".join(quote(field.column) for field in fields)

    def row_of(obj: Any) -> list[Any]:
        values = obj.__dict__ if keys_back else obj
        row: list[Any] = []
        for attname, prepare in zip(attnames, preparers, strict=True):
            value = values[attname]
            if value is None:
                pass
            elif prepare is not None:
                value = prepare(value)
            elif isinstance(value, Enum):
                value = value.value
            row.append(value)
        return row

    def saved(obj: Any, pk: int) -> None:
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db.alias

    if db.vendor == "postgresql":
        # COPY instead of a multi-row INSERT: psycopg would re-parse a 7,000-placeholder statement per
        # batch and the server plan it, which together cost more than validating the objects. Keys wanted
        # back are drawn from the sequence first and written with the rows.
        with db.cursor() as cursor:
            pks: list[int] = []
            if keys_back:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(objs)],
                )
                pks = [pk for (pk,) in cursor.fetchall()]
                columns = f"{quote(meta.pk.column)}, {columns}"
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for n, obj in enumerate(objs):
                    copy.write_row([pks[n], *row_of(obj)] if keys_back else row_of(obj))
        for pk, obj in zip(pks, objs, strict=False):
            saved(obj, pk)
        return
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {quote(meta.pk.column)}" if keys_back else ""
    per_batch = max(1, min(500, 30000 // len(fields)))
    with db.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            chunk = objs[start : start + per_batch]
            params: list[Any] = []
            for obj in chunk:
                params.extend(row_of(obj))
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + returning, params)
            if keys_back:
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    saved(obj, pk)


def _acting_organisation(actor: Actor, collection: Collection) -> int:
    orgs = selectors.intel_organisations(actor, write=True)
    if collection.owner_id in orgs:
        return collection.owner_id
    return min(orgs)


def _stored_marking_levels(collection: Collection, refs: set[str]) -> tuple[dict[str, Tlp], set[str]]:
    """The TLP levels of stored marking definitions among `refs`, and the ids of all stored ones."""
    levels: dict[str, Tlp] = {}
    stored: set[str] = set()
    if not refs:
        return levels, stored
    for raw in StixObject.objects.filter(
        collection=collection, type="marking-definition", stix_id__in=refs, is_latest=True
    ).values_list("raw", flat=True):
        definition = json.loads(raw)
        stored.add(definition["id"])
        level = tlp_of_marking_definition(definition)
        if level is not None:
            levels[definition["id"]] = level
    return levels, stored


def _marking_decided(
    obj: dict[str, Any], index: int, definitions: dict[str, Tlp], known: set[str], collection: Collection
) -> tuple[dict[str, Any], Tlp, str] | ObjectError:
    """The object as it will be stored, its TLP, and a note for its sender; or why it is refused.

    Nothing is stored without a TLP marking in its own JSON, so nothing is ever served unmarked:
    * a TLP marking (TLP 2.0, TLP 1.0, or a marking definition sent along or stored here) decides;
    * no marking at all: the collection's default TLP is added to object_marking_refs, and the note
      says so;
    * only markings Lionrock does not know: refused, since the sender may have meant something stricter
      than the default.
    Marking definitions themselves carry no TLP of their own and take the collection's default row TLP.
    """
    default = Tlp(collection.default_tlp)
    level = tlp_of_object(obj, definitions)
    if level is not None or obj.get("type") == "marking-definition":
        return obj, level or default, ""
    refs = [ref for ref in obj.get("object_marking_refs") or [] if isinstance(ref, str)]
    unknown = [ref for ref in refs if ref not in KNOWN_MARKING_IDS and ref not in known]
    if unknown:
        return ObjectError(
            index,
            obj["id"],
            "object_marking_refs",
            _(
                "%(ref)s is not a marking definition known here and the object has no TLP marking; send "
                "the definition in the same request, or mark the object with a TLP 2.0 marking"
            )
            % {"ref": unknown[0]},
        )
    marked = obj | {"object_marking_refs": [*refs, MARKING_ID_FOR[default]]}
    note = _(
        "no TLP marking: stored with %(tlp)s, this collection's default, added to object_marking_refs"
    ) % {"tlp": default.label}
    return marked, default, note


def objects_add(
    *,
    actor: Actor,
    collection: Collection,
    objects: Sequence[Any],
    source: str = "api",
    all_or_nothing: bool = True,
    recipient_organisations: Iterable[Organisation] = (),
    recipient_users: Iterable[User] = (),
) -> AddOutcome:
    """Validates and stores objects in one transaction.

    With all_or_nothing (uploads, imports, the REST API) one bad object refuses the whole request;
    without it (TAXII POST, which is atomic per object) good objects are stored and bad ones reported.
    """
    access.require_scope(actor, Scope.INTEL_WRITE)
    if collection.pk not in selectors.collection_ids_writable(actor):
        raise NotFound
    return _objects_store(
        actor=actor,
        collection=collection,
        objects=objects,
        source=source,
        all_or_nothing=all_or_nothing,
        recipient_organisations=recipient_organisations,
        recipient_users=recipient_users,
        org_id=_acting_organisation(actor, collection),
    )


def exercise_objects_add(
    *,
    actor: Actor,
    collection: Collection,
    objects: Sequence[Any],
    recipient_organisations: Iterable[Organisation] = (),
) -> AddOutcome:
    """Stores a drill's planted objects (canary indicators) in its exercise collection, all or nothing.

    The drill planners of the collection's owner write here without an intelligence role: an exercise
    collection is a world apart (see selectors.stix_objects_visible), so nothing they plant reaches a
    real path.
    """
    if not collection.is_exercise:
        raise NotFound
    access.require(actor, Role.DRILL_PLANNER, organisation=collection.owner_id)
    return _objects_store(
        actor=actor,
        collection=collection,
        objects=objects,
        source="drill",
        all_or_nothing=True,
        recipient_organisations=recipient_organisations,
        recipient_users=(),
        org_id=collection.owner_id,
    )


def _objects_store(
    *,
    actor: Actor,
    collection: Collection,
    objects: Sequence[Any],
    source: str,
    all_or_nothing: bool,
    recipient_organisations: Iterable[Organisation],
    recipient_users: Iterable[User],
    org_id: int,
) -> AddOutcome:
    outcome = AddOutcome()
    in_batch_levels = {
        obj["id"]: level
        for obj in objects
        if isinstance(obj, dict)
        and obj.get("type") == "marking-definition"
        and isinstance(obj.get("id"), str)
        if (level := tlp_of_marking_definition(obj)) is not None
    }
    refs = {
        ref
        for obj in objects
        if isinstance(obj, dict) and isinstance(obj.get("object_marking_refs"), list)
        for ref in obj["object_marking_refs"]
        if isinstance(ref, str) and ref not in in_batch_levels
    }
    stored_levels, stored_definitions = _stored_marking_levels(collection, refs)
    definitions = {**stored_levels, **in_batch_levels}
    known_definitions = stored_definitions | {
        obj["id"]
        for obj in objects
        if isinstance(obj, dict)
        and obj.get("type") == "marking-definition"
        and isinstance(obj.get("id"), str)
    }
    max_rank = RANK[Tlp(collection.max_tlp)]

    candidates: list[tuple[int, dict[str, Any], Tlp, datetime, datetime]] = []
    for index, obj in enumerate(objects):
        errors = object_errors(obj, index)
        if errors:
            outcome.failures.extend(errors)
            continue
        decided = _marking_decided(obj, index, definitions, known_definitions, collection)
        if isinstance(decided, ObjectError):
            outcome.failures.append(decided)
            continue
        obj, level, note = decided
        if note:
            outcome.notes[index] = note
        if RANK[level] > max_rank:
            outcome.failures.append(
                ObjectError(
                    index,
                    obj["id"],
                    "object_marking_refs",
                    _(
                        "%(tlp)s is more restrictive than this collection accepts (%(max)s); share it in a "
                        "collection limited to its recipients"
                    )
                    % {"tlp": level.label, "max": Tlp(collection.max_tlp).label},
                )
            )
            continue
        created = _timestamp(obj["created"]) if "created" in obj else None
        modified = _timestamp(obj["modified"]) if "modified" in obj else created
        candidates.append((index, obj, level, created or timezone.now(), modified or timezone.now()))

    if outcome.failures and all_or_nothing:
        raise StixRejected(outcome.failures)

    with transaction.atomic():
        _lock_collection(collection)
        ids = {obj["id"] for _, obj, _, _, _ in candidates}
        existing: dict[tuple[str, datetime], str] = {}
        latest: dict[str, datetime] = {}
        for stix_id, modified, raw, is_latest in StixObject.objects.filter(
            collection=collection, stix_id__in=ids
        ).values_list("stix_id", "modified", "raw", "is_latest"):
            existing[(stix_id, modified)] = raw
            if is_latest:
                latest[stix_id] = modified

        rows: list[StixObject] = []
        row_values: list[list[tuple[str, str]]] = []
        row_labels: list[list[str]] = []
        last = StixObject.objects.filter(collection=collection).aggregate(last=Max("date_added"))["last"]
        stamp = timezone.now()
        if last is not None and stamp <= last:
            stamp = last + ONE_MICROSECOND
        demote: set[str] = set()
        latest_row: dict[str, StixObject] = {}
        user = actor.user
        for index, obj, level, created, modified in candidates:
            raw = _canonical(obj)
            if len(raw) > MAX_OBJECT_BYTES // 4 and len(raw.encode("utf-8")) > MAX_OBJECT_BYTES:
                outcome.failures.append(
                    ObjectError(
                        index,
                        obj["id"],
                        "",
                        _("the object is larger than %(mb)d MB; split it or move large content out")
                        % {"mb": MAX_OBJECT_BYTES >> 20},
                    )
                )
                continue
            known = existing.get((obj["id"], modified))
            if known is not None:
                if json.loads(known) == obj:
                    outcome.duplicates.append(obj["id"])
                else:
                    outcome.failures.append(
                        ObjectError(
                            index,
                            obj["id"],
                            "modified",
                            _("a different object with this id and modified timestamp already exists"),
                        )
                    )
                continue
            existing[(obj["id"], modified)] = raw
            is_latest = obj["id"] not in latest or modified > latest[obj["id"]]
            if is_latest:
                if obj["id"] in latest:
                    demote.add(obj["id"])
                # Only one row per id is latest at a time: a dict, not a scan of every row so far.
                superseded = latest_row.get(obj["id"])
                if superseded is not None:
                    superseded.is_latest = False
                latest[obj["id"]] = modified
            rows.append(
                StixObject(
                    collection=collection,
                    stix_id=obj["id"],
                    type=obj["type"],
                    spec_version=obj.get("spec_version", "2.1"),
                    created=created,
                    modified=modified,
                    date_added=stamp,
                    is_latest=is_latest,
                    revoked=bool(obj.get("revoked", False)),
                    tlp=level,
                    created_by_org_id=org_id,
                    created_by_user=user,
                    source=source[:40],
                    raw=raw,
                    **columns_of(obj),
                )
            )
            if is_latest:
                latest_row[obj["id"]] = rows[-1]
            row_values.append(values_of(obj))
            row_labels.append(labels_of(obj))
            stamp += ONE_MICROSECOND

        if outcome.failures and all_or_nothing:
            raise StixRejected(outcome.failures)
        if demote:
            StixObject.objects.filter(collection=collection, stix_id__in=demote, is_latest=True).update(
                is_latest=False
            )
        _insert_rows(StixObject, rows)
        _insert_rows(
            ObjectLabel,
            [
                {"stix_object_id": row.pk, "label": label, "date_added": row.date_added}
                for row, labels in zip(rows, row_labels, strict=True)
                for label in labels
            ],
        )
        _insert_rows(
            ObservableValue,
            [
                {"stix_object_id": row.pk, "kind": kind, "value": value, "key": value_key(kind, value)}
                for row, values in zip(rows, row_values, strict=True)
                for kind, value in values
            ],
        )
        recipients = [
            ObjectRecipient(stix_object=row, organisation=org)
            for org in recipient_organisations
            for row in rows
            if row.tlp == Tlp.AMBER_STRICT
        ]
        recipients += [
            ObjectRecipient(stix_object=row, user=person)
            for person in recipient_users
            for row in rows
            if row.tlp == Tlp.RED
        ]
        ObjectRecipient.objects.bulk_create(recipients, batch_size=1000)
        outcome.added = rows
        if rows:
            signals.objects_added.send(sender=StixObject, rows=rows, actor=actor, collection=collection)
        if rows:
            audit.record(
                actor=actor,
                action="intel.objects.add",
                target=collection,
                changes={"ids": sorted({row.stix_id for row in rows}), "source": source},
                summary=f"{len(rows)} object version(s) via {source}"
                + (f"; {len(outcome.duplicates)} duplicate(s)" if outcome.duplicates else ""),
            )
    return outcome


@transaction.atomic
def object_delete(
    *, actor: Actor, collection: Collection, stix_id: str, versions: Iterable[datetime] | None = None
) -> int:
    """Removes versions of an object (all of them by default); only its creator or the owner may."""
    access.require_scope(actor, Scope.INTEL_WRITE)
    if collection.pk not in selectors.collection_ids_writable(actor):
        raise NotFound
    rows = selectors.collection_objects_visible(actor=actor, collection=collection).filter(stix_id=stix_id)
    orgs = selectors.intel_organisations(actor, write=True)
    if collection.owner_id not in orgs:
        rows = rows.filter(created_by_org_id__in=orgs)
    if versions is not None:
        rows = rows.filter(modified__in=list(versions))
    doomed = list(rows.values_list("pk", flat=True))
    if not doomed:
        raise NotFound(stix_id)
    StixObject.objects.filter(pk__in=doomed).delete()
    newest = StixObject.objects.filter(collection=collection, stix_id=stix_id).order_by("-modified").first()
    if newest is not None and not newest.is_latest:
        StixObject.objects.filter(pk=newest.pk).update(is_latest=True)
    audit.record(
        actor=actor,
        action="intel.object.delete",
        target=collection,
        changes={"id": stix_id, "rows": len(doomed)},
        summary=f"{stix_id}: {len(doomed)} version(s)",
    )
    return len(doomed)


@transaction.atomic
def collection_create(
    *,
    actor: Actor,
    owner: Organisation,
    alias: str,
    title: str,
    description: str = "",
    default_tlp: str = Tlp.AMBER,
    max_tlp: str = Tlp.AMBER_STRICT,
) -> Collection:
    access.require(actor, *INTEL_MANAGE_ROLES, organisation=owner)
    if RANK[Tlp(default_tlp)] > RANK[Tlp(max_tlp)]:
        raise ValidationFailed(
            _("The default TLP cannot be more restrictive than the most restrictive TLP accepted.")
        )
    if Collection.objects.filter(alias=alias).exists():
        raise ValidationFailed(
            _("A collection with the short code “%(alias)s” already exists.") % {"alias": alias}
        )
    collection = Collection.objects.create(
        owner=owner,
        alias=alias,
        title=title,
        description=description,
        default_tlp=default_tlp,
        max_tlp=max_tlp,
    )
    audit.record(
        actor=actor,
        action="intel.collection.create",
        target=collection,
        changes={"alias": alias, "title": title, "default_tlp": default_tlp, "max_tlp": max_tlp},
    )
    return collection


@transaction.atomic
def exercise_collection_create(
    *, actor: Actor, owner: Organisation, alias: str, title: str, teams: Iterable[Organisation]
) -> Collection:
    """A drill's exercise-only collection: the owner's drill planners plant in it, the teams read and
    report in it through one sharing group, and nothing in it ever reaches a real path.

    Objects default to TLP:AMBER+STRICT, which the teams (granted through the group, not directly) see
    only when addressed to them: each team sees its own canaries and its own reports, never another's.
    """
    access.require(actor, Role.DRILL_PLANNER, organisation=owner)
    if Collection.objects.filter(alias=alias).exists():
        raise ValidationFailed(
            _("A collection with the short code “%(alias)s” already exists.") % {"alias": alias}
        )
    collection = Collection.objects.create(
        owner=owner,
        alias=alias,
        title=title,
        default_tlp=Tlp.AMBER_STRICT,
        max_tlp=Tlp.RED,
        is_exercise=True,
    )
    group = SharingGroup.objects.create(slug=alias, name=title)
    group.organisations.set(list(teams))
    CollectionGrant.objects.create(collection=collection, group=group, can_read=True, can_write=True)
    audit.record(
        actor=actor,
        action="intel.collection.create",
        target=collection,
        changes={"alias": alias, "title": title, "exercise": True},
    )
    return collection


@transaction.atomic
def exercise_collection_purge(*, actor: Actor, collection: Collection) -> int:
    """Deletes every object of an exercise collection (after the drill's report is approved), audited."""
    if not collection.is_exercise:
        raise NotFound
    access.require(actor, Role.DRILL_PLANNER, organisation=collection.owner_id)
    deleted, _by_model = StixObject.objects.filter(collection=collection).delete()
    CollectionGrant.objects.filter(collection=collection).delete()
    SharingGroup.objects.filter(slug=collection.alias).delete()
    collection.is_active = False
    collection.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="intel.collection.exercise_purge",
        target=collection,
        changes={"rows": deleted},
        summary=f"{deleted} row(s) of the exercise collection deleted",
    )
    return deleted


@transaction.atomic
def collection_grant_set(
    *,
    actor: Actor,
    collection: Collection,
    organisation: Organisation | None = None,
    group: SharingGroup | None = None,
    can_read: bool,
    can_write: bool,
) -> CollectionGrant | None:
    """Sets one grantee's access; both flags false removes the grant."""
    selectors.require_manage(actor, collection)
    if (organisation is None) == (group is None):
        raise ValidationFailed(_("Grant access to one organisation or one sharing group."))
    lookup = {"collection": collection, "organisation": organisation, "group": group}
    grantee = str(organisation or group)
    if not can_read and not can_write:
        CollectionGrant.objects.filter(**lookup).delete()
        audit.record(actor=actor, action="intel.collection.revoke", target=collection, summary=grantee)
        return None
    grant, _created = CollectionGrant.objects.update_or_create(
        collection=collection,
        organisation=organisation,
        group=group,
        defaults={"can_read": can_read, "can_write": can_write},
    )
    audit.record(
        actor=actor,
        action="intel.collection.grant",
        target=collection,
        changes={"grantee": grantee, "can_read": can_read, "can_write": can_write},
        summary=f"{grantee}: {'read' if can_read else ''}{'+write' if can_write else ''}",
    )
    return grant


@transaction.atomic
def collection_red_recipients_set(*, actor: Actor, collection: Collection, users: Iterable[User]) -> None:
    selectors.require_manage(actor, collection)
    people = list(users)
    collection.red_recipients.set(people)
    audit.record(
        actor=actor,
        action="intel.collection.red_recipients",
        target=collection,
        changes={"users": sorted(person.pk for person in people)},
    )


@transaction.atomic
def sharing_group_create(
    *, actor: Actor, slug: str, name: str, organisations: Iterable[Organisation], description: str = ""
) -> SharingGroup:
    access.require(actor, *INTEL_MANAGE_ROLES)
    if SharingGroup.objects.filter(slug=slug).exists():
        raise ValidationFailed(
            _("A sharing group with the short code “%(slug)s” already exists.") % {"slug": slug}
        )
    group = SharingGroup.objects.create(slug=slug, name=name, description=description)
    members = list(organisations)
    group.organisations.set(members)
    audit.record(
        actor=actor,
        action="intel.group.create",
        target=group,
        changes={"slug": slug, "organisations": sorted(org.pk for org in members)},
    )
    return group


# --- Authoring from the UI and the REST API: every version still goes through objects_add -------------

MAX_NAME = 250
MAX_DESCRIPTION = 10_000
MAX_LABEL = 100
MAX_LABELS = 20
MAX_PATTERN = 4_000
MAX_REPORT_REFS = 1_000

# Simple indicator values: the form's choice -> (STIX object path, kind the matcher canonicalises).
VALUE_TYPES: dict[str, tuple[str, str]] = {
    "ipv4-addr": ("ipv4-addr:value", "address"),
    "ipv6-addr": ("ipv6-addr:value", "address"),
    "domain-name": ("domain-name:value", "domain"),
    "url": ("url:value", "url"),
    "email-addr": ("email-addr:value", "email"),
    "file:md5": ("file:hashes.MD5", "hash"),
    "file:sha1": ("file:hashes.'SHA-1'", "hash"),
    "file:sha256": ("file:hashes.'SHA-256'", "hash"),
}
_HASH_LENGTHS = {"file:md5": 32, "file:sha1": 40, "file:sha256": 64}


def pattern_for_value(*, value_type: str, value: str) -> str:
    """A one-comparison STIX pattern for a single observable, e.g. [ipv4-addr:value = '192.0.2.1'].

    A defanged value is refanged first, as imports and search do.
    """
    from ipaddress import IPv4Network, IPv6Network, ip_network

    from lionrock.matcher.patterns import classify_value
    from lionrock.matcher.refang import refang

    if value_type not in VALUE_TYPES:
        raise ValidationFailed(_("Choose the kind of value from the list."))
    path, kind = VALUE_TYPES[value_type]
    # Pasted from a report or feed, a value is often defanged (203.0.113[.]77, hxxps://x[.]example):
    # stored live, as search and import store it, or the indicator would never match.
    text = refang(value)
    valid = bool(text) and classify_value(kind, text) is not None
    if valid and kind == "address":
        try:
            network = ip_network(text, strict=False)
        except ValueError:
            valid = False
        else:
            wanted = IPv4Network if value_type == "ipv4-addr" else IPv6Network
            valid = isinstance(network, wanted)
    if valid and value_type in _HASH_LENGTHS:
        valid = len(text) == _HASH_LENGTHS[value_type]
    if not valid:
        raise ValidationFailed(
            _("“%(value)s” is not a valid %(kind)s.") % {"value": text[:100], "kind": value_type}
        )
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"[{path} = '{escaped}']"


def stix_timestamp(moment: datetime) -> str:
    """STIX form with milliseconds, in UTC: 2026-11-25T08:30:00.123Z."""
    from datetime import UTC

    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _next_modified(previous: datetime | None) -> str:
    """Now, or just after the previous version when that one is dated in the future."""
    moment = timezone.now()
    now = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if previous is not None:
        floor = previous.replace(microsecond=previous.microsecond // 1000 * 1000) + timedelta(milliseconds=1)
        now = max(now, floor)
    return stix_timestamp(now)


@dataclass
class IndicatorDraft:
    """What an analyst types for an indicator; the pattern is already built when a value was given."""

    name: str
    pattern: str
    valid_from: datetime
    description: str = ""
    valid_until: datetime | None = None
    labels: list[str] = field(default_factory=list)
    confidence: int | None = None
    tlp: Tlp | None = None


@dataclass
class ReportDraft:
    name: str
    published: datetime
    object_refs: list[str]
    description: str = ""
    labels: list[str] = field(default_factory=list)
    tlp: Tlp | None = None


def _check_text(*, name: str, description: str, labels: Sequence[str]) -> None:
    if not name.strip():
        raise ValidationFailed(_("Give it a name."))
    if len(name) > MAX_NAME:
        raise ValidationFailed(_("The name is longer than %(max)s characters.") % {"max": MAX_NAME})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            _("The description is longer than %(max)s characters.") % {"max": MAX_DESCRIPTION}
        )
    if len(labels) > MAX_LABELS:
        raise ValidationFailed(_("Use at most %(max)s labels.") % {"max": MAX_LABELS})
    for label in labels:
        if not label.strip() or len(label) > MAX_LABEL:
            raise ValidationFailed(_("Each label must be 1 to %(max)s characters long.") % {"max": MAX_LABEL})


def _check_recipients(
    tlp: Tlp | None, collection: Collection, organisations: Sequence[Organisation], users: Sequence[User]
) -> None:
    level = tlp or Tlp(collection.default_tlp)
    if organisations and level != Tlp.AMBER_STRICT:
        raise ValidationFailed(_("Recipient organisations can only be named for TLP:AMBER+STRICT."))
    if users and level != Tlp.RED:
        raise ValidationFailed(_("Recipient people can only be named for TLP:RED."))


def _apply_common(data: dict[str, Any], *, description: str, labels: Sequence[str], tlp: Tlp | None) -> None:
    if description.strip():
        data["description"] = description.strip()
    else:
        data.pop("description", None)
    cleaned = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    if cleaned:
        data["labels"] = cleaned
    else:
        data.pop("labels", None)
    if tlp is not None:
        others = [
            ref
            for ref in data.get("object_marking_refs") or []
            if isinstance(ref, str) and ref not in KNOWN_MARKING_IDS
        ]
        data["object_marking_refs"] = [MARKING_ID_FOR[tlp], *others]


def _indicator_fill(data: dict[str, Any], draft: IndicatorDraft) -> None:
    _check_text(name=draft.name, description=draft.description, labels=draft.labels)
    if not draft.pattern.strip():
        raise ValidationFailed(_("Give a STIX pattern, or a value and its kind."))
    if len(draft.pattern) > MAX_PATTERN:
        raise ValidationFailed(_("The pattern is longer than %(max)s characters.") % {"max": MAX_PATTERN})
    if draft.confidence is not None and not 0 <= draft.confidence <= 100:
        raise ValidationFailed(_("Confidence is a number from 0 to 100."))
    data.update(
        name=draft.name.strip(),
        pattern=draft.pattern.strip(),
        pattern_type="stix",
        valid_from=stix_timestamp(draft.valid_from),
    )
    if draft.valid_until is not None:
        data["valid_until"] = stix_timestamp(draft.valid_until)
    else:
        data.pop("valid_until", None)
    if draft.confidence is not None:
        data["confidence"] = draft.confidence
    else:
        data.pop("confidence", None)
    _apply_common(data, description=draft.description, labels=draft.labels, tlp=draft.tlp)


def _store_one(
    *,
    actor: Actor,
    collection: Collection,
    data: dict[str, Any],
    source: str,
    organisations: Sequence[Organisation],
    users: Sequence[User],
) -> StixObject:
    outcome = objects_add(
        actor=actor,
        collection=collection,
        objects=[data],
        source=source,
        recipient_organisations=organisations,
        recipient_users=users,
    )
    if not outcome.added:
        raise ValidationFailed(_("This version is already stored."))
    return outcome.added[0]


def indicator_create(
    *,
    actor: Actor,
    collection: Collection,
    draft: IndicatorDraft,
    recipient_organisations: Sequence[Organisation] = (),
    recipient_users: Sequence[User] = (),
    source: str = "ui",
) -> StixObject:
    """A new indicator in a writable collection; refusals (bad pattern, TLP too strict) store nothing."""
    import uuid

    _check_recipients(draft.tlp, collection, recipient_organisations, recipient_users)
    stamp = _next_modified(None)
    data: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
    }
    _indicator_fill(data, draft)
    return _store_one(
        actor=actor,
        collection=collection,
        data=data,
        source=source,
        organisations=recipient_organisations,
        users=recipient_users,
    )


def _editable_latest(actor: Actor, stix_id: str) -> tuple[StixObject, dict[str, Any]]:
    current = selectors.stix_object_get(actor=actor, stix_id=stix_id)
    if not selectors.object_editable(actor=actor, obj=current):
        raise NotFound(stix_id)
    return current, json.loads(current.raw)


@transaction.atomic
def indicator_update(
    *,
    actor: Actor,
    stix_id: str,
    draft: IndicatorDraft,
    recipient_organisations: Sequence[Organisation] = (),
    recipient_users: Sequence[User] = (),
    source: str = "ui",
) -> StixObject:
    """A new version of an indicator (same id, later modified) in its collection; other properties kept."""
    current, data = _editable_latest(actor, stix_id)
    if current.type != "indicator":
        raise NotFound(stix_id)
    _check_recipients(draft.tlp, current.collection, recipient_organisations, recipient_users)
    data["modified"] = _next_modified(current.modified)
    data.pop("revoked", None)
    _indicator_fill(data, draft)
    return _store_one(
        actor=actor,
        collection=current.collection,
        data=data,
        source=source,
        organisations=recipient_organisations,
        users=recipient_users,
    )


@transaction.atomic
def report_create(
    *,
    actor: Actor,
    collection: Collection,
    draft: ReportDraft,
    recipient_organisations: Sequence[Organisation] = (),
    recipient_users: Sequence[User] = (),
    source: str = "ui",
) -> StixObject:
    """A report citing objects the author can see; ids the author cannot see are refused as unknown."""
    import uuid

    _check_text(name=draft.name, description=draft.description, labels=draft.labels)
    refs = list(dict.fromkeys(ref.strip() for ref in draft.object_refs if ref.strip()))
    if not refs:
        raise ValidationFailed(_("Choose at least one object for the report."))
    if len(refs) > MAX_REPORT_REFS:
        raise ValidationFailed(_("A report may cite at most %(max)s objects.") % {"max": MAX_REPORT_REFS})
    known = selectors.stix_objects_latest(actor=actor, stix_ids=refs)
    unknown = [ref for ref in refs if ref not in known]
    if unknown:
        raise ValidationFailed(_("These objects are unknown: %(ids)s") % {"ids": ", ".join(unknown[:5])})
    _check_recipients(draft.tlp, collection, recipient_organisations, recipient_users)
    stamp = _next_modified(None)
    data: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "name": draft.name.strip(),
        "published": stix_timestamp(draft.published),
        "object_refs": refs,
    }
    _apply_common(data, description=draft.description, labels=draft.labels, tlp=draft.tlp)
    return _store_one(
        actor=actor,
        collection=collection,
        data=data,
        source=source,
        organisations=recipient_organisations,
        users=recipient_users,
    )


@transaction.atomic
def object_revoke(*, actor: Actor, stix_id: str, source: str = "ui") -> StixObject:
    """A new version marked revoked: true; consumers drop it, the history stays."""
    current, data = _editable_latest(actor, stix_id)
    if data.get("revoked") is True:
        raise ValidationFailed(_("This object is already revoked."))
    organisations, users = selectors.object_recipients(actor=actor, obj=current)
    data["modified"] = _next_modified(current.modified)
    data["revoked"] = True
    return _store_one(
        actor=actor,
        collection=current.collection,
        data=data,
        source=source,
        organisations=organisations,
        users=users,
    )
