"""Reminders for overdue referrals, and cases for owed screenings the signal may have missed."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.immigration.screening import services


@db_periodic_task(crontab(minute="7"))  # type: ignore[untyped-decorator]
def referral_reminders() -> None:
    """Every hour: providers of overdue referrals and officers of overdue debriefings are reminded."""
    services.reminders_send()


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def owed_cases_open() -> None:
    """Every ten minutes: a screening case is opened for any owed screening the hook missed."""
    services.cases_open_for_owed()
