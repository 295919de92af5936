"""The one thing the TAXII server stores itself: status resources of object uploads (TAXII 2.1 4.3)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import ApiToken, User
from lionrock.cyber.intel.models import Collection


class Status(models.Model):
    """One POST of an envelope: pending until the worker has stored or refused each of its objects.

    The envelope waits in `payload`, as posted, until then and is dropped once complete, so a status row
    stays small. Its pendings are the envelope's objects not yet among successes or failures, read from
    `payload` when the status is read rather than written per object. Only the person who posted may read it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        COMPLETE = "complete", _("complete")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    request_timestamp = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    total_count = models.PositiveIntegerField(default=0)
    success_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(default=0)
    successes = models.JSONField(default=list, blank=True)
    failures = models.JSONField(default=list, blank=True)
    payload = models.TextField(blank=True)
    # The worker process storing it ("host:pid") and when it took it, or when the sweep last queued it
    # again: an upload whose worker is gone is queued again for another.
    worker = models.CharField(max_length=255, blank=True)
    worker_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("TAXII upload status")
        verbose_name_plural = _("TAXII upload statuses")
        ordering: ClassVar = ["-request_timestamp"]
        indexes: ClassVar = [models.Index(fields=["user", "request_timestamp"], name="taxii_status_user")]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"
