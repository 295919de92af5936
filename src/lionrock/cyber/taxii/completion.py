"""Completing a posted envelope's status in the worker: storing its objects through intel and recording
each one's fate.

``services.envelope_post`` records the pending status and queues ``tasks.status_complete``, which runs
``status_complete`` here.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import ApiToken
from lionrock.core.errors import ValidationFailed
from lionrock.core.jobs.workers import worker_label
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.validation import ObjectError, parse_timestamp
from lionrock.cyber.taxii.models import Status

log = logging.getLogger(__name__)


def _version_of(obj: Any) -> str:
    """The version a status detail names: modified, else created, as the object itself wrote it."""
    if isinstance(obj, dict):
        for prop in ("modified", "created"):
            if isinstance(obj.get(prop), str):
                return str(obj[prop])
    return ""


def _id_of(obj: Any, index: int) -> str:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str) and obj["id"]:
        return str(obj["id"])
    return f"(object {index})"


def detail(obj: Any, index: int, message: str = "") -> dict[str, str]:
    detail = {"id": _id_of(obj, index)}
    version = _version_of(obj)
    if version:
        detail["version"] = version
    if message:
        detail["message"] = message
    return detail


def _worker_actor(status: Status) -> Actor | None:
    """The poster as they are now: a token revoked or expired since the POST no longer writes."""
    token = status.token
    if token is None:
        return None
    token = ApiToken.objects.select_related("user", "organisation").get(pk=token.pk)
    if not token.is_usable(timezone.now()) or not token.user.is_active or not token.organisation.is_active:
        return None
    return access.actor_for_token(token)


def _outcome_details(
    objects: list[Any], outcome: intel_services.AddOutcome
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Per-object successes and failures, in the envelope's order, from objects_add's outcome.

    A stored object and an accepted exact duplicate are both successes; the message tells them apart.
    Versions are compared as timestamps only for the rare id that was both stored and duplicated.
    """
    failed: dict[int, list[ObjectError]] = {}
    for error in outcome.failures:
        failed.setdefault(error.index, []).append(error)
    stored_ids: Counter[str] = Counter(row.stix_id for row in outcome.added)
    duplicated = set(outcome.duplicates)
    stored_versions = Counter(
        (row.stix_id, row.modified) for row in outcome.added if row.stix_id in duplicated
    )
    successes: list[dict[str, str]] = []
    failures: list[dict[str, str]] = []
    for index, obj in enumerate(objects):
        if index in failed:
            message = "; ".join(
                f"{error.property}: {error.message}" if error.property else error.message
                for error in failed[index]
            )
            failures.append(detail(obj, index, message))
            continue
        stix_id = _id_of(obj, index)
        was_stored = stored_ids[stix_id] > 0
        if was_stored and stix_id in duplicated:
            try:
                key = (stix_id, parse_timestamp(_version_of(obj)))
            except ValueError:
                key = None
            was_stored = key is not None and stored_versions[key] > 0
            if was_stored and key is not None:
                stored_versions[key] -= 1
        if was_stored:
            stored_ids[stix_id] -= 1
            successes.append(detail(obj, index, outcome.notes.get(index, "")))
        else:
            successes.append(detail(obj, index, _("already stored; identical copy accepted")))
    return successes, failures


def status_claim(*, status_id: str) -> bool:
    """Records this worker on a pending status, committed before the store starts; False if not pending.

    A worker killed while storing has its store rolled back; its name left on the status is how the
    sweep (``status_requeue``) knows the upload has no worker any more.
    """
    rows = Status.objects.filter(pk=status_id, status=Status.State.PENDING)
    claimed = bool(rows.update(worker=worker_label(), worker_seen_at=timezone.now()))
    if claimed:
        log.info("TAXII upload %s: this worker stores it", status_id)
    return claimed


def status_requeue(*, status_id: str, worker: str) -> bool:
    """Clears a lost worker from a pending status before it is queued again; False if that changed.

    Conditional on the worker the sweep saw, so each lost upload is queued again once, not every minute.
    """
    rows = Status.objects.filter(pk=status_id, status=Status.State.PENDING, worker=worker)
    return bool(rows.update(worker="", worker_seen_at=timezone.now()))


class _AlreadyComplete(Exception):
    """Another worker completed the status first: this store is rolled back."""


# SQLite has one writer for the whole file. Uploads are stored one at a time per worker process, each
# reading and checking its envelope before it takes the write lock: the web process's own writes (the
# status of the next POST) get the lock in that gap instead of waiting behind store after store.
_sqlite_uploads = threading.Lock()


@contextmanager
def upload_turn() -> Iterator[None]:
    """Held around claiming and storing one upload; on PostgreSQL uploads run side by side."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with _sqlite_uploads:
        yield


def _status_finish(status_id: str, successes: list[dict[str, str]], failures: list[dict[str, str]]) -> Status:
    """Records each object's fate on the still-pending status (in the caller's transaction)."""
    # The status row only: FOR UPDATE on a joined collection row would block other uploads' commits.
    status = Status.objects.select_for_update(of=("self",)).get(pk=status_id)
    if status.status == Status.State.COMPLETE:
        raise _AlreadyComplete
    status.successes = successes
    status.failures = failures
    status.success_count = len(successes)
    status.failure_count = len(failures)
    status.pending_count = 0
    status.status = Status.State.COMPLETE
    status.completed_at = timezone.now()
    status.payload = ""
    status.save()
    return status


def _status_fail(status_id: str, objects: list[Any], message: str) -> Status:
    """Completes the status with every object failed for the same reason."""
    failures = [detail(obj, index, message) for index, obj in enumerate(objects)]
    try:
        with transaction.atomic():
            return _status_finish(status_id, [], failures)
    except _AlreadyComplete:
        return Status.objects.get(pk=status_id)


def status_complete(*, status_id: str, objects: list[Any] | None = None) -> Status:
    """Stores a pending status's objects through intel and records each one's fate (run by the worker).

    The envelope is read and its objects checked before the write transaction; the objects are stored
    and the status completed in one transaction, so an upload is stored once even if two workers take
    it. `objects` spares parsing the envelope when the POST runs the work itself.
    """
    status = Status.objects.select_related("collection").get(pk=status_id)
    if status.status == Status.State.COMPLETE:
        return status
    if objects is None:
        objects = envelope_objects(status.payload)
    actor = _worker_actor(status)
    if actor is None:
        return _status_fail(status_id, objects, _("the token used for this upload is no longer valid"))
    completed: list[Status] = []

    def record(outcome: intel_services.AddOutcome) -> None:
        successes, failures = _outcome_details(objects, outcome)
        completed.append(_status_finish(status_id, successes, failures))

    try:
        intel_services.objects_add(
            actor=actor,
            collection=status.collection,
            objects=objects,
            source="taxii",
            all_or_nothing=False,
            then=record,
        )
    except _AlreadyComplete:
        return Status.objects.get(pk=status_id)
    except NotFound:
        return _status_fail(status_id, objects, _("you may no longer write to this collection"))
    except ValidationFailed as refusal:
        # A refusal of a store check (a drill that has ended): said as it is.
        return _status_fail(status_id, objects, str(refusal))
    except Exception:
        log.exception("TAXII status %s: storing the objects failed", status_id)
        return _status_fail(status_id, objects, _("the server could not store this object; try again later"))
    return completed[0]


def envelope_objects(payload: str) -> list[Any]:
    """The objects of an envelope as the POST accepted it (a JSON object with an "objects" list)."""
    objects = json.loads(payload)["objects"]
    return objects if isinstance(objects, list) else []


def pendings_of(status: Status, objects: list[Any] | None = None) -> list[dict[str, str]]:
    """The objects of a pending status not yet among its successes or failures, in the envelope's order.

    Derived from the envelope itself rather than stored per object; `objects` spares parsing it again.
    """
    if status.status == Status.State.COMPLETE or status.pending_count == 0:
        return []
    if objects is None:
        if not status.payload:
            return []
        objects = envelope_objects(status.payload)
    done: Counter[tuple[str, str]] = Counter(
        (entry.get("id", ""), entry.get("version", "")) for entry in (*status.successes, *status.failures)
    )
    pendings: list[dict[str, str]] = []
    for index, obj in enumerate(objects):
        entry = detail(obj, index)
        key = (entry["id"], entry.get("version", ""))
        if done[key] > 0:
            done[key] -= 1
            continue
        pendings.append(entry)
    return pendings


# The pendings of the last statuses read while nothing of their upload was done yet, as JSON text: a
# client polling a pending status is answered without parsing and encoding its envelope again. An
# envelope never changes while pending; a status with successes or failures is derived afresh.
_PENDINGS_KEPT = 32
_pendings_json: OrderedDict[str, str] = OrderedDict()
_pendings_lock = threading.Lock()


def pendings_json(status: Status, objects: list[Any] | None = None) -> str:
    """`pendings_of` as a JSON list (compact, as the TAXII views write), or "" when there are none."""
    if status.status == Status.State.COMPLETE or status.pending_count == 0:
        return ""
    untouched = not status.successes and not status.failures
    key = str(status.pk)
    if untouched:
        with _pendings_lock:
            known = _pendings_json.get(key)
            if known is not None:
                _pendings_json.move_to_end(key)
                return known
    pendings = pendings_of(status, objects)
    text = json.dumps(pendings, ensure_ascii=False, separators=(",", ":")) if pendings else ""
    if untouched:
        with _pendings_lock:
            _pendings_json[key] = text
            while len(_pendings_json) > _PENDINGS_KEPT:
                _pendings_json.popitem(last=False)
    return text
