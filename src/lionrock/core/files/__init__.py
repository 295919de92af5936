"""One store for the files people attach to records: checked by their bytes, kept under the data
directory, optionally encrypted, served only as downloads through the owning module's access check, and
deleted with the record. See docs/decisions/0013-file-store.md.

Public face::

    from lionrock.core.files import FilePolicy, UploadRefused, access_register
    from lionrock.core.files.services import attachment_add
    from lionrock.core.files.selectors import attachments_for

    EVIDENCE = FilePolicy(kinds=IMAGES | PDF | TEXT, max_bytes=10 * MB, max_files=10)

    # apps.py ready(): who may download an incident's files (deny unless this says yes)
    access_register("incidents.incident", lambda actor, incident: ...)

    attachment_add(actor=actor, owner=incident, name=upload.name, data=upload.read(), policy=EVIDENCE,
                   encrypt=True)
    # the page links each file to reverse("files:download", args=[attachment.pk])

The owning model declares ``attachments = GenericRelation(Attachment)``; deleting the record (a retention
sweep included) deletes its attachments' rows and, after commit, their bytes.
"""

from __future__ import annotations

from lionrock.core.files import store
from lionrock.core.files.checks import (
    IMAGES,
    MB,
    PDF,
    TEXT,
    CheckedFile,
    FilePolicy,
    UploadRefused,
    file_check,
    name_neutralise,
)
from lionrock.core.files.registry import access_register

__all__ = [
    "IMAGES",
    "MB",
    "PDF",
    "TEXT",
    "CheckedFile",
    "FilePolicy",
    "UploadRefused",
    "access_register",
    "file_check",
    "name_neutralise",
    "store",
]
