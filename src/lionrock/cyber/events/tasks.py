"""Daily reminders of late readiness items."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.cyber.events import services


@db_periodic_task(crontab(hour="1", minute="5"))  # type: ignore[untyped-decorator]
def readiness_reminders() -> None:
    """Reminds each organisation of an event starting within 30 days of its late readiness items."""
    services.readiness_reminders_send()
