"""Keeping each periodic job's last run, from Huey's signals, in the worker."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING

from lionrock.core.jobs.models import JobState

logger = logging.getLogger(__name__)


def job_name(task: Any) -> str:
    """A periodic task's registry name: ``module.function``."""
    cls = task if isinstance(task, type) else type(task)
    return f"{cls.__module__}.{cls.__name__}"


def _record(signal: str, task: Any, *args: Any) -> None:
    if not isinstance(task, PeriodicTask):
        return
    now = timezone.now()
    name = job_name(task)
    try:
        with transaction.atomic():
            state, _created = JobState.objects.get_or_create(name=name)
            if signal == SIGNAL_EXECUTING:
                JobState.objects.filter(pk=state.pk).update(
                    last_started_at=now, last_outcome=JobState.Outcome.RUNNING
                )
            elif signal == SIGNAL_COMPLETE:
                JobState.objects.filter(pk=state.pk).update(
                    last_finished_at=now,
                    last_outcome=JobState.Outcome.SUCCESS,
                    last_error="",
                    runs=F("runs") + 1,
                )
            else:
                error = type(args[0]).__name__ if args else "error"
                JobState.objects.filter(pk=state.pk).update(
                    last_finished_at=now,
                    last_outcome=JobState.Outcome.FAILURE,
                    last_error=error[:200],
                    runs=F("runs") + 1,
                    failures=F("failures") + 1,
                )
    except Exception:  # keeping the record must never stop the job itself
        logger.exception("periodic job %s: its run could not be recorded", name)
    finally:
        # The worker's threads hold no connection between runs (the job's own one was closed already).
        if not connection.in_atomic_block:
            connection.close()


def connect() -> None:
    """Connects the recorder to Huey's signals (once, from the app's ready())."""
    HUEY.signal(SIGNAL_EXECUTING, SIGNAL_COMPLETE, SIGNAL_ERROR)(_record)
