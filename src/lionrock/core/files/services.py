"""Every write to attachments, each audited; the bytes are removed only after the deletion commits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import store
from lionrock.core.files.checks import FilePolicy, UploadRefused, file_check
from lionrock.core.files.models import Attachment
from lionrock.core.files.selectors import attachments_for

# Every attachment's bytes live in DATA_DIR/files/attachments, apart from older stores of single modules.
AREA = "attachments"


@transaction.atomic
def attachments_add(
    *,
    actor: Actor | None,
    owner: models.Model,
    files: Iterable[tuple[str, bytes]],
    policy: FilePolicy,
    encrypt: bool = False,
) -> list[Attachment]:
    """Attaches files (name, bytes) to ``owner``: all of them or, if one is refused, none.

    Raises ``ValidationFailed`` with the reason shown to the sender (too many, too large, not an accepted
    type, active content). The caller has checked that ``actor`` may change ``owner``. With ``encrypt``
    (for personal data) the bytes are sealed with the field keys. One audit entry per file.
    """
    items = list(files)
    already = attachments_for(owner=owner).count()
    if already + len(items) > policy.max_files:
        raise ValidationFailed(_("Attach at most %(count)s files.") % {"count": policy.max_files})
    try:
        checked = [file_check(name=name, data=data, policy=policy) for name, data in items]
    except UploadRefused as exc:
        raise ValidationFailed(str(exc)) from exc
    area = AREA
    written: list[str] = []
    created: list[Attachment] = []
    try:
        for item in checked:
            stored_name = store.blob_write(area, item, encrypt=encrypt)
            written.append(stored_name)
            attachment = Attachment.objects.create(
                content_type=ContentType.objects.get_for_model(owner),
                object_id=str(owner.pk),
                area=area,
                stored_name=stored_name,
                original_name=item.name,
                content_type_sniffed=item.content_type,
                size=len(item.data),
                sha256=item.sha256,
                encrypted=encrypt,
                uploaded_by=actor.user if actor else None,
            )
            audit.record(
                actor=actor,
                actor_label="system",
                action="files.attachment.add",
                target=attachment,
                changes={"owner": f"{owner._meta.label_lower}:{owner.pk}", "sha256": item.sha256},
            )
            created.append(attachment)
    except BaseException:
        # Bytes written before a failure go at once; a transaction rolled back later by the caller leaves
        # bytes without a row, which orphans_sweep removes.
        for stored_name in written:
            store.blob_delete(area, stored_name)
        raise
    return created


@transaction.atomic
def attachment_add_made(
    *, actor: Actor | None, owner: models.Model, source: Path, name: str, content_type: str
) -> Attachment:
    """Attaches a file the platform itself made (a drill team's log archive), moving it into the store.

    Not for uploads: nothing here checks the content, which never came from outside. The bytes are
    removed again if the row cannot be written; one audit entry.
    """
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    size = source.stat().st_size
    stored_name = store.blob_adopt(AREA, source)
    try:
        attachment = Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(owner),
            object_id=str(owner.pk),
            area=AREA,
            stored_name=stored_name,
            original_name=name[:120],
            content_type_sniffed=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=actor.user if actor else None,
        )
        audit.record(
            actor=actor,
            actor_label="system",
            action="files.attachment.add",
            target=attachment,
            changes={"owner": f"{owner._meta.label_lower}:{owner.pk}", "sha256": attachment.sha256},
        )
    except BaseException:
        store.blob_delete(AREA, stored_name)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Actor | None, attachment: Attachment) -> None:
    """Deletes one attachment (the caller has checked the actor may change its owner); bytes after commit."""
    audit.record(
        actor=actor,
        actor_label="system",
        action="files.attachment.delete",
        target=attachment,
        changes={"sha256": attachment.sha256},
    )
    attachment.delete()


def orphans_sweep(*, older_than_hours: int = 24) -> int:
    """Deletes stored bytes that no attachment row names (left by a rolled-back upload); returns how many.

    Only files older than ``older_than_hours`` are considered, so an upload in progress is never touched.
    Run daily by the task queue; one audit entry when something was removed.
    """
    candidates = set(store.blob_names_older(AREA, seconds=older_than_hours * 3600))
    known = set(Attachment.objects.filter(stored_name__in=candidates).values_list("stored_name", flat=True))
    removed = 0
    for name in sorted(candidates - known):
        try:
            store.blob_delete(AREA, name)
        except ValueError:
            continue  # not a name the store makes: leave it for the operator
        removed += 1
    if removed:
        audit.record(
            actor=None, actor_label="system", action="files.orphans.sweep", changes={"removed": removed}
        )
    return removed
