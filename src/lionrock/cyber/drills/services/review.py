"""After the drill: the hot wash, findings and their follow-up, lessons, and approving the report."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills import downloads, selectors
from lionrock.cyber.drills.models import (
    Exercise,
    Finding,
    HotWash,
    Team,
)
from lionrock.cyber.drills.services.rules import EXERCISE_FLOW, FINDING_FLOW, require_planner
from lionrock.cyber.incidents import services as incident_services
from lionrock.cyber.intel import services as intel_services


@transaction.atomic
def hotwash_submit(
    *, actor: Actor, exercise: Exercise, team: Team, went_well: str, to_improve: str
) -> HotWash:
    """A player's hot-wash answers, once the drill has ended; one set per person (a second replaces it)."""
    if team not in selectors.standing(actor=actor, exercise=exercise).teams or actor.user is None:
        raise NotFound
    if exercise.status != Exercise.Status.ENDED:
        raise ValidationFailed(_("The hot-wash questionnaire opens when the exercise ends."))
    if not went_well.strip() or not to_improve.strip():
        raise ValidationFailed(_("Answer both questions."))
    answers, _created = HotWash.objects.update_or_create(
        exercise=exercise,
        respondent=actor.user,
        defaults={"team": team, "went_well": went_well.strip(), "to_improve": to_improve.strip()},
    )
    audit.record(actor=actor, action="drills.hotwash.submit", target=exercise, changes={"team": team.pk})
    return answers


@transaction.atomic
def finding_add(
    *, actor: Actor, exercise: Exercise, text: str, improvement: str, owner: Organisation, due: date
) -> Finding:
    require_planner(actor, exercise)
    if not text.strip() or not improvement.strip():
        raise ValidationFailed(_("A finding needs what was found and the improvement it calls for."))
    finding = Finding.objects.create(
        exercise=exercise, text=text.strip(), improvement=improvement.strip(), owner=owner, due=due
    )
    audit.record(actor=actor, action="drills.finding.add", target=exercise, changes={"finding": finding.pk})
    return finding


@transaction.atomic
def finding_move(*, actor: Actor, finding: Finding, to: str, reason: str = "") -> Finding:
    require_planner(actor, finding.exercise)
    FINDING_FLOW.move(actor=actor, record=finding, to=to, reason=reason)
    return finding


@transaction.atomic
def exercise_lessons_set(*, actor: Actor, exercise: Exercise, lessons: str) -> Exercise:
    require_planner(actor, exercise)
    exercise.lessons = lessons.strip()
    exercise.save(update_fields=["lessons"])
    audit.record(actor=actor, action="drills.exercise.lessons", target=exercise)
    return exercise


@transaction.atomic
def report_approve(*, actor: Actor, exercise: Exercise) -> Exercise:
    """Approves the after-action report and purges the exercise's objects from its collection, the
    teams' stored artefacts and its teams' exercise reports from the incident desk (each audited).

    The scores, timings and findings stay: they are the drill's record.
    """
    require_planner(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.CLOSED)
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.CLOSED, reason="report approved")
    if exercise.collection is not None:
        intel_services.exercise_collection_purge(actor=actor, collection=exercise.collection)
    downloads.exercise_artefacts_purge(actor=actor, exercise=exercise)
    incident_services.exercise_incidents_purge(actor=actor, exercise=exercise.pk)
    return exercise
