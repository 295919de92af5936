"""Completing a posted envelope's status in the worker: storing its objects through intel and recording
each one's fate.

``services.envelope_post`` records the pending status and queues ``tasks.status_complete``, which runs
``status_complete`` here.
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


def status_complete(*, status_id: str, objects: list[Any] | None = None) -> Status:
    """Stores a pending status's objects through intel and records each one's fate (run by the worker).

    `objects` spares a second parse of the envelope when the POST runs the work itself.
    """
    with transaction.atomic():
        # The status row only: FOR UPDATE on the joined collection row too would block every other
        # upload's commit (its foreign-key check takes KEY SHARE on that row) while this store holds it,
        # and deadlock on PostgreSQL with the audit chain's lock, which that upload already holds.
        status = Status.objects.select_for_update(of=("self",)).select_related("collection").get(pk=status_id)
        if status.status == Status.State.COMPLETE:
            return status
        if objects is None:
            objects = json.loads(status.payload)["objects"]
        actor = _worker_actor(status)
        successes: list[dict[str, str]] = []
        failures: list[dict[str, str]] = []
        if actor is None:
            message = _("the token used for this upload is no longer valid")
            failures = [detail(obj, index, message) for index, obj in enumerate(objects)]
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
                failures = [detail(obj, index, message) for index, obj in enumerate(objects)]
            except ValidationFailed as refusal:
                # A refusal of a store check (a drill that has ended): said as it is.
                failures = [detail(obj, index, str(refusal)) for index, obj in enumerate(objects)]
            except Exception:
                log.exception("TAXII status %s: storing the objects failed", status_id)
                message = _("the server could not store this object; try again later")
                failures = [detail(obj, index, message) for index, obj in enumerate(objects)]
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
