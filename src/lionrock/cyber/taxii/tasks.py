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
    """Stores a posted envelope's objects and completes its status; safe to run twice."""
    status = completion.status_complete(status_id=status_id)
    if status.success_count >= BULK_LOAD:
        planner_statistics_refresh(unless_within_seconds=60)


@db_periodic_task(crontab(minute="*/5"))  # type: ignore[untyped-decorator]
def statuses_resume() -> None:
    """Queues again each upload still pending ten minutes after it was posted.

    A worker killed outright (not stopped) takes its task with it: the queue hands each task to one
    worker only. Storing an upload is safe to run twice, so one still waiting in a long queue loses nothing.
    """
    for status_id in selectors.statuses_stalled(older_than=STALLED_AFTER):
        status_complete(status_id)
