"""Background work of the TAXII server: completing upload statuses."""

from __future__ import annotations

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lionrock.core.shell.planner import planner_statistics_refresh
from lionrock.cyber.taxii import completion, selectors

BULK_LOAD = 1000
STALLED_AFTER = timedelta(minutes=10)


@db_task(retries=2, retry_delay=30)  # type: ignore[untyped-decorator]
def status_complete(status_id: str) -> None:
    """Stores a posted envelope's objects and completes its status; safe to run twice.

    The worker first records itself on the pending status (committed at once), so that if it is killed
    while storing — which rolls the store back — the sweep can tell its upload has no worker any more.
    On SQLite one upload at a time per worker process (see completion.upload_turn).
    """
    with completion.upload_turn():
        completion.status_claim(status_id=status_id)
        status = completion.status_complete(status_id=status_id)
    if status.success_count >= BULK_LOAD:
        planner_statistics_refresh(unless_within_seconds=60)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def statuses_resume() -> None:
    """Every minute: uploads still pending whose worker is gone are queued again for another worker.

    A worker killed outright (not stopped) takes its task with it: the queue hands each task to one
    worker only, and a killed worker's transaction is rolled back. Gone means a worker process on this
    machine that no longer exists, or ten minutes without word from a worker (one elsewhere, or a task
    lost from the queue). Storing an upload is safe to run twice, so one still waiting in a long queue
    loses nothing.
    """
    for status_id, worker in selectors.statuses_stalled(older_than=STALLED_AFTER):
        if completion.status_requeue(status_id=status_id, worker=worker):
            status_complete(status_id)
