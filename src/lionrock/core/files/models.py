"""Files attached to any record, kept as long as the record."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    """A file attached to a record (an incident's evidence, an inject, a press release's image).

    The bytes live under DATA_DIR/files/<area>/<stored_name>, never under the web root; the owning model
    declares ``GenericRelation(Attachment)`` so the rows (and, after commit, the bytes) go with the record.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    area = models.CharField(max_length=40)
    stored_name = models.CharField(max_length=32, unique=True)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type_sniffed = models.CharField(_("type"), max_length=60)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    encrypted = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes: ClassVar = [models.Index(fields=["content_type", "object_id"], name="attachment_owner_idx")]

    def __str__(self) -> str:
        return self.original_name
