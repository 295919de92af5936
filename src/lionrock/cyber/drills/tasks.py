"""The drill clock on the queue: every minute, what is due in each running exercise is delivered."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def drills_clock() -> int:
    """Delivers the injects whose time has come in every running drill."""
    from lionrock.cyber.drills import services

    return services.exercises_tick()
