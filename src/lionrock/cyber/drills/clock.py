"""The exercise clock: time since the start, less the pauses, so injects and deadlines wait while paused."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime

from lionrock.cyber.drills.models import Exercise


def _pauses(exercise: Exercise) -> list[tuple[datetime, datetime | None]]:
    found: list[tuple[datetime, datetime | None]] = []
    for start, end in exercise.pauses:
        begun = parse_datetime(start)
        if begun is not None:
            found.append((begun, parse_datetime(end) if end else None))
    return found


def elapsed(exercise: Exercise, moment: datetime) -> timedelta:
    """Exercise time at `moment`: zero before the start, frozen during a pause and after the end."""
    if exercise.started_at is None or moment <= exercise.started_at:
        return timedelta(0)
    if exercise.ended_at is not None:
        moment = min(moment, exercise.ended_at)
    paused = timedelta(0)
    for start, end in _pauses(exercise):
        stop = min(end or moment, moment)
        if stop > start:
            paused += stop - start
    return max(moment - exercise.started_at - paused, timedelta(0))


def between(exercise: Exercise, earlier: datetime, later: datetime) -> timedelta:
    """Exercise time between two wall-clock moments (a pause in between does not count)."""
    return elapsed(exercise, later) - elapsed(exercise, earlier)
