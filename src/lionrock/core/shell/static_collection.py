"""Collects static files at start-up only when they changed since the last collection.

`lionrock serve` collects on every start so an upgrade never serves stale assets; WhiteNoise then
compresses every file again (gzip and Brotli, about 16 MB with the admin and API documentation), which
took most of a minute on a busy machine. The fingerprint of the sources (path, size and modification time
of each file the finders see) tells whether that work would change anything.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command

FINGERPRINT_NAME = ".lionrock-static-fingerprint"


def static_sources_fingerprint() -> str:
    """A digest of every static source file's path, size and modification time."""
    entries: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = Path(storage.path(path)).stat()
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    entries.sort()
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def static_collect_if_changed() -> bool:
    """Runs collectstatic when the sources differ from the last collection; returns whether it ran."""
    root = Path(settings.STATIC_ROOT)
    marker = root / FINGERPRINT_NAME
    fingerprint = static_sources_fingerprint()
    if marker.is_file() and marker.read_text().strip() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    marker.write_text(fingerprint + "\n")
    return True
