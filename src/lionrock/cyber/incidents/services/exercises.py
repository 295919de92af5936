"""Drill reports: purged with their exercise once its after-action report is approved."""

from __future__ import annotations

from django.db import transaction

from lionrock.core.accounts.access import Actor
from lionrock.core.audit import services as audit
from lionrock.cyber.incidents.models import Incident

__all__ = ["exercise_incidents_purge"]


@transaction.atomic
def exercise_incidents_purge(*, actor: Actor, exercise: int) -> int:
    """Deletes every exercise report filed in this exercise, with its evidence files; one audit row.

    Called by the drills app when a planner approves the after-action report (it checks the planner):
    the scores and timings drawn from these reports stay in the drill's record.
    """
    from lionrock.core.files.services import attachment_delete

    rows = Incident.objects.filter(is_exercise=True, exercise_number=exercise)
    references = [ref or f"draft {pk}" for pk, ref in rows.values_list("pk", "reference")]
    if not references:
        return 0
    for incident in rows.prefetch_related("attachments"):
        for attachment in incident.attachments.all():
            attachment_delete(actor=actor, attachment=attachment)
    rows.delete()
    audit.record(
        actor=actor,
        action="incidents.exercise.purge",
        target=("drills.exercise", exercise),
        changes={"incidents": references},
        summary=f"{len(references)} exercise report(s) of exercise {exercise} deleted",
    )
    return len(references)
