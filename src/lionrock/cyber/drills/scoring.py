"""The scoreboard: for each team and expected action, what proves it, when, how fast, and what it scores.

The rule, the same on the live board, the API, the player's page and the after-action report:
* detect, report and share are validated by evidence only (a sighting of the team's own canary, an
  incident report naming it, an indicator naming it shared in the exercise collection); the first piece
  of evidence for any canary of the inject counts, and its time is when Lionrock received it;
* the time taken runs on the exercise clock from the inject's delivery to that team (pauses excluded);
* the full score is earned up to the deadline; after it the score falls linearly to nothing at twice the
  deadline;
* contain and communicate (and any action an evaluator scores) take the evaluator's score and comment;
* every decoy a team reported is a false positive; every canary of a delivered inject the team did not
  detect is a missed canary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.cyber.drills import clock
from lionrock.cyber.drills.models import (
    Canary,
    Capability,
    Evidence,
    Exercise,
    Expectation,
    Inject,
    ManualScore,
    Team,
)

STATUS_LABELS = {
    "not_delivered": _("not delivered yet"),
    "pending": _("waiting"),
    "overdue": _("overdue"),
    "validated": _("validated"),
    "late": _("validated after the deadline"),
    "missed": _("missed"),
    "evaluated": _("scored by an evaluator"),
}


@dataclass
class ResultRow:
    """One team's result on one expected action."""

    expectation: Expectation
    status: str
    delivered_at: datetime | None = None
    validated_at: datetime | None = None
    taken: timedelta | None = None
    score: float = 0.0
    evidence: str = ""
    comment: str = ""
    evaluator: str = ""

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def minutes(self) -> float | None:
        return None if self.taken is None else round(self.taken.total_seconds() / 60, 1)


@dataclass
class TeamBoard:
    team: Team
    rows: list[ResultRow] = field(default_factory=list)
    false_positives: list[Canary] = field(default_factory=list)
    missed_canaries: list[Canary] = field(default_factory=list)
    detected_canaries: int = 0

    @property
    def total(self) -> float:
        return round(sum(row.score for row in self.rows), 1)

    @property
    def possible(self) -> int:
        return sum(row.expectation.score for row in self.rows)

    def minutes_to(self, capability: str) -> float | None:
        """The team's fastest validated time for one capability, in exercise minutes."""
        times = [
            row.minutes
            for row in self.rows
            if row.expectation.capability == capability and row.minutes is not None
        ]
        return min(times) if times else None


@dataclass
class Scoreboard:
    exercise: Exercise
    teams: list[TeamBoard]

    def distribution(self, capability: str) -> dict[str, float | None]:
        times = [m for board in self.teams if (m := board.minutes_to(capability)) is not None]
        return {
            "teams": len(times),
            "fastest": min(times) if times else None,
            "median": round(median(times), 1) if times else None,
            "slowest": max(times) if times else None,
        }


def decayed(full: int, taken: timedelta, deadline: timedelta) -> float:
    """The full score by the deadline, then linearly less until nothing at twice the deadline."""
    if taken <= deadline:
        return float(full)
    if deadline.total_seconds() <= 0 or taken >= 2 * deadline:
        return 0.0
    return round(full * (1 - (taken - deadline) / deadline), 1)


def scoreboard_compute(
    exercise: Exercise, teams: list[Team], injects: Sequence[Inject], now: datetime | None = None
) -> Scoreboard:
    """The scoreboard of these teams (all of them for the white cell, one for its own players).

    `injects`: the exercise's whole timeline with its expectations, targets and deliveries prefetched
    (the selectors read it once, and the white cell's page shows the same list). A fixed number of
    queries whatever the number of teams, canaries or pieces of evidence.
    """
    now = now or timezone.now()
    team_ids = [team.pk for team in teams]
    expectations = sorted(
        (expectation for inject in injects for expectation in inject.expectations.all()),
        key=lambda e: (e.inject.offset_minutes, e.inject.number, e.pk),
    )
    wanted = set(team_ids)
    deliveries = {
        (d.inject_id, d.team_id): d.delivered_at
        for inject in injects
        for d in inject.deliveries.all()
        if d.team_id in wanted
    }
    canaries = list(
        Canary.objects.filter(exercise=exercise, team_id__in=team_ids).order_by("planned_at", "pk")
    )
    first: dict[tuple[int, int, str], Evidence] = {}
    for evidence in Evidence.objects.filter(team_id__in=team_ids, canary__exercise=exercise).order_by(
        "received_at", "pk"
    ):
        first.setdefault((evidence.team_id, evidence.canary_id, evidence.capability), evidence)
    manual = {
        (score.expectation_id, score.team_id): score
        for score in ManualScore.objects.filter(team_id__in=team_ids).select_related("evaluator")
    }
    by_inject: dict[tuple[int, int], list[Canary]] = {}
    for canary in canaries:
        by_inject.setdefault((canary.team_id, canary.inject_id), []).append(canary)
    ended = exercise.status in (Exercise.Status.ENDED, Exercise.Status.CLOSED)
    boards: list[TeamBoard] = []
    for team in teams:
        board = TeamBoard(team)
        for expectation in expectations:
            targets = {t.pk for t in expectation.inject.targets.all()}
            if targets and team.pk not in targets:
                continue
            board.rows.append(
                _row(exercise, team, expectation, deliveries, by_inject, first, manual, ended, now)
            )
        for canary in canaries:
            if canary.team_id != team.pk:
                continue
            reported = any((team.pk, canary.pk, c) in first for c in Capability.values)
            if canary.is_decoy and reported:
                board.false_positives.append(canary)
            elif not canary.is_decoy and (canary.inject_id, team.pk) in deliveries:
                if (team.pk, canary.pk, Capability.DETECT) in first:
                    board.detected_canaries += 1
                else:
                    board.missed_canaries.append(canary)
        boards.append(board)
    return Scoreboard(exercise, boards)


def _row(
    exercise: Exercise,
    team: Team,
    expectation: Expectation,
    deliveries: dict[tuple[int, int], datetime],
    by_inject: dict[tuple[int, int], list[Canary]],
    first: dict[tuple[int, int, str], Evidence],
    manual: dict[tuple[int, int], ManualScore],
    ended: bool,
    now: datetime,
) -> ResultRow:
    delivered = deliveries.get((expectation.inject_id, team.pk))
    if delivered is None:
        return ResultRow(expectation, "not_delivered")
    deadline = timedelta(minutes=expectation.deadline_minutes)
    row = ResultRow(expectation, "pending", delivered_at=delivered)
    if expectation.automatic:
        proofs = [
            evidence
            for canary in by_inject.get((team.pk, expectation.inject_id), [])
            if not canary.is_decoy
            if (evidence := first.get((team.pk, canary.pk, expectation.capability))) is not None
        ]
        if proofs:
            proof = min(proofs, key=lambda e: e.received_at)
            row.validated_at = proof.received_at
            row.taken = clock.between(exercise, delivered, proof.received_at)
            row.score = decayed(expectation.score, row.taken, deadline)
            row.status = "validated" if row.taken <= deadline else "late"
            row.evidence = proof.source
    scored = manual.get((expectation.pk, team.pk))
    if scored is not None:
        row.status, row.score = "evaluated", float(min(scored.score, expectation.score))
        row.comment, row.evaluator = scored.comment, scored.evaluator.full_name or scored.evaluator.email
    if row.status == "pending":
        if ended:
            row.status = "missed"
        elif clock.between(exercise, delivered, now) > deadline:
            row.status = "overdue"
    return row
