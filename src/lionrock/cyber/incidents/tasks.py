"""Reminders before an incident's deadlines pass."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.cyber.incidents import services


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def incident_reminders() -> None:
    """Reminds reporters and handlers before an incident's notification or written-report deadline."""
    services.incident_reminders_send()
