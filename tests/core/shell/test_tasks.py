"""The worker's SQLite checkpoint, on a real database file opened with the platform's own options."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from lionrock.core.shell import tasks


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write-ahead log: this run is on another database")
    options = dict(settings.DATABASES["default"])
    wrapper = DatabaseWrapper({**options, "NAME": str(tmp_path / "lionrock.sqlite3")}, alias="checkpoint")
    monkeypatch.setattr(tasks, "connection", wrapper)
    yield wrapper
    wrapper.close()


@pytest.mark.django_db
def test_commits_stay_in_the_log_until_the_worker_checkpoints_them(sqlite_file):
    with sqlite_file.cursor() as cursor:
        cursor.execute("CREATE TABLE rows (value TEXT)")
        cursor.executemany("INSERT INTO rows VALUES (%s)", [("x" * 500,) for _ in range(2_000)])
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == 100_000
    busy, frames, copied = tasks.database_checkpoint.call_local()
    assert busy == 0 and frames > 100 and copied == frames
    assert tasks.database_checkpoint.call_local() == (0, frames, frames)  # nothing new to copy


@pytest.mark.django_db
def test_the_checkpoint_does_nothing_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL checkpoints by itself: this run is on SQLite, where the test above runs")
    assert tasks.database_checkpoint.call_local() is None
