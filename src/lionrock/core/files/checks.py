"""Judging a file by its bytes, never by its name or declared type. No Django models here.

A file is accepted whole or refused with a reason: its type is sniffed from its content (JPEG, PNG, PDF,
plain UTF-8 text), it must be complete (a JPEG ends with its end-of-image marker, a PNG with IEND, a PDF
with %%EOF near the end), within the policy's size, and free of markup or script that would make it a
polyglot (HTML, SVG, script, PHP, an archive inside; active content in a PDF).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

MB = 1024 * 1024
JPEG, PNG, PDF_TYPE, TEXT_TYPE = "image/jpeg", "image/png", "application/pdf", "text/plain"
IMAGES = frozenset({JPEG, PNG})
PDF = frozenset({PDF_TYPE})
TEXT = frozenset({TEXT_TYPE})

_EXTENSIONS = {JPEG: ".jpg", PNG: ".png", PDF_TYPE: ".pdf", TEXT_TYPE: ".txt"}
_LABELS = {JPEG: "JPEG", PNG: "PNG", PDF_TYPE: "PDF", TEXT_TYPE: "text"}

# Markers that have no business in a photo or a plain document: HTML, SVG, script, PHP, archives.
_POLYGLOT_MARKERS = re.compile(
    rb"<\s*(?:script|html|svg|iframe|body|\?php)|javascript:|PK\x03\x04", re.IGNORECASE
)
_PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA|RichMedia|XFA)\b")


class UploadRefused(ValueError):
    """A file that cannot be accepted; the message is shown to the sender."""


@dataclass(frozen=True)
class FilePolicy:
    """What one kind of attachment accepts: sniffed types, the largest size, how many per record."""

    kinds: frozenset[str]
    max_bytes: int = 5 * MB
    max_files: int = 3


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: its neutralised name, sniffed type, bytes and SHA-256."""

    name: str
    content_type: str
    data: bytes
    sha256: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, among those Lionrock knows; None for anything else."""
    if data.startswith(b"\xff\xd8\xff") and data.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82"):
        return PNG
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return PDF_TYPE
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return TEXT_TYPE
    return None


def name_neutralise(name: str, content_type: str | None = None) -> str:
    """The base name only, printable, at most 120 characters, with the extension of its real type.

    No path, no control or bidirectional characters, no leading dot; "report.pdf.html" sniffed as a PDF
    becomes "report.pdf.html.pdf", so the name never decides how a viewer opens it.
    """
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    cleaned = cleaned.replace('"', "'").strip().lstrip(".") or "file"
    extension = _EXTENSIONS.get(content_type or "", "")
    endings = (extension, ".jpeg") if content_type == JPEG else (extension,)
    if extension and not cleaned.lower().endswith(endings):
        cleaned = cleaned[: 120 - len(extension)] + extension
    return cleaned[:120]


def file_check(*, name: str, data: bytes, policy: FilePolicy) -> CheckedFile:
    """Takes a file whole or refuses it with a reason (``UploadRefused``)."""
    label = name_neutralise(name)
    if not data:
        raise UploadRefused(_("“%(name)s” is empty.") % {"name": label})
    if len(data) > policy.max_bytes:
        raise UploadRefused(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": label, "limit": policy.max_bytes // MB}
        )
    kind = sniff(data)
    if kind is None or kind not in policy.kinds:
        if policy.kinds == IMAGES | PDF:
            raise UploadRefused(_("“%(name)s” is not a complete JPEG, PNG or PDF file.") % {"name": label})
        accepted = ", ".join(sorted(_LABELS[k] for k in policy.kinds))
        raise UploadRefused(
            _("“%(name)s” is not a complete file of an accepted type (%(types)s).")
            % {"name": label, "types": accepted}
        )
    if _POLYGLOT_MARKERS.search(data) or (kind == PDF_TYPE and _PDF_ACTIVE_CONTENT.search(data)):
        raise UploadRefused(
            _("“%(name)s” contains content that is not allowed in a photo or document.") % {"name": label}
        )
    return CheckedFile(
        name=name_neutralise(name, kind),
        content_type=kind,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )
