"""Background work for enforcement: the nightly retention sweeps."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.immigration.enforcement import services


@db_periodic_task(crontab(hour="3", minute="15"))  # type: ignore[untyped-decorator]
def reports_retention() -> None:
    """Every night: personal data of long-closed reports is removed (LIONROCK_REPORT_RETENTION_DAYS)."""
    services.reports_retention_apply()


@db_periodic_task(crontab(hour="3", minute="20"))  # type: ignore[untyped-decorator]
def employer_records_retention() -> None:
    """Every night: saved inspection records past LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS are deleted."""
    services.employer_records_retention_apply()


@db_periodic_task(crontab(hour="3", minute="25"))  # type: ignore[untyped-decorator]
def persons_retention() -> None:
    """Every night: persons whose last case ended longer ago than LIONROCK_PERSON_RETENTION_DAYS are
    deleted with their documents and arrests; the log line gives the counts."""
    services.persons_retention_apply()
