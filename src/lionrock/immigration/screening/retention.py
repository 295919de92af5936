"""Screening's answer to enforcement's retention sweep of persons (see enforcement/person_retention.py).

Screening has no retention period of its own, so it cannot say when its records are done with. It holds
what victim protection still needs: a person linked to an identified or a possible victim, or whose
screening is not finished (awaiting the initial screening, a debriefing or a decision). The others (screened
out, or decided not a victim) may go: their case stays, with its own encrypted copy of the details screening
needs, and loses only its link to the enforcement record and to the owed screening being deleted with it.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q

from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.person_retention import PersonRetentionHook
from lionrock.immigration.screening.models import Case

UNFINISHED_STAGES = (Case.Stage.AWAITING_SCREENING, Case.Stage.DEBRIEFING_DUE, Case.Stage.DECISION_PENDING)
VICTIM_STATUSES = (Case.Status.IDENTIFIED, Case.Status.POSSIBLE)


def _cases_of(person_ids: Collection[int]) -> Q:
    """A case names its person directly, and an arrest's case also through the owed screening."""
    return Q(person_id__in=person_ids) | Q(owed__person_id__in=person_ids)


def persons_held_by_screening(person_ids: Collection[int]) -> set[int]:
    """Those of the persons that victim screening still needs."""
    needed = Case.objects.filter(_cases_of(person_ids)).filter(
        Q(stage__in=UNFINISHED_STAGES) | Q(status__in=VICTIM_STATUSES)
    )
    held: set[int] = set()
    for person_id, owed_person_id in needed.values_list("person_id", "owed__person_id"):
        held.update(pk for pk in (person_id, owed_person_id) if pk is not None)
    return held & set(person_ids)


def cases_release_persons(person_ids: Collection[int]) -> None:
    """Unlinks the cases of persons being deleted; called in the sweep's transaction. One audit entry with
    the count: which persons went is in enforcement's own entry, and no name reaches either."""
    released = Case.objects.filter(_cases_of(person_ids)).update(person=None, owed=None)
    if released:
        audit.record(
            actor=None,
            actor_label="retention",
            action="screening.case.retention",
            target=("screening.case", f"{released} records"),
            changes={"cases": released},
            summary=f"Unlinked from enforcement persons deleted by retention: screening cases {released}",
        )


SCREENING_RETENTION_HOOK = PersonRetentionHook(
    name="screening", holds=persons_held_by_screening, release=cases_release_persons
)
