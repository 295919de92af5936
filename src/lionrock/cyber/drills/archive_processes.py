"""Team log archives made in processes of their own.

`artefacts` needs Arrow and numpy, about 110 MB once loaded. The task worker and the web processes that
ask for archives never load them: the archives are made in processes started for the purpose (spawned,
so they inherit nothing), which end when they are done.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from lionrock.cyber.drills.archive_jobs import ArchiveJob


def archives_make_apart(jobs: Sequence[ArchiveJob], *, workers: int | None = None) -> list[Path]:
    """artefacts.archives_make, in fresh processes (one per core, `workers` to say otherwise): the
    caller's memory stays as it was. The bytes are the same as made anywhere else."""
    count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(_archive_make, jobs))


def _archive_make(job: ArchiveJob) -> Path:
    from lionrock.cyber.drills.artefacts import archive_make

    return archive_make(job)
