"""TAXII writes: the upload status resources. Objects themselves are stored by intel's objects_add only.

A POST is answered at once with a pending status (TAXII 2.1 5.5); the worker then runs objects_add, which
is atomic per object for TAXII (all_or_nothing=False), and completes the status with what happened to each
object. Exact duplicates of stored versions count as successes, as the standard asks.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from huey.contrib.djhuey import HUEY

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Scope
from lionrock.core.audit import services as audit
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.taxii import tasks
from lionrock.cyber.taxii.completion import pendings_json, status_complete
from lionrock.cyber.taxii.models import Status
from lionrock.cyber.taxii.protocol import timestamp

log = logging.getLogger(__name__)


@transaction.atomic
def _status_create(*, actor: Actor, collection: Collection, payload: str, objects: list[Any]) -> Status:
    """The pending status: the envelope's text as it came, and its count; pendings are derived from it."""
    if actor.user is None:
        raise NotFound
    status = Status.objects.create(
        collection=collection,
        user=actor.user,
        token=actor.token,
        total_count=len(objects),
        pending_count=len(objects),
        payload=payload,
    )
    audit.record(
        actor=actor,
        action="taxii.objects.post",
        target=collection,
        changes={"status": str(status.pk), "objects": len(objects)},
        summary=f"{len(objects)} object(s) posted; status {status.pk}",
    )
    return status


def envelope_post(*, actor: Actor, collection: Collection, payload: str, objects: list[Any]) -> Status:
    """Records a posted envelope as a pending status and hands it to the worker.

    Writing needs an API token with intel:write (a browser session may only read over TAXII) and write
    access to the collection. The task is queued after the status is committed, so the worker always
    finds it; with tasks run immediately (tests, benchmarks) the status comes back already complete.
    """
    if actor.user is None or actor.token is None:
        raise NotFound
    access.require_scope(actor, Scope.INTEL_WRITE)
    if collection.pk not in intel_selectors.collection_ids_writable(actor):
        raise NotFound
    status = _status_create(actor=actor, collection=collection, payload=payload, objects=objects)
    if HUEY.immediate:
        # Tests and benchmarks: the work happens now, on the objects already parsed.
        return status_complete(status_id=str(status.pk), objects=objects)
    if transaction.get_connection().in_atomic_block:
        # A caller's transaction is still open: the worker must not look before it commits.
        transaction.on_commit(lambda: tasks.status_complete(str(status.pk)))
    else:
        tasks.status_complete(str(status.pk))
    return status


def status_resource(status: Status, objects: list[Any] | None = None) -> str:
    """The status resource as TAXII 2.1 4.3.1 writes it, as compact JSON; empty detail lists are left out.

    A pending status lists as pendings the envelope's objects not yet among its successes or failures,
    read from the stored envelope (`objects`, when the caller has them parsed already, spares that).
    """
    body: dict[str, Any] = {
        "id": str(status.id),
        "status": status.status,
        "request_timestamp": timestamp(status.request_timestamp),
        "total_count": status.total_count,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "pending_count": status.pending_count,
    }
    for name, details in (("successes", status.successes), ("failures", status.failures)):
        if details:
            body[name] = details
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    pendings = pendings_json(status, objects)
    if pendings:
        # Last in the object, as before: the cached list is spliced in rather than encoded again.
        text = text[:-1] + ',"pendings":' + pendings + "}"
    return text
