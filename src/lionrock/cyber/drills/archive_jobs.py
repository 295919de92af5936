"""What a team's log archive is made from, as plain data: kept apart from `artefacts` (Arrow and numpy)
so that a process can describe archives without loading those libraries (see archive_processes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Plant:
    """A value to appear in the logs at a moment: kind is "domain", "address" or "url"."""

    kind: str
    value: str
    at: datetime


@dataclass(frozen=True)
class ArchiveJob:
    """One team's archive to make: what `archive_make` needs, plain data a worker process can take."""

    target: Path
    folder: str
    seed: str
    team: str
    start: datetime
    end: datetime
    lines: int
    plants: tuple[Plant, ...]
