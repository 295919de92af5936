"""Files sent with a report, checked and stored by the core file store (``lionrock.core.files``).

Accepted: complete JPEG, PNG and PDF files without markup or script (see ``lionrock.core.files.checks``),
at most three of 5 MB each. Stored under DATA_DIR/files/enforcement with a random name, as before the
core store existed (``ReportAttachment`` rows name them); never served to the public.
"""

from __future__ import annotations

from lionrock.core.files import IMAGES, MB, PDF, CheckedFile, FilePolicy, UploadRefused, store
from lionrock.core.files import file_check as _file_check

__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "POLICY",
    "CheckedFile",
    "UploadRefused",
    "file_check",
    "file_delete",
    "file_read",
    "file_store",
]

POLICY = FilePolicy(kinds=IMAGES | PDF, max_bytes=5 * MB, max_files=3)
MAX_FILE_BYTES = POLICY.max_bytes
MAX_FILES = POLICY.max_files
AREA = "enforcement"


def file_check(*, name: str, data: bytes) -> CheckedFile:
    """Takes a file whole or refuses it with a reason."""
    return _file_check(name=name, data=data, policy=POLICY)


def file_read(stored_name: str) -> bytes:
    """A report's stored file; FileNotFoundError when it is gone, ValueError for a name the store did
    not make."""
    return store.blob_read(AREA, stored_name)


def file_delete(stored_name: str) -> None:
    """Removes a report's stored file; one already gone is not an error."""
    store.blob_delete(AREA, stored_name)


def file_store(checked: CheckedFile) -> str:
    """Writes the bytes under a random name (no extension, no user input in the path); returns the name."""
    return store.blob_write(AREA, checked)
