"""TAXII writes: the upload status resources. Objects themselves are stored by intel's objects_add only.

A POST is answered at once with a pending status (TAXII 2.1 5.5); the worker then runs objects_add, which
is atomic per object for TAXII (all_or_nothing=False), and completes the status with what happened to each
object. Exact duplicates of stored versions count as successes, as the standard asks.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import ApiToken
from lionrock.core.accounts.roles import Scope
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.validation import ObjectError, parse_timestamp
from lionrock.cyber.taxii.models import Status
from lionrock.cyber.taxii.protocol import timestamp

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


def _detail(obj: Any, index: int, message: str = "") -> dict[str, str]:
    detail = {"id": _id_of(obj, index)}
    version = _version_of(obj)
    if version:
        detail["version"] = version
    if message:
        detail["message"] = message
    return detail


@transaction.atomic
def _status_create(*, actor: Actor, collection: Collection, payload: str, objects: list[Any]) -> Status:
    if actor.user is None:
        raise NotFound
    status = Status.objects.create(
        collection=collection,
        user=actor.user,
        token=actor.token,
        total_count=len(objects),
        pending_count=len(objects),
        pendings=[_detail(obj, index) for index, obj in enumerate(objects)],
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
    from huey.contrib.djhuey import HUEY

    from lionrock.cyber.taxii import tasks

    if HUEY.immediate:
        # Tests and benchmarks: the work happens now, on the objects already parsed.
        return status_complete(status_id=str(status.pk), objects=objects)
    if transaction.get_connection().in_atomic_block:
        # A caller's transaction is still open: the worker must not look before it commits.
        transaction.on_commit(lambda: tasks.status_complete(str(status.pk)))
    else:
        tasks.status_complete(str(status.pk))
    return status


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
            failures.append(_detail(obj, index, message))
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
            successes.append(_detail(obj, index, outcome.notes.get(index, "")))
        else:
            successes.append(_detail(obj, index, _("already stored; identical copy accepted")))
    return successes, failures


def status_complete(*, status_id: str, objects: list[Any] | None = None) -> Status:
    """Stores a pending status's objects through intel and records each one's fate (run by the worker).

    `objects` spares a second parse of the envelope when the POST runs the work itself.
    """
    with transaction.atomic():
        status = Status.objects.select_for_update().select_related("collection").get(pk=status_id)
        if status.status == Status.State.COMPLETE:
            return status
        if objects is None:
            objects = json.loads(status.payload)["objects"]
        actor = _worker_actor(status)
        successes: list[dict[str, str]] = []
        failures: list[dict[str, str]] = []
        if actor is None:
            message = _("the token used for this upload is no longer valid")
            failures = [_detail(obj, index, message) for index, obj in enumerate(objects)]
        else:
            try:
                with transaction.atomic():
                    outcome = intel_services.objects_add(
                        actor=actor,
                        collection=status.collection,
                        objects=objects,
                        source="taxii",
                        all_or_nothing=False,
                    )
            except NotFound:
                message = _("you may no longer write to this collection")
                failures = [_detail(obj, index, message) for index, obj in enumerate(objects)]
            except ValidationFailed as refusal:
                # A refusal a receiver of the store raised (a drill that has ended): said as it is.
                failures = [_detail(obj, index, str(refusal)) for index, obj in enumerate(objects)]
            except Exception:
                log.exception("TAXII status %s: storing the objects failed", status_id)
                message = _("the server could not store this object; try again later")
                failures = [_detail(obj, index, message) for index, obj in enumerate(objects)]
            else:
                successes, failures = _outcome_details(objects, outcome)
        status.successes = successes
        status.failures = failures
        status.pendings = []
        status.success_count = len(successes)
        status.failure_count = len(failures)
        status.pending_count = 0
        status.status = Status.State.COMPLETE
        status.completed_at = timezone.now()
        status.payload = ""
        status.save()
    return status


def status_resource(status: Status) -> dict[str, Any]:
    """The status resource as TAXII 2.1 4.3.1 writes it; empty detail lists are left out."""
    body: dict[str, Any] = {
        "id": str(status.id),
        "status": status.status,
        "request_timestamp": timestamp(status.request_timestamp),
        "total_count": status.total_count,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "pending_count": status.pending_count,
    }
    for name in ("successes", "failures", "pendings"):
        details = getattr(status, name)
        if details:
            body[name] = details
    return body
