"""The one path every object version takes into the store (TAXII, REST, UI, every importer), and deletion."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors, signals
from lionrock.cyber.intel.columns import columns_of, labels_of, refs_of
from lionrock.cyber.intel.correlation import value_key, values_of
from lionrock.cyber.intel.models import (
    Collection,
    ObjectLabel,
    ObjectRecipient,
    ObjectReference,
    ObservableValue,
    StixObject,
)
from lionrock.cyber.intel.services.bulk import collection_lock, rows_insert
from lionrock.cyber.intel.store_checks import store_checks_run
from lionrock.cyber.intel.tlp import (
    KNOWN_MARKING_IDS,
    MARKING_ID_FOR,
    RANK,
    Tlp,
    tlp_of_marking_definition,
    tlp_of_object,
)
from lionrock.cyber.intel.validation import MAX_OBJECT_BYTES, ObjectError, object_errors, parse_timestamp

__all__ = [
    "ONE_MICROSECOND",
    "AddOutcome",
    "StixRejected",
    "exercise_objects_add",
    "object_delete",
    "objects_add",
]


ONE_MICROSECOND = timedelta(microseconds=1)
# What a drill team may share in an exercise collection: only the white cell and named recipients see it.
_EXERCISE_TLPS = (Tlp.AMBER_STRICT, Tlp.RED)


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


@dataclass(slots=True)
class _Candidate:
    """An object that passed validation, with everything about it that needs no database."""

    index: int
    obj: dict[str, Any]
    row: StixObject
    values: list[tuple[str, str, str]]  # (kind, value, correlation key)
    labels: list[str]
    refs: list[str]


_ROW_FIELDS = tuple(StixObject._meta.concrete_fields)
_ROW_COLLECTION = StixObject._meta.get_field("collection")
_ROW_USER = StixObject._meta.get_field("created_by_user")


def _stix_row(values: dict[str, Any], collection: Collection, user: User | None) -> StixObject:
    """A new row from column values (by attname), made positionally: a quarter of Model(**kwargs)'s cost.

    The collection and user are attached as keyword construction would attach them; a column not given
    takes its field's default.
    """
    row = StixObject(
        *[values[field.attname] if field.attname in values else field.get_default() for field in _ROW_FIELDS]
    )
    _ROW_COLLECTION.set_cached_value(row, collection)
    if user is not None:
        _ROW_USER.set_cached_value(row, user)
    return row


def _canonical(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


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
    then: Callable[[AddOutcome], None] | None = None,
) -> AddOutcome:
    """Validates and stores objects in one transaction.

    With all_or_nothing (uploads, imports, the REST API) one bad object refuses the whole request;
    without it (TAXII POST, which is atomic per object) good objects are stored and bad ones reported.
    `then` runs inside the store's transaction once the rows are written, so what it records (a TAXII
    upload's status) commits or rolls back with them; an exception from it undoes the store.
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
        then=then,
    )


def exercise_objects_add(
    *,
    actor: Actor,
    collection: Collection,
    objects: Sequence[Any],
    recipient_organisations: Iterable[Organisation] = (),
) -> AddOutcome:
    """Stores a drill's planted objects (canary indicators, notes) in its exercise collection, all or nothing.

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
        then=None,
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
    then: Callable[[AddOutcome], None] | None,
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

    # Everything that depends on the object alone (its stored JSON text, columns, correlation values,
    # labels, references, the row itself) is worked out before the write transaction, so the database's
    # write lock (SQLite has one for the whole file) is held only for the lookups and the inserts.
    candidates: list[_Candidate] = []
    user = actor.user
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
        if collection.is_exercise and org_id != collection.owner_id and level not in _EXERCISE_TLPS:
            # A team's evidence in a drill stays between the team and the white cell.
            raise ValidationFailed(
                _(
                    "In an exercise collection share as TLP:AMBER+STRICT or TLP:RED, so other teams "
                    "never see it."
                )
            )
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
        created = _timestamp(obj["created"]) if "created" in obj else None
        modified = _timestamp(obj["modified"]) if "modified" in obj else created
        now = timezone.now()
        row = _stix_row(
            {
                "collection_id": collection.pk,
                "stix_id": obj["id"],
                "type": obj["type"],
                "spec_version": obj.get("spec_version", "2.1"),
                "created": created or now,
                "modified": modified or now,
                "revoked": bool(obj.get("revoked", False)),
                "tlp": level,
                "created_by_org_id": org_id,
                "created_by_user_id": user.pk if user is not None else None,
                "source": source[:40],
                "raw": raw,
                **columns_of(obj),
            },
            collection,
            user,
        )
        values = [(kind, value, value_key(kind, value)) for kind, value in values_of(obj)]
        candidates.append(_Candidate(index, obj, row, values, labels_of(obj), refs_of(obj)))

    if outcome.failures and all_or_nothing:
        raise StixRejected(outcome.failures)
    if candidates:
        store_checks_run(collection=collection, organisation_id=org_id)

    with transaction.atomic():
        collection_lock(collection)
        ids = {candidate.row.stix_id for candidate in candidates}
        existing: dict[tuple[str, datetime], str] = {}
        latest: dict[str, datetime] = {}
        latest_pk: dict[str, int] = {}
        # By id alone, other collections' versions skipped here: asked for the collection as well, SQLite's
        # planner may prefer an index led by the collection for a thousand ids and read the whole
        # collection instead of the thousand entries of the index led by the id.
        for pk, collection_id, stix_id, modified, raw, is_latest in StixObject.objects.filter(
            stix_id__in=ids
        ).values_list("pk", "collection_id", "stix_id", "modified", "raw", "is_latest"):
            if collection_id != collection.pk:
                continue
            existing[(stix_id, modified)] = raw
            if is_latest:
                latest[stix_id] = modified
                latest_pk[stix_id] = pk

        rows: list[StixObject] = []
        row_values: list[list[tuple[str, str, str]]] = []
        row_labels: list[list[str]] = []
        row_refs: list[list[str]] = []
        last = StixObject.objects.filter(collection=collection).aggregate(last=Max("date_added"))["last"]
        stamp = timezone.now()
        if last is not None and stamp <= last:
            stamp = last + ONE_MICROSECOND
        demote: set[str] = set()
        latest_row: dict[str, StixObject] = {}
        for candidate in candidates:
            row, obj = candidate.row, candidate.obj
            stix_id, modified = row.stix_id, row.modified
            known = existing.get((stix_id, modified))
            if known is not None:
                if json.loads(known) == obj:
                    outcome.duplicates.append(stix_id)
                else:
                    outcome.failures.append(
                        ObjectError(
                            candidate.index,
                            stix_id,
                            "modified",
                            _("a different object with this id and modified timestamp already exists"),
                        )
                    )
                continue
            existing[(stix_id, modified)] = row.raw
            is_latest = stix_id not in latest or modified > latest[stix_id]
            if is_latest:
                if stix_id in latest:
                    demote.add(stix_id)
                # Only one row per id is latest at a time: a dict, not a scan of every row so far.
                superseded = latest_row.get(stix_id)
                if superseded is not None:
                    superseded.is_latest = False
                latest[stix_id] = modified
                latest_row[stix_id] = row
            row.is_latest = is_latest
            row.date_added = stamp
            rows.append(row)
            row_values.append(candidate.values)
            row_labels.append(candidate.labels)
            row_refs.append(candidate.refs)
            stamp += ONE_MICROSECOND

        if outcome.failures and all_or_nothing:
            raise StixRejected(outcome.failures)
        if demote:
            # The versions read above under the collection's lock: still the latest ones.
            # (An id whose earlier version came in this same request has no stored row to demote.)
            stored = [latest_pk[stix_id] for stix_id in demote if stix_id in latest_pk]
            StixObject.objects.filter(pk__in=stored).update(is_latest=False)
        rows_insert(StixObject, rows)
        rows_insert(
            ObjectLabel,
            [
                {"stix_object_id": row.pk, "label": label, "date_added": row.date_added}
                for row, labels in zip(rows, row_labels, strict=True)
                for label in labels
            ],
        )
        rows_insert(
            ObjectReference,
            [
                {"stix_object_id": row.pk, "ref_id": ref}
                for row, refs in zip(rows, row_refs, strict=True)
                for ref in refs
            ],
        )
        rows_insert(
            ObservableValue,
            [
                {"stix_object_id": row.pk, "kind": kind, "value": value, "key": key}
                for row, values in zip(rows, row_values, strict=True)
                for kind, value, key in values
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
            transaction.on_commit(partial(_objects_added_send, rows=rows, actor=actor, collection=collection))
        if then is not None:
            then(outcome)
        if rows:
            # Last before the commit: on PostgreSQL the audit chain's lock, which every audited write
            # takes, is held from here until the commit.
            audit.record(
                actor=actor,
                action="intel.objects.add",
                target=collection,
                changes={"ids": sorted({row.stix_id for row in rows}), "source": source},
                summary=f"{len(rows)} object version(s) via {source}"
                + (f"; {len(outcome.duplicates)} duplicate(s)" if outcome.duplicates else ""),
            )
    return outcome


def _objects_added_send(*, rows: list[StixObject], actor: Actor, collection: Collection) -> None:
    """Tells the other apps once the store has committed (docs/decisions/0004-hooks-between-apps.md).

    `send_robust`: a receiver that fails is logged by Django and never stops the others; the objects
    are already stored and stay stored.
    """
    signals.objects_added.send_robust(sender=StixObject, rows=rows, actor=actor, collection=collection)


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
