"""The history of a record's states: one row per step, kept as long as the record itself."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Transition(models.Model):
    """One step of one record from a state to another: who, when, why.

    The owning model declares ``GenericRelation(Transition)`` so the history is deleted with the record
    (retention sweeps included); the audit entry of the step stays in the hash-chained trail.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    # Text, so records with UUID keys have a history too.
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=50)
    from_state = models.CharField(_("from"), max_length=50)
    to_state = models.CharField(_("to"), max_length=50)
    at = models.DateTimeField(_("when"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=254)
    reason = models.TextField(_("why"), blank=True)
    audit_sequence = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        indexes: ClassVar = [models.Index(fields=["content_type", "object_id"], name="workflow_record_idx")]

    def __str__(self) -> str:
        return f"{self.from_state} -> {self.to_state}"
