"""How long enforcement keeps what it holds: persons after their last case, and employers' saved
inspection records. Read by the nightly sweeps (services) and by the pages that tell people the date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone


def person_retention_days() -> int:
    """Days a person's record is kept after their last case (LIONROCK_PERSON_RETENTION_DAYS)."""
    return int(settings.LIONROCK_PERSON_RETENTION_DAYS)


def employer_record_retention_days() -> int:
    """Days a saved employer record stays downloadable (LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS)."""
    return int(settings.LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS)


def employer_record_kept_until(saved_at: datetime) -> date:
    """The last day the saved record can be downloaded again; the nightly sweep deletes it after."""
    return timezone.localdate(saved_at + timedelta(days=employer_record_retention_days()))
