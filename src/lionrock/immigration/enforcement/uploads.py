"""Checks on files sent with a report: judged by their bytes, never by their name or declared type.

Accepted: JPEG, PNG and PDF, each whole (a JPEG ends with its end-of-image marker, a PNG with IEND, a PDF
with %%EOF near the end) and free of markup or script that would make it a polyglot. Stored under
DATA_DIR/files/enforcement with a random name; never served to the public.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "CheckedFile",
    "UploadRefused",
    "file_check",
    "file_path",
    "file_store",
]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 3

# Markers that have no business in a photo or a plain document: HTML, SVG, script, PHP, archives.
_POLYGLOT_MARKERS = re.compile(
    rb"<\s*(?:script|html|svg|iframe|body|\?php)|javascript:|PK\x03\x04", re.IGNORECASE
)
_PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia|XFA)\b")


class UploadRefused(ValueError):
    """A file that cannot be accepted; the message is shown to the sender."""


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes
    sha256: str


def _kind(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82"):
        return "image/png"
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf"
    return None


def _safe_name(name: str) -> str:
    """The base name only, printable, at most 120 characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    return (cleaned.strip() or "file")[:120]


def file_check(*, name: str, data: bytes) -> CheckedFile:
    """Takes a file whole or refuses it with a reason."""
    label = _safe_name(name)
    if not data:
        raise UploadRefused(_("“%(name)s” is empty.") % {"name": label})
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": label, "limit": MAX_FILE_BYTES // 1048576}
        )
    kind = _kind(data)
    if kind is None:
        raise UploadRefused(_("“%(name)s” is not a complete JPEG, PNG or PDF file.") % {"name": label})
    if _POLYGLOT_MARKERS.search(data) or (kind == "application/pdf" and _PDF_ACTIVE_CONTENT.search(data)):
        raise UploadRefused(
            _("“%(name)s” contains content that is not allowed in a photo or document.") % {"name": label}
        )
    return CheckedFile(name=label, content_type=kind, data=data, sha256=hashlib.sha256(data).hexdigest())


def _directory() -> Path:
    return Path(settings.DATA_DIR) / "files" / "enforcement"


def file_path(stored_name: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", stored_name):
        raise ValueError("not a stored file name")
    return _directory() / stored_name


def file_store(checked: CheckedFile) -> str:
    """Writes the bytes under a random name (no extension, no user input in the path); returns the name."""
    directory = _directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16)
    path = directory / stored_name
    with path.open("xb") as handle:
        handle.write(checked.data)
    path.chmod(0o600)
    return stored_name
