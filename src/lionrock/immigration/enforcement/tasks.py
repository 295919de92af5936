"""Background work for enforcement: the daily retention sweep."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.immigration.enforcement import services


@db_periodic_task(crontab(hour="3", minute="15"))  # type: ignore[untyped-decorator]
def reports_retention() -> None:
    """Every night: personal data of long-closed reports is removed (LIONROCK_REPORT_RETENTION_DAYS)."""
    services.reports_retention_apply()
