"""The bytes: one area per owning module, random names, optional encryption with the field keys
(``lionrock.core.crypto``), on the local disk (DATA_DIR/files, owner-only modes) or, by configuration, in
an S3-compatible object store (``LIONROCK_FILES_S3_BUCKET``).

The functions here are the only ones that touch the bytes; nothing else knows where they live. Files
are sealed before they leave the process when asked, so an object store holds only ciphertext of
personal data, whatever its own encryption.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

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
    """Where a stored file lives on the local disk; refuses any name the store did not make."""
    if not _STORED.fullmatch(stored_name):
        raise ValueError("not a stored file name")
    return directory(area) / stored_name


def _bucket() -> str:
    return str(settings.LIONROCK_FILES_S3_BUCKET)


@lru_cache(maxsize=4)
def _s3_client(endpoint: str, region: str) -> Any:
    """One client per process; credentials come from boto3's own chain (environment, profile, role),
    never from Lionrock's settings. boto3 is imported only when an object store is configured."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:  # pragma: no cover - the s3 extra is part of the dev group
        raise RuntimeError(
            "LIONROCK_FILES_S3_BUCKET is set but boto3 is not installed: install lionrock[s3]"
        ) from exc
    return boto3.client(
        "s3",
        endpoint_url=endpoint or None,
        region_name=region or None,
        config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=5, read_timeout=60),
    )


def _s3() -> Any:
    return _s3_client(
        str(settings.LIONROCK_FILES_S3_ENDPOINT_URL),
        str(settings.LIONROCK_FILES_S3_REGION),
    )


def _key(area: str, stored_name: str) -> str:
    if not _AREA.match(area):
        raise ValueError("not a file area")
    if not _STORED.fullmatch(stored_name):
        raise ValueError("not a stored file name")
    return f"{settings.LIONROCK_FILES_S3_PREFIX}{area}/{stored_name}"


def _s3_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) in {"NoSuchKey", "404", "NotFound"}


def _write(area: str, stored_name: str, data: bytes) -> None:
    bucket = _bucket()
    if bucket:
        _s3().put_object(Bucket=bucket, Key=_key(area, stored_name), Body=data)
        return
    folder = directory(area)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = blob_path(area, stored_name)
    with path.open("xb") as handle:
        handle.write(data)
    path.chmod(0o600)


def blob_write(area: str, checked: CheckedFile, *, encrypt: bool = False) -> str:
    """Writes the bytes under a random name (no extension, no user input in the path); returns the name.

    With ``encrypt`` the bytes are sealed with the field keys first.
    """
    stored_name = secrets.token_hex(16)
    _write(area, stored_name, crypto.encrypt_bytes(checked.data) if encrypt else checked.data)
    return stored_name


def blob_adopt(area: str, source: Path) -> str:
    """Moves a file the platform made (never an upload) into the store under a random name; returns it.

    To an object store it is uploaded in parts (never held whole in memory) and the source removed.
    """
    stored_name = secrets.token_hex(16)
    bucket = _bucket()
    if bucket:
        _s3().upload_file(str(source), bucket, _key(area, stored_name))
        source.unlink()
        return stored_name
    folder = directory(area)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / stored_name
    shutil.move(source, path)
    path.chmod(0o600)
    return stored_name


def blob_open(area: str, stored_name: str) -> BinaryIO:
    """A stored file (not encrypted) to read as a stream, so a large one is never held in memory."""
    bucket = _bucket()
    if not bucket:
        return blob_path(area, stored_name).open("rb")
    try:
        answer = _s3().get_object(Bucket=bucket, Key=_key(area, stored_name))
    except Exception as exc:
        if _s3_missing(exc):
            raise FileNotFoundError(stored_name) from exc
        raise
    return answer["Body"]  # type: ignore[no-any-return]


def _read(area: str, stored_name: str) -> bytes:
    bucket = _bucket()
    if not bucket:
        return blob_path(area, stored_name).read_bytes()
    try:
        answer = _s3().get_object(Bucket=bucket, Key=_key(area, stored_name))
    except Exception as exc:
        if _s3_missing(exc):
            raise FileNotFoundError(stored_name) from exc
        raise
    return bytes(answer["Body"].read())


def blob_read(area: str, stored_name: str, *, encrypted: bool = False) -> bytes:
    """The file's bytes, opened with the field keys when it was stored encrypted.

    A file that is not there raises FileNotFoundError, wherever the bytes live.
    """
    data = _read(area, stored_name)
    return crypto.decrypt_bytes(data) if encrypted else data


def blob_reseal(area: str, stored_name: str) -> None:
    """Re-encrypts a stored file with the current field key (key rotation), replacing it atomically."""
    sealed = crypto.encrypt_bytes(crypto.decrypt_bytes(_read(area, stored_name)))
    if _bucket():
        _s3().put_object(Bucket=_bucket(), Key=_key(area, stored_name), Body=sealed)  # atomic per object
        return
    path = blob_path(area, stored_name)
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(sealed)
    temporary.replace(path)


def blob_delete(area: str, stored_name: str) -> None:
    """Removes the bytes; a file already gone is not an error."""
    if _bucket():
        _s3().delete_object(Bucket=_bucket(), Key=_key(area, stored_name))
        return
    blob_path(area, stored_name).unlink(missing_ok=True)


def blob_names_older(area: str, *, seconds: float) -> Iterator[str]:
    """Names the store made in this area that were written more than ``seconds`` ago (for the sweep of
    bytes whose record was rolled back)."""
    cutoff = time.time() - seconds
    bucket = _bucket()
    if bucket:
        prefix = _key(area, "0" * 32)[:-32]
        for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                name = str(item["Key"])[len(prefix) :]
                if _STORED.fullmatch(name) and item["LastModified"].timestamp() < cutoff:
                    yield name
        return
    folder = directory(area)
    if not folder.exists():
        return
    for path in folder.iterdir():
        if _STORED.fullmatch(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
            yield path.name
