"""The task queue's classes: Huey's, with each periodic job queued once per period, not once per worker.

Every ``lionrock worker`` runs Huey's scheduler, and each scheduler queues the periodic jobs that are due
when it checks, once a minute. With several workers on one Redis (or one SQLite queue), every job would
run once per worker. Here a scheduler queues a due job only if it is the first to claim that job for that
minute, in the cache every process shares (Redis in production, else the database): whichever worker
checks first in a minute queues the job, and one worker stopping leaves the others to do it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import huey
from django.core.cache import cache
from django.db import connection

from lionrock.core.jobs.workers import worker_label

logger = logging.getLogger(__name__)

# Long enough to outlast any clock skew between workers, short enough that keys do not pile up.
CLAIM_SECONDS = 3600


def periodic_claim(task_name: str, moment: datetime) -> bool:
    """True for the first caller to claim `task_name` for `moment`'s minute, in every process."""
    key = f"lionrock:periodic:{task_name}:{moment:%Y%m%d%H%M}"
    try:
        claimed = bool(cache.add(key, worker_label(), timeout=CLAIM_SECONDS))
        if claimed:
            logger.info(
                "periodic job %s: this worker queues its run for %s", task_name, f"{moment:%Y-%m-%d %H:%M}"
            )
        return claimed
    except Exception:  # a cache that cannot answer must not stop the schedule: run it rather than skip it
        logger.exception("periodic job %s: could not claim its run; queuing it anyway", task_name)
        return True
    finally:
        # The scheduler's thread holds no database connection between checks (the database cache's).
        if not connection.in_atomic_block:
            connection.close()


class _OncePerPeriod:
    def read_periodic(self, timestamp: datetime | None = None) -> list[Any]:
        if timestamp is None:
            timestamp = self._get_timestamp()  # type: ignore[attr-defined]
        due = super().read_periodic(timestamp)  # type: ignore[misc]
        # Named in full (module and function): two apps may each have a job of the same short name.
        return [task for task in due if periodic_claim(f"{type(task).__module__}.{task.name}", timestamp)]


class RedisHuey(_OncePerPeriod, huey.RedisHuey):  # type: ignore[misc]
    """Huey on Redis, each periodic job queued once per period across every worker."""


class SqliteHuey(_OncePerPeriod, huey.SqliteHuey):  # type: ignore[misc]
    """Huey on an SQLite queue, each periodic job queued once per period across every worker."""
