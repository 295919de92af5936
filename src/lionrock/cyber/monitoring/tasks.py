"""Match runs and directory scans run in the worker, never in a web request."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import close_db, db_periodic_task, db_task, on_startup

from lionrock.cyber.monitoring import runs, sightings


@db_task()  # type: ignore[untyped-decorator]
def match_run_execute(run_id: str) -> None:
    try:
        runs.match_run_execute(run_id)
    except Exception as exc:
        runs.match_run_fail(run_id, f"{type(exc).__name__}: {exc}")
        raise


@on_startup()  # type: ignore[untyped-decorator]
@close_db  # type: ignore[untyped-decorator]
def match_runs_orphaned_at_startup() -> None:
    """A worker that starts queues again the runs its dead predecessors left "running"."""
    for run_id in runs.match_runs_orphaned_requeue():
        match_run_execute(run_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def match_runs_resume() -> None:
    """Every minute: match runs whose worker is gone or silent are queued again for another worker."""
    for run_id in runs.match_runs_orphaned_requeue():
        match_run_execute(run_id)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def watched_directories_scan() -> None:
    """Every minute: watched log directories are scanned and new files queued for matching."""
    for run in runs.watched_directories_scan():
        match_run_execute(str(run.pk))


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def sightings_catch_up() -> None:
    """Every ten minutes: stored sightings whose after-commit receiver failed get their dashboard rows."""
    sightings.sightings_catch_up()
