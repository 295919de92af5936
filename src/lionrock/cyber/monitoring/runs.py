"""Match runs in the worker: running the matcher over a run's logs, queuing again runs left by a dead
worker, and finding new files in watched directories.

Only the worker calls these (through ``tasks``); the requests that queue runs are in ``services``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.audit import services as audit
from lionrock.core.jobs.workers import process_alive, worker_label
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.cyber.monitoring.models import LogFile, MatchRun, Sighting, WatchedDirectory, WatchedFile

logger = logging.getLogger(__name__)

# A run is started at most this many times: a run that takes its worker down every time (a log that
# exhausts memory, say) is failed rather than passed from worker to worker for ever.
MAX_ATTEMPTS = 3


def watch_roots() -> list[Path]:
    """The folders under which operators allow directories to be watched (LIONROCK_WATCH_ROOTS)."""
    return [Path(root).resolve() for root in settings.LIONROCK_WATCH_ROOTS if root]


def _indicator_bundle(actor: Actor, path: Path, collection: Collection) -> int:
    """Writes the indicators the run's owner may see, as stored, without parsing them.

    A run reporting into a drill's exercise collection matches that exercise's indicators only.
    """
    within = collection if collection.is_exercise else None
    rows = (
        intel_selectors.stix_objects_visible(actor=actor, within=within)
        .filter(type="indicator", is_latest=True, revoked=False)
        .values_list("raw", flat=True)
    )
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type":"bundle","id":"bundle--' + str(uuid.uuid4()) + '","objects":[')
        for raw in rows.iterator(chunk_size=2000):
            out.write(("," if count else "") + raw)
            count += 1
        out.write("]}")
    return count


@dataclass
class _Tally:
    count: int
    first_seen: str
    last_seen: str


def _merge_sightings(bundle_path: Path, into: dict[str, _Tally]) -> dict[str, Any] | None:
    if not bundle_path.exists() or bundle_path.stat().st_size == 0:
        return None
    document = json.loads(bundle_path.read_text(encoding="utf-8"))
    identity = None
    for obj in document.get("objects", []):
        if obj.get("type") == "identity":
            identity = obj
        elif obj.get("type") == "sighting":
            ref = obj["sighting_of_ref"]
            first, last = obj.get("first_seen", obj["created"]), obj.get("last_seen", obj["created"])
            known = into.get(ref)
            if known is None:
                into[ref] = _Tally(int(obj.get("count", 1)), first, last)
            else:
                known.count += int(obj.get("count", 1))
                known.first_seen = min(known.first_seen, first)
                known.last_seen = max(known.last_seen, last)
    return identity


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _RunTakenOver(Exception):
    """The run was queued again (its worker taken as gone) while this worker still ran it."""


def _still_ours(run: MatchRun) -> Any:
    """The run, if this worker's claim on it still holds: progress and results are written through it."""
    return MatchRun.objects.filter(
        pk=run.pk, status=MatchRun.Status.RUNNING, worker=run.worker, attempts=run.attempts
    )


def match_run_execute(run_id: str) -> MatchRun:
    """Runs the matcher file by file (so progress shows), then stores one Sighting per indicator seen.

    Exactly once in effect, however often the run is queued: a worker claims it with one conditional
    update, writes progress only while its claim holds, and stores the Sightings and the final status in
    one transaction that first checks the claim again. A worker killed at any point leaves no Sighting;
    the run is queued again for another worker (``match_runs_orphaned_requeue``) and starts afresh.
    """
    now = timezone.now()
    label = worker_label()
    # Claimed with one conditional update, so two workers never run the same queued run.
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING,
        started_at=now,
        worker=label,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        files_done=0,
        hits=0,
    )
    run = MatchRun.objects.select_related("organisation", "requested_by", "collection").get(pk=run_id)
    if not claimed or run.worker != label:
        return run
    logger.info("match run %s: this worker runs it (attempt %d)", run.pk, run.attempts)
    try:
        return _match_run_claimed(run)
    except _RunTakenOver:
        run.refresh_from_db()
        return run


def _match_run_claimed(run: MatchRun) -> MatchRun:
    actor = actor_for_user(run.requested_by)
    tallies: dict[str, _Tally] = {}
    summaries: list[str] = []
    partial = False
    identity_name = run.organisation.name_en
    # Compiled warninglists (and each run's compiled indicators, reused for its later files) live here.
    match_cache = Path(settings.DATA_DIR) / "cache" / "match"
    with tempfile.TemporaryDirectory(prefix="lionrock-run-") as scratch:
        work = Path(scratch)
        indicators = work / "indicators.json"
        run.indicators_used = _indicator_bundle(actor, indicators, run.collection)
        if not _still_ours(run).update(indicators_used=run.indicators_used):
            raise _RunTakenOver
        for log in run.files.all():
            hits_path, sightings_path = work / f"{log.pk}.jsonl", work / f"{log.pk}.sightings.json"
            completed = subprocess.run(  # noqa: S603  (fixed program, arguments are our own paths)
                [
                    sys.executable,
                    "-m",
                    "lionrock.matcher.command",
                    "--indicators",
                    str(indicators),
                    "--jsonl",
                    str(hits_path),
                    "--sightings",
                    str(sightings_path),
                    "--identity",
                    identity_name,
                    log.path,
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONIOENCODING": "utf-8", "LIONROCK_MATCH_CACHE": str(match_cache)},
                check=False,
                timeout=settings.LIONROCK_MONITORING_RUN_TIMEOUT,
            )
            log.exit_code = completed.returncode
            log.hits = sum(1 for _ in hits_path.open(encoding="utf-8")) if hits_path.exists() else 0
            log.save(update_fields=["exit_code", "hits"])
            # The matcher exits as grep does: 0 hits, 1 none, 2 could not run, 3 a log partly unreadable.
            partial = partial or completed.returncode >= 2
            summaries.append(
                f"== {log.name} (exit {completed.returncode})\n{completed.stderr.strip()[-4000:]}"
            )
            _merge_sightings(sightings_path, tallies)
            run.files_done += 1
            run.hits += log.hits
            run.heartbeat_at = timezone.now()
            progress = {"files_done": run.files_done, "hits": run.hits, "heartbeat_at": run.heartbeat_at}
            if not _still_ours(run).update(**progress):
                raise _RunTakenOver
    run.summary = "\n\n".join(summaries)
    with transaction.atomic():
        if not list(_still_ours(run).select_for_update().values_list("pk", flat=True)):
            raise _RunTakenOver
        if tallies:
            outcome = intel_services.objects_add(
                actor=actor,
                collection=run.collection,
                objects=_sighting_objects(run, identity_name, tallies),
                source="match-run",
            )
            added = [row.pk for row in outcome.added]
            # The Sighting rows are written by the store's after-commit event (receivers.sightings_follow);
            # queued after it, this links them to the run once they exist.
            transaction.on_commit(lambda: Sighting.objects.filter(stix_object__in=added).update(run=run))
            run.sightings = len(tallies)
        run.status = MatchRun.Status.PARTIAL if partial else MatchRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["summary", "sightings", "status", "finished_at"])
        audit.record(
            actor=actor,
            action="monitoring.run.finish",
            target=run,
            summary=f"{run.hits} hit(s), {run.sightings} sighting(s), status {run.status}",
        )
    return run


def run_stale_after() -> timedelta:
    """How long a run may go without progress before it is taken as dead, wherever its worker was:
    one file may take up to the matcher's time-out, plus a margin."""
    timeout = settings.LIONROCK_MONITORING_RUN_TIMEOUT
    return timedelta(seconds=timeout) + timedelta(minutes=5)


def _orphan_reason(run: MatchRun, *, host: str, stale_before: datetime) -> str:
    """Why the run's worker is known to be gone, or "" while it may still be working."""
    worker_host, _, pid = run.worker.rpartition(":")
    if worker_host == host and pid.isdigit() and not process_alive(int(pid)):
        return f"The worker running this match (process {pid} on {host}) stopped before it finished."
    last = run.heartbeat_at or run.started_at or run.created_at
    if last < stale_before:
        where = f"process {pid} on {worker_host}" if run.worker else "an unknown worker"
        return (
            f"The worker running this match ({where}) reported no progress since "
            f"{last:%Y-%m-%d %H:%M} UTC and is taken as stopped."
        )
    return ""


def match_runs_orphaned_requeue() -> list[str]:
    """Puts back in the queue every run left "running" by a worker that is gone; returns their ids.

    A worker on this machine is gone when its process no longer exists (checked at once); a worker
    elsewhere when the run has made no progress for run_stale_after(). The queue does not hand a killed
    worker's task to another (Redis and SQLite alike), so this is what retries it: the caller queues each
    returned run, and the first worker to claim it runs it from the start. A run that has already been
    started MAX_ATTEMPTS times is failed with the reason instead. Runs at every worker start-up and every
    minute.
    """
    host = socket.gethostname()
    stale_before = timezone.now() - run_stale_after()
    again: list[str] = []
    for run in MatchRun.objects.filter(status=MatchRun.Status.RUNNING):
        reason = _orphan_reason(run, host=host, stale_before=stale_before)
        if not reason:
            continue
        gave_up = run.attempts >= MAX_ATTEMPTS
        with transaction.atomic():
            # Conditional on the same claim, so a run that finished or was taken meanwhile is left alone.
            claim = MatchRun.objects.filter(
                pk=run.pk, status=MatchRun.Status.RUNNING, worker=run.worker, attempts=run.attempts
            )
            if gave_up:
                reason += f" It was started {run.attempts} times; upload the logs again to run it again."
                changed = claim.update(
                    status=MatchRun.Status.FAILED, error=reason, finished_at=timezone.now()
                )
            else:
                reason += " It was queued again for another worker."
                changed = claim.update(status=MatchRun.Status.QUEUED, worker="", heartbeat_at=None)
            if changed:
                audit.record(
                    actor=None,
                    action="monitoring.run.fail" if gave_up else "monitoring.run.requeue",
                    target=run,
                    summary=reason,
                    outcome="failure",
                    actor_label="worker " + worker_label(),
                )
                if not gave_up:
                    again.append(str(run.pk))
    return again


def match_run_fail(run_id: str, error: str) -> None:
    MatchRun.objects.filter(pk=run_id).exclude(
        status__in=[MatchRun.Status.DONE, MatchRun.Status.PARTIAL]
    ).update(status=MatchRun.Status.FAILED, error=error[:4000], finished_at=timezone.now())


def _sighting_objects(run: MatchRun, identity_name: str, tallies: dict[str, _Tally]) -> list[dict[str, Any]]:
    from lionrock.matcher.output import identity_object

    marking = [MARKING_ID_FOR[Tlp(run.tlp)]]
    since = _stamp(run.organisation.created_at)
    identity = identity_object(identity_name, since) | {"created": since, "modified": since}
    identity["object_marking_refs"] = marking
    now = _stamp(timezone.now())
    objects: list[dict[str, Any]] = [identity]
    for ref, tally in sorted(tallies.items()):
        objects.append({
            "type": "sighting", "spec_version": "2.1", "id": f"sighting--{uuid.uuid4()}",
            "created": now, "modified": now, "sighting_of_ref": ref, "count": tally.count,
            "first_seen": tally.first_seen, "last_seen": tally.last_seen,
            "where_sighted_refs": [identity["id"]], "object_marking_refs": marking,
        })  # fmt: skip
    return objects


def watched_directories_scan() -> list[MatchRun]:
    """Makes a queued run per watched directory holding new or changed files; the files are read in place.

    Each run is committed before the next directory is looked at; the caller (the periodic task) hands
    the returned runs to the worker.
    """
    runs: list[MatchRun] = []
    roots = watch_roots()
    for directory in WatchedDirectory.objects.filter(is_active=True).select_related("created_by"):
        folder = Path(directory.path)
        if not folder.is_dir() or not any(folder == root or root in folder.parents for root in roots):
            continue
        seen = set(WatchedFile.objects.filter(directory=directory).values_list("name", "size", "mtime"))
        fresh = []
        for entry in sorted(folder.rglob("*")):
            if entry.is_file() and not entry.is_symlink():
                stat = entry.stat()
                key = (str(entry.relative_to(folder)), stat.st_size, stat.st_mtime)
                if key not in seen:
                    fresh.append((entry, key))
        with transaction.atomic():
            WatchedDirectory.objects.filter(pk=directory.pk).update(last_scan_at=timezone.now())
            if not fresh:
                continue
            run = MatchRun.objects.create(
                organisation_id=directory.organisation_id,
                requested_by=directory.created_by,
                collection_id=directory.collection_id,
                tlp=directory.tlp,
                watched=directory,
            )
            for entry, (name, size, mtime) in fresh:
                LogFile.objects.create(run=run, name=name[:255], path=str(entry), size=size, uploaded=False)
                WatchedFile.objects.create(directory=directory, name=name, size=size, mtime=mtime)
            audit.record(
                actor=None,
                actor_label="watched directory",
                action="monitoring.run.create",
                target=run,
                changes={"files": len(fresh), "directory": directory.path},
            )
        runs.append(run)
    return runs
