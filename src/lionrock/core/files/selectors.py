"""Reading attachments: a record's list, and one file for download behind the owner's access check."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.audit import services as audit
from lionrock.core.files.models import Attachment
from lionrock.core.files.registry import access_check


def attachments_for(*, owner: models.Model) -> QuerySet[Attachment]:
    """The files of ``owner``, oldest first. The caller has read ``owner`` through its own selector."""
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(owner), object_id=str(owner.pk)
    )


def attachment_get(*, actor: Actor, attachment_id: int) -> Attachment:
    """One attachment the actor may download: its owner exists and the owner's module says yes.

    Forbidden and absent look the same (``NotFound``). An encrypted file's download is an audited read
    (it holds personal data).
    """
    attachment = Attachment.objects.select_related("content_type").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(str(attachment_id))
    label = f"{attachment.content_type.app_label}.{attachment.content_type.model}"
    check = access_check(label)
    owner = attachment.owner
    if check is None or owner is None or not check(actor, owner):
        raise NotFound(str(attachment_id))
    if attachment.encrypted:
        audit.record_read(actor=actor, target_type="files.attachment", target_ids=[attachment.pk])
    return attachment
