"""Removing bytes that no attachment names (left by uploads rolled back after writing)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.core.files import services


@db_periodic_task(crontab(hour="3", minute="40"))  # type: ignore[untyped-decorator]
def attachment_orphans_sweep() -> None:
    """Every night: stored bytes that no attachment names (an upload rolled back) are removed."""
    services.orphans_sweep()
