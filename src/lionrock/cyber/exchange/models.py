"""Imports awaiting confirmation or done, and remote TAXII collections polled into local collections."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import User
from lionrock.cyber.intel.models import Collection


class ImportRun(models.Model):
    """One file imported into one collection: a parsed draft the analyst previews, then the outcome.

    The converted objects are kept only while the draft waits for confirmation; a finished import keeps
    its counts and flags, not the objects (those are in the store).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting confirmation")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(_("file"), max_length=255)
    format = models.CharField(_("format"), max_length=16)
    tlp = models.CharField(_("TLP for unmarked objects"), max_length=16, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    objects_json = models.TextField(blank=True)
    counts = models.JSONField(default=dict, blank=True)
    flagged = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    # What was done to accepted objects on the way in ("<id>: the collection's default marking added").
    notes = models.JSONField(default=list, blank=True)
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["created_by", "-created_at"], name="import_by_user")]

    def __str__(self) -> str:
        return f"{self.filename} -> {self.collection}"


class Feed(models.Model):
    """A remote TAXII 2.1 collection polled on a schedule into a local collection.

    Credentials: a username with a password, or a bearer token. The secret is either sealed in
    `secret_sealed` (Fernet, key derived from the server's secret) or named by `secret_env`, the
    environment variable that holds it, so that no secret need be stored at all.
    """

    class Auth(models.TextChoices):
        NONE = "none", _("None")
        BASIC = "basic", _("Username and password")
        BEARER = "bearer", _("Bearer token")

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("TAXII 2.1 collection URL"), max_length=500)
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="feeds")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    auth = models.CharField(_("authentication"), max_length=8, choices=Auth.choices, default=Auth.NONE)
    username = models.CharField(_("username"), max_length=200, blank=True)
    secret_sealed = models.TextField(blank=True)
    secret_env = models.CharField(_("environment variable holding the secret"), max_length=100, blank=True)
    verify_tls = models.BooleanField(_("verify the server's certificate"), default=True)
    interval_minutes = models.PositiveIntegerField(_("minutes between polls"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    added_after = models.CharField(max_length=40, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]
        indexes: ClassVar = [models.Index(fields=["is_active", "next_poll_at"], name="feed_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_failing(self) -> bool:
        return self.consecutive_failures > 0


class FeedPoll(models.Model):
    """One poll of a feed: what came back, what was stored, and how it ended."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="polls")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OK)
    pages = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    added_after_before = models.CharField(max_length=40, blank=True)
    added_after_after = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.feed} @ {self.started_at:%Y-%m-%d %H:%M}"
