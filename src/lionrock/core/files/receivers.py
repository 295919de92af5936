"""The bytes go when the row goes: after the deletion commits, never before (a rollback keeps both)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from lionrock.core.files import store
from lionrock.core.files.models import Attachment


@receiver(post_delete, sender=Attachment, dispatch_uid="files.attachment.bytes")
def attachment_bytes_delete(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    area, name = instance.area, instance.stored_name
    transaction.on_commit(lambda: store.blob_delete(area, name))
