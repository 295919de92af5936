"""Every setting an operator may change is read from the environment once, in the settings, and documented.

Code reads ``settings.LIONROCK_*`` and never supplies a default of its own: the default lives in
``config/settings.py`` beside the environment variable, and configuration.md says what it is.
"""

from __future__ import annotations

import re
from pathlib import Path

import lionrock

SOURCE = Path(lionrock.__file__).parent
DOCS = SOURCE.parents[1] / "docs" / "operators" / "configuration.md"
VARIABLE = re.compile(r"\bLIONROCK_[A-Z0-9_]*[A-Z0-9]\b")
READ = re.compile(r'(?:env_[a-z]+|os\.environ\.get)\(\s*"(LIONROCK_[A-Z0-9_]+)"')


def test_every_environment_variable_the_configuration_reads_is_documented():
    read = set()
    for name in ("settings.py", "environment.py"):
        read |= set(READ.findall((SOURCE / "config" / name).read_text(encoding="utf-8")))
    documented = set(VARIABLE.findall(DOCS.read_text(encoding="utf-8")))
    assert len(read) > 40  # the pattern still finds what the settings read
    assert sorted(read - documented) == []


def test_no_code_reads_a_lionrock_setting_with_a_default_of_its_own():
    second_defaults = {
        path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*.py")
        if re.search(r'getattr\(settings,\s*"(LIONROCK_|BEHIND_)', path.read_text(encoding="utf-8"))
    }
    assert second_defaults == set()


def test_database_connections_are_kept_and_postgresql_runs_without_jit_and_prepares(monkeypatch):
    """A connection per request cost a light page a third of its time; JIT cost a 5 ms query 70 ms;
    planning the visibility rule cost PostgreSQL more than running it, so its connections stay open."""
    from lionrock.config import settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite = settings._database()
    assert (sqlite["CONN_MAX_AGE"], sqlite["CONN_HEALTH_CHECKS"]) == (60, True)

    monkeypatch.setenv("DATABASE_URL", "postgres://lionrock:secret@db.internal:5432/lionrock")
    postgres = settings._database()
    assert (postgres["CONN_MAX_AGE"], postgres["CONN_HEALTH_CHECKS"]) == (None, True)
    from lionrock.config.postgresql import PreparingCursor

    assert postgres["OPTIONS"] == {
        "options": "-c plan_cache_mode=force_generic_plan -c jit=off",
        "server_side_binding": True,
        "cursor_factory": PreparingCursor,
        "prepare_threshold": 0,  # psycopg's count of earlier runs: prepared on the first
    }

    monkeypatch.setenv(
        "DATABASE_URL", "postgres://lionrock:secret@db.internal/lionrock?options=-c%20jit%3Don"
    )
    # the operator's come last and win
    assert settings._database()["OPTIONS"]["options"] == (
        "-c plan_cache_mode=force_generic_plan -c jit=off -c jit=on"
    )

    monkeypatch.setenv("LIONROCK_DB_PREPARE_THRESHOLD", "3")
    assert settings._database()["OPTIONS"]["prepare_threshold"] == 2

    monkeypatch.setenv("LIONROCK_DB_PREPARE_THRESHOLD", "0")  # behind a pooler without prepared statements
    unprepared = settings._database()["OPTIONS"]
    assert unprepared["prepare_threshold"] is None and "cursor_factory" not in unprepared
    assert "plan_cache_mode" not in unprepared["options"]


def test_the_sqlite_page_cache_is_64_mb_unless_a_process_asks_for_more(monkeypatch):
    """The task worker, which stores the pushes, asks for 512 MB; web workers keep 64 MB each."""
    from lionrock.config import settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("LIONROCK_SQLITE_CACHE_MB", raising=False)
    assert "PRAGMA cache_size=-65536;" in settings._database()["OPTIONS"]["init_command"]
    monkeypatch.setenv("LIONROCK_SQLITE_CACHE_MB", "512")
    assert "PRAGMA cache_size=-524288;" in settings._database()["OPTIONS"]["init_command"]
