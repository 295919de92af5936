"""Serving a stored file: always a download, never rendered by the browser."""

from __future__ import annotations

import io
from typing import BinaryIO

from django.http import FileResponse

from lionrock.core.files import store
from lionrock.core.files.models import Attachment


def download_response(handle: BinaryIO, *, filename: str, content_type: str) -> FileResponse:
    """A response that makes the browser save the file: ``Content-Disposition: attachment``, the sniffed
    type, ``nosniff``, a sandboxing CSP (even an HTML file opened from the disk cache runs nothing) and
    no caching by shared caches."""
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(attachment: Attachment) -> FileResponse:
    """The download of an attachment already obtained through ``selectors.attachment_get``."""
    handle: BinaryIO
    if attachment.encrypted:
        handle = io.BytesIO(store.blob_read(attachment.area, attachment.stored_name, encrypted=True))
    else:  # streamed from the store: a large file (a drill team's logs) is never held in memory
        handle = store.blob_open(attachment.area, attachment.stored_name)
    return download_response(
        handle, filename=attachment.original_name, content_type=attachment.content_type_sniffed
    )
