"""Match runs over uploaded or watched logs, the sightings they and others report, and alerts on them."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel.models import Collection, StixObject
from lionrock.cyber.intel.tlp import Tlp


class WatchedDirectory(models.Model):
    """A directory on the server whose new log files are matched automatically."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(_("directory"), max_length=1024)
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="+")
    tlp = models.CharField(
        _("TLP of the sightings"), max_length=16, choices=Tlp.choices, default=Tlp.AMBER_STRICT
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_scan_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.path


class MatchRun(models.Model):
    """One pass of the matcher over a set of log files against the indicators their owner may see."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        PARTIAL = "partial", _("done, some files unreadable")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="+")
    tlp = models.CharField(max_length=16, choices=Tlp.choices, default=Tlp.AMBER_STRICT)
    watched = models.ForeignKey(
        WatchedDirectory, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    indicators_used = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    sightings = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)
    error = models.TextField(blank=True)
    # Which worker process runs it ("host:pid") and when it last reported progress: a run whose worker
    # is gone is queued again at the next worker start-up or sweep (failed after MAX_ATTEMPTS tries).
    worker = models.CharField(max_length=255, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has started it: 1 for a run that was never interrupted.
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["status"], name="monitoring_run_status")]

    def __str__(self) -> str:
        return f"run {self.pk}"


class LogFile(models.Model):
    """A file in a run: uploads are kept under the data directory, watched files are read in place."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    path = models.CharField(max_length=1024)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded = models.BooleanField(default=True)
    hits = models.PositiveIntegerField(default=0)
    exit_code = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.name


class WatchedFile(models.Model):
    """A file already picked up from a watched directory (by name, size and modification time)."""

    directory = models.ForeignKey(WatchedDirectory, on_delete=models.CASCADE, related_name="seen_files")
    name = models.CharField(max_length=1024)
    size = models.PositiveBigIntegerField()
    mtime = models.FloatField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["directory", "name", "size", "mtime"], name="watched_file_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Sighting(models.Model):
    """A STIX Sighting stored in the intel store, flattened for aggregation on the dashboard."""

    stix_object = models.OneToOneField(StixObject, on_delete=models.CASCADE, related_name="sighting")
    indicator_id = models.CharField(max_length=120, db_index=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)
    run = models.ForeignKey(MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering: ClassVar = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.indicator_id} x{self.count}"


class Alert(models.Model):
    """Raised once per indicator and reason: several stakeholders, or a high-confidence first sighting."""

    class Kind(models.TextChoices):
        SEVERAL_STAKEHOLDERS = "several", _("sighted by several stakeholders")
        HIGH_CONFIDENCE = "confident", _("first sighting of a high-confidence indicator")

    indicator_id = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    stakeholders = models.PositiveIntegerField(default=1)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-raised_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["indicator_id", "kind"], name="alert_unique_indicator_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.indicator_id}"
