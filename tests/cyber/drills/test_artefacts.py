"""A team's log archive: the same bytes for the same seed however many processes make it."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lionrock.cyber.drills.artefacts import ArchiveJob, Plant, archives_make

START = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def _jobs(into: Path) -> list[ArchiveJob]:
    into.mkdir()
    return [
        ArchiveJob(
            target=into / f"team-{n}.zip",
            folder=f"EXERCISE-1-team-{n}",
            seed="seed",
            team=f"team-{n}",
            start=START,
            end=START + timedelta(hours=1),
            lines=3000,
            plants=(Plant("domain", f"c2-{n}.example.net", START + timedelta(minutes=20)),),
        )
        for n in range(3)
    ]


def test_the_archives_are_the_same_bytes_made_in_one_process_or_in_a_pool(tmp_path: Path) -> None:
    alone = archives_make(_jobs(tmp_path / "alone"), workers=1)
    pooled = archives_make(_jobs(tmp_path / "pooled"), workers=2)
    assert [p.read_bytes() for p in alone] == [p.read_bytes() for p in pooled]
    assert len({p.read_bytes() for p in alone}) == 3  # each team its own logs


def test_an_archive_holds_every_log_with_the_lines_asked_for_and_the_planted_value(tmp_path: Path) -> None:
    job = _jobs(tmp_path / "one")[0]
    (path,) = archives_make([replace(job, lines=10_000)], workers=1)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        logs = {name.rsplit("/", 1)[1]: archive.read(name).decode() for name in names}
    assert all(name.startswith("EXERCISE-1-team-0/") for name in names)
    assert sorted(logs) == ["access.log", "conn.log", "dns.log", "eve.json", "http.log"]
    body = sum(1 for text in logs.values() for line in text.splitlines() if not line.startswith("#"))
    assert 9_990 <= body <= 10_010
    assert "c2-0.example.net" in logs["dns.log"] and "c2-0.example.net" in logs["http.log"]


def test_archives_made_apart_are_the_same_bytes_and_leave_the_caller_without_arrow(tmp_path: Path) -> None:
    """The task worker asks for archives; Arrow and numpy (about 110 MB) load in the processes that make
    them, never in the worker, whose memory at rest stays as it was."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from datetime import datetime, timedelta, UTC\n"
        "from lionrock.cyber.drills.archive_jobs import ArchiveJob, Plant\n"
        "from lionrock.cyber.drills.archive_processes import archives_make_apart\n"
        "start = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)\n"
        f"job = ArchiveJob(Path({str(tmp_path / 'apart.zip')!r}), 'EXERCISE-1-team-0', 'seed', 'team-0',\n"
        "                 start,"
        " start + timedelta(hours=1), 3000,\n"
        "                 (Plant('domain', 'c2-0.example.net', start + timedelta(minutes=20)),))\n"
        "archives_make_apart([job], workers=1)\n"
        "print(sorted(m for m in ('pyarrow', 'numpy') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    here = archives_make(_jobs(tmp_path / "here")[:1], workers=1)[0]
    assert (tmp_path / "apart.zip").read_bytes() == here.read_bytes()
