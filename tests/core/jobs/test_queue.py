"""Several workers, one schedule: each periodic job is queued once per period, not once per worker."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.cache import cache
from huey import crontab

from lionrock.core.jobs import queue

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int, second: int) -> datetime:
    """A moment as Huey's scheduler gives it: naive UTC."""
    return datetime(2026, 12, 5, hour, minute, second, tzinfo=UTC).replace(tzinfo=None)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _two_schedulers(tmp_path: Path) -> tuple[queue.SqliteHuey, queue.SqliteHuey]:
    """Two workers' queues on one SQLite queue file, each with the same periodic job registered."""
    queues = (
        queue.SqliteHuey("scale", filename=str(tmp_path / "tasks.sqlite3")),
        queue.SqliteHuey("scale", filename=str(tmp_path / "tasks.sqlite3")),
    )
    for huey in queues:

        @huey.periodic_task(crontab(minute="*"), name="every_minute")  # type: ignore[untyped-decorator]
        def every_minute() -> None:
            """Does nothing."""

    return queues


def test_a_job_due_this_minute_is_queued_by_the_first_worker_to_check_and_by_no_other(tmp_path: Path) -> None:
    first, second = _two_schedulers(tmp_path)
    minute = at(3, 0, 0)

    assert [task.name for task in first.read_periodic(minute)] == ["every_minute"]
    assert second.read_periodic(minute.replace(second=59)) == []
    assert first.read_periodic(minute) == []


def test_the_next_minute_is_queued_again_by_whichever_worker_checks_first(tmp_path: Path) -> None:
    first, second = _two_schedulers(tmp_path)

    assert len(first.read_periodic(at(3, 0, 30))) == 1
    assert len(second.read_periodic(at(3, 1, 0))) == 1
    assert first.read_periodic(at(3, 1, 40)) == []
