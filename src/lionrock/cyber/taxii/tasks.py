"""Background work of the TAXII server: completing upload statuses."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from lionrock.core.shell.planner import planner_statistics_refresh
from lionrock.cyber.taxii import completion

BULK_LOAD = 1000


@db_task(retries=2, retry_delay=30)  # type: ignore[untyped-decorator]
def status_complete(status_id: str) -> None:
    """Stores a posted envelope's objects and completes its status; safe to run twice."""
    status = completion.status_complete(status_id=status_id)
    if status.success_count >= BULK_LOAD:
        planner_statistics_refresh(unless_within_seconds=60)
