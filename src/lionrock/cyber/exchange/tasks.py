"""Feed polling on the queue: a periodic round claims due feeds and polls each in its own task."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from lionrock.cyber.exchange import selectors, services


@db_task()  # type: ignore[untyped-decorator]
def feed_poll(feed_id: int) -> None:
    """One feed; its failure is recorded on the feed and never reaches another feed's task."""
    feed = selectors.feed_for_worker(feed_id=feed_id)
    if feed is not None:
        services.feed_poll(feed=feed)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def feeds_poll_due() -> None:
    """Every minute: feeds whose next poll is due are claimed and each polled in its own task."""
    for feed_id in services.feeds_claim_due():
        feed_poll(feed_id)


@db_periodic_task(crontab(minute="17", hour="*"))  # type: ignore[untyped-decorator]
def import_drafts_expire() -> None:
    """Every hour: import drafts left unconfirmed for a day are cancelled and their objects dropped."""
    services.import_drafts_expire()
