"""Deleting persons, their identity documents and arrests once the retention period after their last case
has passed (LIONROCK_PERSON_RETENTION_DAYS).

When a person's record is due, precisely, from the arrests (their only link to a case):

* an arrest whose case is concluded (convicted, acquitted, no further action) counts from `concluded_at`,
  when that outcome was last recorded;
* an arrest still under investigation (no case went further) counts from the arrest itself;
* an arrest whose case is before the court (prosecution) is an open case: the person is kept, however old;
* the person is due when the latest of these moments, and the recording of the person, are older than the
  period, no initial screening owed to them is still to be done, and no other module holds them (the
  screening module holds identified and possible victims and persons whose screening is unfinished;
  see person_retention.py).

Nothing else is deleted: operations, premises, reports and the offence catalogue stay, and so do screening
cases, which only lose their link to the deleted person.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.models import Arrest, IdentityDocument, Person, ScreeningOwed
from lionrock.immigration.enforcement.person_retention import persons_held, persons_release
from lionrock.immigration.enforcement.retention_periods import person_retention_days

__all__ = [
    "PERSON_RETENTION_BATCH",
    "PersonRetention",
    "person_retention_days",
    "persons_retention_apply",
]

logger = logging.getLogger(__name__)

PERSON_RETENTION_BATCH = 200


@dataclass
class PersonRetention:
    """What a sweep deleted, or in a dry run would delete; `held` were due but kept by another module."""

    retention_days: int
    dry_run: bool = False
    persons: int = 0
    identity_documents: int = 0
    arrests: int = 0
    screenings_owed: int = 0
    held: int = 0
    batches: int = 0
    person_ids: list[int] = field(default_factory=list)

    def describe(self) -> str:
        """For the task's log and the command's output: counts only, never who."""
        return (
            f"{'Would delete' if self.dry_run else 'Deleted'} {self.retention_days} days after their last "
            f"case: persons {self.persons}, identity documents {self.identity_documents}, "
            f"arrests {self.arrests}, screenings owed {self.screenings_owed}. "
            f"Due but kept, still needed by victim screening: persons {self.held}."
        )


def _persons_due(cutoff: datetime) -> QuerySet[Person]:
    """Persons whose every arrest ended, or was made, before the cutoff, with no screening still owed."""
    recent_or_open = Arrest.objects.filter(person=OuterRef("pk")).filter(
        Q(stage=Arrest.Stage.PROSECUTION)
        | Q(stage=Arrest.Stage.INVESTIGATION, arrested_at__gte=cutoff)
        | Q(stage__in=Arrest.CONCLUDED_STAGES, concluded_at__gte=cutoff)
        | Q(stage__in=Arrest.CONCLUDED_STAGES, concluded_at__isnull=True)
    )
    owed_open = ScreeningOwed.objects.filter(person=OuterRef("pk"), fulfilled_at__isnull=True)
    return (
        Person.objects.filter(created_at__lt=cutoff)
        .exclude(Exists(recent_or_open))
        .exclude(Exists(owed_open))
    )


def _batch_remove(person_ids: list[int], result: PersonRetention) -> None:
    """Counts the persons and what hangs on them and, unless this is a dry run, deletes them, children
    first (arrests and owed screenings are protected links), after every other module has let go of them;
    one audit entry for the batch, with counts only."""
    owed = ScreeningOwed.objects.filter(person_id__in=person_ids)
    arrests = Arrest.objects.filter(person_id__in=person_ids)
    documents = IdentityDocument.objects.filter(person_id__in=person_ids)
    counts = {
        "persons": len(person_ids),
        "identity_documents": documents.count(),
        "arrests": arrests.count(),
        "screenings_owed": owed.count(),
    }
    if not result.dry_run:
        persons_release(person_ids)
        owed.delete()
        arrests.delete()
        documents.delete()
        Person.objects.filter(pk__in=person_ids).delete()
        audit.record(
            actor=None,
            actor_label="retention",
            action="enforcement.person.retention",
            target=("enforcement.person", f"{len(person_ids)} records"),
            changes={**counts, "retention_days": result.retention_days},
            summary=(
                f"Deleted {result.retention_days} days after their last case: persons {counts['persons']}, "
                f"identity documents {counts['identity_documents']}, arrests {counts['arrests']}, "
                f"screenings owed {counts['screenings_owed']}"
            ),
        )
    result.persons += counts["persons"]
    result.identity_documents += counts["identity_documents"]
    result.arrests += counts["arrests"]
    result.screenings_owed += counts["screenings_owed"]
    result.person_ids.extend(person_ids)
    result.batches += 1


def persons_retention_apply(
    *, now: datetime | None = None, batch_size: int = PERSON_RETENTION_BATCH, dry_run: bool = False
) -> PersonRetention:
    """Deletes every person due (see the module's docstring), a batch per transaction, so the sweep never
    holds the database for long and an arrest recorded meanwhile is seen before its person is touched.

    With `dry_run` nothing is deleted or audited; the result says what would have gone.
    """
    now = now or timezone.now()
    result = PersonRetention(retention_days=person_retention_days(), dry_run=dry_run)
    cutoff = now - timedelta(days=result.retention_days)
    after = 0
    while True:
        with transaction.atomic():
            chunk = list(
                _persons_due(cutoff)
                .filter(pk__gt=after)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not chunk:
                break
            after = chunk[-1]
            if not dry_run:
                # Lock, then ask again: an arrest committed since the first question keeps its person.
                list(Person.objects.select_for_update().filter(pk__in=chunk).values_list("pk", flat=True))
                chunk = list(_persons_due(cutoff).filter(pk__in=chunk).values_list("pk", flat=True))
            held = persons_held(chunk)
            result.held += len(held)
            due = sorted(set(chunk) - held)
            if due:
                _batch_remove(due, result)
    logger.info("person retention: %s", result.describe())
    return result
