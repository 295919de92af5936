"""The worker's housekeeping: its heartbeat for /healthz, SQLite's checkpoints and planner statistics."""

from __future__ import annotations

import time

from django.db import connection
from huey import crontab
from huey.contrib.djhuey import HUEY, periodic_task

from lionrock.core.shell.planner import planner_statistics_refresh


@periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def worker_heartbeat() -> None:
    """Every minute: the worker says it is alive, for /healthz."""
    HUEY.put("lionrock:worker-heartbeat", str(time.time()))


@periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def database_checkpoint() -> tuple[int, int, int] | None:
    """Copies SQLite's write-ahead log back into the database file here, in the worker, every minute.

    Left to SQLite, the copy (and its fsync) runs inside whichever request commits past the threshold:
    a third of the time of a 1,000-object TAXII push on a large store. The settings raise that threshold
    to a bound for when no worker runs. PASSIVE never blocks readers or writers. Returns SQLite's
    (busy, log frames, frames checkpointed); nothing on other databases.
    """
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        busy, frames, copied = cursor.fetchone()
    return int(busy), int(frames), int(copied)


@periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def planner_statistics() -> bool:
    """Every ten minutes, so statistics follow the data whichever path it came in by."""
    return planner_statistics_refresh()
