"""E-mail for notifications: right after each is made, a catch-up every ten minutes, a daily digest."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lionrock.core.notifications import delivery


@db_task()  # type: ignore[untyped-decorator]
def notifications_email(ids: list[int]) -> None:
    delivery.pending_send(ids=ids)


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def notifications_email_catch_up() -> None:
    """Every ten minutes: notification e-mails not yet sent are tried again (given up after a day)."""
    delivery.pending_send()


# Huey's schedule is in UTC: 23:00 UTC is 07:00 in Hong Kong.
@db_periodic_task(crontab(hour="23", minute="0"))  # type: ignore[untyped-decorator]
def notifications_digest() -> None:
    """Every morning: people who chose the digest get one e-mail listing their new notifications."""
    delivery.digest_send()
