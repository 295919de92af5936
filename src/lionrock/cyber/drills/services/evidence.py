"""Evidence and scores: sightings, shared indicators and incident reports naming canaries; evaluators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills import selectors
from lionrock.cyber.drills.models import (
    Canary,
    Capability,
    Evidence,
    Exercise,
    Expectation,
    ManualScore,
    Team,
)


def exercise_accepting_require(exercise: Exercise) -> None:
    """Refuses evidence for a drill that has not started or has ended."""
    if exercise.status in (Exercise.Status.ENDED, Exercise.Status.CLOSED):
        raise ValidationFailed(
            _("Exercise %(number)s has ended: it takes no more sightings, reports or shared indicators.")
            % {"number": exercise.pk}
        )
    if exercise.status == Exercise.Status.PLANNED:
        raise ValidationFailed(_("Exercise %(number)s has not started yet.") % {"number": exercise.pk})


def evidence_record(
    *,
    exercise: Exercise,
    organisation_id: int,
    capability: str,
    found: Iterable[tuple[str, datetime, str]],
    by_indicator: bool = False,
) -> int:
    """Keeps the first proof of a capability for each canary or decoy the team named.

    `found` holds (indicator id, or correlation key of a value; when received; source). Called after the
    store has committed (the refusal of a drill that has ended comes first, from `receivers.exercise_open`).
    Only a team's own canaries count: a detection proves who found what.
    """
    exercise_accepting_require(exercise)
    team_id = (
        Team.objects.filter(exercise=exercise, organisation_id=organisation_id)
        .values_list("pk", flat=True)
        .first()
    )
    if team_id is None:
        return 0
    # A team has a handful of canaries and decoys and may send a hundred thousand sightings: the few are
    # read once and each sighting is a dictionary look-up, never a query with every reference in it.
    lookup = "indicator_id" if by_indicator else "key"
    own = dict(Canary.objects.filter(team_id=team_id).values_list(lookup, "pk"))
    first: dict[int, tuple[datetime, str]] = {}
    for ref, received, source in found:
        pk = own.get(ref)
        if pk is not None and (pk not in first or received < first[pk][0]):
            first[pk] = (received, source)
    if not first:
        return 0
    rows = [
        Evidence(team_id=team_id, canary_id=pk, capability=capability, received_at=at, source=source[:200])
        for pk, (at, source) in first.items()
    ]
    Evidence.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def report_evidence_record(
    *, organisation_id: int, keys: Iterable[str], received_at: datetime, source: str
) -> int:
    """The hook for the incident desk: an incident reported by a team naming its canaries (by correlation
    key, `intel.correlation.value_key`) validates the reporting expectation of every running drill the
    organisation plays in; a decoy named counts as a false positive. Returns the canaries matched.

    An incident is a real report, never refused here: one naming a canary of a drill that has ended is
    simply not scored.
    """
    wanted = [key for key in keys if key]
    if not wanted:
        return 0
    matched = 0
    exercises = Exercise.objects.filter(
        status__in=[Exercise.Status.RUNNING, Exercise.Status.PAUSED],
        teams__organisation_id=organisation_id,
        canaries__key__in=wanted,
    ).distinct()
    for exercise in exercises:
        matched += evidence_record(
            exercise=exercise,
            organisation_id=organisation_id,
            capability=Capability.REPORT,
            found=[(key, received_at, source) for key in wanted],
        )
    return matched


@transaction.atomic
def manual_score_set(
    *, actor: Actor, exercise: Exercise, expectation: Expectation, team: Team, score: int, comment: str
) -> ManualScore:
    """An evaluator's score (up to the expectation's worth) with the comment that explains it."""
    if not selectors.standing(actor=actor, exercise=exercise).evaluates:
        raise NotFound
    if expectation.inject.exercise_id != exercise.pk or team.exercise_id != exercise.pk:
        raise NotFound
    if not 0 <= score <= expectation.score:
        raise ValidationFailed(_("The score must be between 0 and %(max)d.") % {"max": expectation.score})
    if not comment.strip():
        raise ValidationFailed(_("Say why: an evaluator's score needs a comment."))
    scored, _created = ManualScore.objects.update_or_create(
        expectation=expectation,
        team=team,
        defaults={
            "score": score,
            "comment": comment.strip(),
            "evaluator": actor.user,
            "scored_at": timezone.now(),
        },
    )
    audit.record(
        actor=actor,
        action="drills.score.manual",
        target=exercise,
        changes={"expectation": expectation.pk, "team": team.pk, "score": score},
    )
    return scored
