"""Match runs and directory scans run in the worker, never in a web request."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lionrock.cyber.monitoring import services


@db_task()  # type: ignore[untyped-decorator]
def match_run_execute(run_id: str) -> None:
    try:
        services.match_run_execute(run_id)
    except Exception as exc:
        services.match_run_fail(run_id, f"{type(exc).__name__}: {exc}")
        raise


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def watched_directories_scan() -> None:
    """Every minute: watched log directories are scanned and new files queued for matching."""
    services.watched_directories_scan()
