"""The last run of each periodic job, kept by the worker."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.Model):
    """One periodic job's latest run and its totals; written by the worker as each run starts and ends."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("running")
        SUCCESS = "success", _("succeeded")
        FAILURE = "failure", _("failed")

    name = models.CharField(max_length=200, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    # The error's type only: its message may quote data, and the worker's log has it in full.
    last_error = models.CharField(max_length=200, blank=True)
    runs = models.PositiveBigIntegerField(default=0)
    failures = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name
