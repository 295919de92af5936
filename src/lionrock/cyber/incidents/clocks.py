"""Statutory notification clocks, as data with effective dates (see NotificationClock).

The clock that applies is the regime's rule in force on the day the reporter became aware of the incident;
the deadline to notify runs from awareness, the written report's from the notification.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from lionrock.cyber.incidents.models import Incident, NotificationClock, ReportingRegime


@dataclass(frozen=True)
class Deadlines:
    clock: NotificationClock | None
    notify_by: datetime | None
    written_report_by: datetime | None


def clock_in_force(*, regime: ReportingRegime, serious: bool, at: datetime) -> NotificationClock | None:
    day = timezone.localtime(at).date()
    if (regime.effective_from and day < regime.effective_from) or (
        regime.effective_until and day > regime.effective_until
    ):
        return None  # the regime itself was not in force that day
    return (
        NotificationClock.objects.filter(regime=regime, serious=serious, effective_from__lte=day)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gte=day))
        .order_by("-effective_from")
        .first()
    )


def deadlines_for(
    *, regime: ReportingRegime, serious: bool, aware_at: datetime, notified_at: datetime | None
) -> Deadlines:
    clock = clock_in_force(regime=regime, serious=serious, at=aware_at)
    if clock is None:
        return Deadlines(None, None, None)
    notify_by = aware_at + clock.notify_within
    written = None
    if clock.written_report_within is not None:
        written = (notified_at or notify_by) + clock.written_report_within
    return Deadlines(clock, notify_by, written)


def incident_deadlines(incident: Incident) -> Deadlines:
    return deadlines_for(
        regime=incident.regime,
        serious=incident.serious,
        aware_at=incident.aware_at,
        notified_at=incident.submitted_at,
    )
