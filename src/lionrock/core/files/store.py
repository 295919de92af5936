"""The bytes: one directory per area under DATA_DIR/files, random names, owner-only modes, optional
encryption with the field keys (``lionrock.core.crypto``).

S3-compatible storage is not available yet: no S3 client library is among the platform's dependencies.
The functions here are the only ones that touch the bytes, so a second backend would go here.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

from django.conf import settings

from lionrock.core import crypto
from lionrock.core.files.checks import CheckedFile

_AREA = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_STORED = re.compile(r"^[0-9a-f]{32}$")


def directory(area: str) -> Path:
    """DATA_DIR/files/<area>; the area is a short lowercase word chosen by the owning module."""
    if not _AREA.match(area):
        raise ValueError("not a file area")
    return Path(settings.DATA_DIR) / "files" / area


def blob_path(area: str, stored_name: str) -> Path:
    """Where a stored file lives; refuses any name the store did not make."""
    if not _STORED.fullmatch(stored_name):
        raise ValueError("not a stored file name")
    return directory(area) / stored_name


def blob_write(area: str, checked: CheckedFile, *, encrypt: bool = False) -> str:
    """Writes the bytes under a random name (no extension, no user input in the path); returns the name.

    With ``encrypt`` the bytes are sealed with the field keys first.
    """
    folder = directory(area)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    data = crypto.encrypt_bytes(checked.data) if encrypt else checked.data
    with path.open("xb") as handle:
        handle.write(data)
    path.chmod(0o600)
    return stored_name


def blob_adopt(area: str, source: Path) -> str:
    """Moves a file the platform made (never an upload) into the store under a random name; returns it."""
    folder = directory(area)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16)
    path = folder / stored_name
    shutil.move(source, path)
    path.chmod(0o600)
    return stored_name


def blob_read(area: str, stored_name: str, *, encrypted: bool = False) -> bytes:
    """The file's bytes, opened with the field keys when it was stored encrypted."""
    data = blob_path(area, stored_name).read_bytes()
    return crypto.decrypt_bytes(data) if encrypted else data


def blob_reseal(area: str, stored_name: str) -> None:
    """Re-encrypts a stored file with the current field key (key rotation), replacing it atomically."""
    path = blob_path(area, stored_name)
    sealed = crypto.encrypt_bytes(crypto.decrypt_bytes(path.read_bytes()))
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
    temporary.replace(path)


def blob_delete(area: str, stored_name: str) -> None:
    """Removes the bytes; a file already gone is not an error."""
    blob_path(area, stored_name).unlink(missing_ok=True)
