"""TAXII reads: every object comes through intel's selectors, so TLP and grants are decided there, once.

Pages are keyset-paginated on (date_added, pk) and fetch only `limit + 1` rows, so a page costs the same
few queries and the same memory at the start or the end of a collection of any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.jobs.workers import worker_gone
from lionrock.cyber.intel import selectors as intel
from lionrock.cyber.intel.models import Collection, StixObject
from lionrock.cyber.taxii.models import Status
from lionrock.cyber.taxii.protocol import Query, cursor_make


def api_root_usable(*, actor: Actor) -> bool:
    """The one API root is the caller's when it may read or contribute intelligence anywhere."""
    return bool(intel.intel_organisations(actor) or intel.intel_organisations(actor, write=True))


@dataclass(frozen=True)
class CollectionRights:
    collection: Collection
    can_read: bool
    can_write: bool


def collections_listed(*, actor: Actor) -> list[CollectionRights]:
    """Every collection the caller may know about (readable or writable) with its rights, in title order."""
    readable = intel.collection_ids_readable(actor)
    writable = intel.collection_ids_writable(actor)
    return [
        CollectionRights(collection, collection.id in readable, collection.id in writable)
        for collection in Collection.objects.filter(id__in=readable | writable).order_by("title", "id")
    ]


def collection_rights_get(*, actor: Actor, collection_id: str) -> CollectionRights:
    """A collection by its UUID with the caller's rights; unknown and not-known-to-you both raise NotFound."""
    found = intel.collection_access_get(actor=actor, key=collection_id)
    if str(found.collection.id) != collection_id:
        raise NotFound  # TAXII names collections by id only; short codes are for people
    return CollectionRights(found.collection, found.can_read, found.can_write)


def _version_q(query: Query, collection: Collection) -> Q | None:
    """match[version]: last (the collection's newest), first, explicit timestamps, or all (no filter)."""
    if "all" in query.versions:
        return None
    clauses = Q(pk__in=[])
    if "last" in query.versions:
        clauses |= Q(is_latest=True)
    if "first" in query.versions:
        earlier = StixObject.objects.filter(
            collection=collection, stix_id=OuterRef("stix_id"), modified__lt=OuterRef("modified")
        )
        clauses |= Q(~Exists(earlier))
    if query.version_times:
        clauses |= Q(modified__in=query.version_times)
    return clauses


def _filtered(
    *, actor: Actor, collection: Collection, query: Query, stix_id: str | None
) -> QuerySet[StixObject]:
    # The caller has checked read access with the collection's rights (one lookup per request, not two).
    rows = intel.stix_objects_visible(actor=actor, within=collection)
    if stix_id is not None:
        rows = rows.filter(stix_id=stix_id)
    if query.ids:
        rows = rows.filter(stix_id__in=query.ids)
    if query.types:
        rows = rows.filter(type__in=query.types)
    if query.spec_versions:
        rows = rows.filter(spec_version__in=query.spec_versions)
    versions = _version_q(query, collection)
    if versions is not None:
        rows = rows.filter(versions)
    if query.added_after is not None:
        rows = rows.filter(date_added__gt=query.added_after)
    if query.after is not None:
        moment, pk = query.after
        # Written as a range plus a tie-break so the database walks its date_added index from there.
        rows = rows.filter(Q(date_added__gt=moment) | Q(pk__gt=pk), date_added__gte=moment)
    return rows


@dataclass(frozen=True)
class Page:
    """One page of rows in ascending date_added, with what the client needs to ask for the next one."""

    rows: list[tuple[Any, ...]]
    more: bool
    next: str | None
    first_added: datetime | None
    last_added: datetime | None


def rows_page(
    *,
    actor: Actor,
    collection: Collection,
    query: Query,
    fields: tuple[str, ...],
    stix_id: str | None = None,
) -> Page:
    """`fields` of the visible rows matching the query, oldest first; each row ends with date_added, pk.

    One query for the rows, whatever the page size: values_list, no model instances, no per-row lookups.
    """
    rows = list(
        _filtered(actor=actor, collection=collection, query=query, stix_id=stix_id)
        .order_by("date_added", "pk")
        .values_list(*fields, "date_added", "pk")[: query.limit + 1]
    )
    more = len(rows) > query.limit
    del rows[query.limit :]
    token = cursor_make(query.binding, rows[-1][-2], rows[-1][-1]) if more else None
    return Page(
        rows=rows,
        more=more,
        next=token,
        first_added=rows[0][-2] if rows else None,
        last_added=rows[-1][-2] if rows else None,
    )


def object_exists(*, actor: Actor, collection: Collection, stix_id: str) -> bool:
    """Whether any version of the object is visible to the caller here (to tell 404 from an empty page)."""
    return intel.stix_objects_visible(actor=actor, within=collection).filter(stix_id=stix_id).exists()


def object_versions_matching(
    *, actor: Actor, collection: Collection, stix_id: str, query: Query
) -> list[datetime]:
    """The modified timestamps of the visible versions a DELETE with these filters would remove."""
    return list(
        _filtered(actor=actor, collection=collection, query=query, stix_id=stix_id).values_list(
            "modified", flat=True
        )
    )


def status_get(*, actor: Actor, status_id: str) -> Status:
    """A status resource, for the person who posted the envelope only."""
    if actor.user is None:
        raise NotFound
    # The envelope (read only to derive a pending status's pendings, and then once) is loaded if needed.
    status = Status.objects.filter(pk=status_id, user_id=actor.user.pk).defer("payload").first()
    if status is None:
        raise NotFound
    return status


def statuses_stalled(*, older_than: timedelta) -> list[tuple[str, str]]:
    """Uploads still pending whose worker is gone: (id, worker) pairs, oldest first.

    Gone means a worker process on this machine that no longer exists, or no word for `older_than`
    since the upload was posted, taken by a worker or last queued again (a worker elsewhere, or a task
    lost from the queue). For the worker's own sweep, not for an actor: no rights are involved.
    """
    cutoff = timezone.now() - older_than
    rows = Status.objects.filter(status=Status.State.PENDING).order_by("request_timestamp")
    stalled: list[tuple[str, str]] = []
    for pk, worker, seen, posted in rows.values_list("pk", "worker", "worker_seen_at", "request_timestamp"):
        if (worker and worker_gone(worker)) or (seen or posted) < cutoff:
            stalled.append((str(pk), worker))
    return stalled
