"""Every read of drills, for an actor: who sees which exercise, and a team only ever its own part.

* The organiser's drill planners see all of their exercises.
* Controllers, evaluators and observers named on an exercise see it whole (the white cell).
* A team's players (its members holding the Drill participant role, or named as players) see the
  exercise, their own injects, artefacts, canaries and scores, and nothing of another team.
Forbidden and absent look the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import MembershipRole, User
from lionrock.core.accounts.roles import Role
from lionrock.core.request_memo import memoised
from lionrock.cyber.drills.models import (
    Canary,
    Delivery,
    Exercise,
    Finding,
    HotWash,
    Inject,
    Participant,
    Team,
)
from lionrock.cyber.drills.scoring import Scoreboard, scoreboard_compute
from lionrock.cyber.incidents.exercises import ExerciseRef

WHITE_CELL = (Participant.Role.CONTROLLER, Participant.Role.EVALUATOR, Participant.Role.OBSERVER)


def _user_id(actor: Actor) -> int | None:
    return actor.user.pk if actor.user is not None else None


def exercises_visible(*, actor: Actor) -> QuerySet[Exercise]:
    """Every exercise the actor plans, runs, evaluates, observes or plays in."""
    if actor.user is None:
        return Exercise.objects.none()
    planning = actor.organisations_with(Role.DRILL_PLANNER)
    playing = actor.organisations_with(Role.DRILL_PARTICIPANT)
    named = Participant.objects.filter(user_id=actor.user.pk).values("exercise_id")
    teams = Team.objects.filter(organisation_id__in=playing).values("exercise_id")
    return (
        Exercise.objects.filter(Q(organiser_id__in=planning) | Q(pk__in=named) | Q(pk__in=teams))
        .select_related("organiser", "collection")
        .distinct()
    )


def exercises_listed(*, actor: Actor, limit: int = 200) -> list[Exercise]:
    """The exercises of exercises_visible, newest first, each with its teams and their organisations
    read in one query for the whole list (the page counts them, the API names them)."""
    return exercise_teams_read(list(exercises_visible(actor=actor)[:limit]))


def exercise_teams_read(exercises: list[Exercise]) -> list[Exercise]:
    """Reads the teams of these exercises, by organisation slug, into `exercise.teams.all()`."""
    prefetch_related_objects(
        exercises,
        Prefetch(
            "teams", queryset=Team.objects.select_related("organisation").order_by("organisation__slug")
        ),
    )
    return exercises


def _actor_key(actor: Actor) -> tuple[int | None, frozenset[int], frozenset[int]]:
    """What decides an actor's place in drills: the user, and where they plan and play."""
    return (
        _user_id(actor),
        actor.organisations_with(Role.DRILL_PLANNER),
        actor.organisations_with(Role.DRILL_PARTICIPANT),
    )


def exercise_get(*, actor: Actor, pk: int | str) -> Exercise:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    exercise = memoised(
        ("drills.exercise", _actor_key(actor), key),
        lambda: exercises_visible(actor=actor).filter(pk=key).first(),
    )
    if exercise is None:
        raise NotFound
    return exercise


@dataclass(frozen=True)
class Standing:
    """What the actor is in one exercise."""

    planner: bool
    roles: frozenset[str]
    teams: tuple[Team, ...]

    @property
    def white_cell(self) -> bool:
        return self.planner or bool(self.roles & {str(role) for role in WHITE_CELL})

    @property
    def controls(self) -> bool:
        return self.planner or Participant.Role.CONTROLLER in self.roles

    @property
    def evaluates(self) -> bool:
        return self.planner or Participant.Role.EVALUATOR in self.roles


def standing(*, actor: Actor, exercise: Exercise) -> Standing:
    """Asked by nearly every panel of an exercise's page: worked out once per page view."""
    return memoised(("drills.standing", _actor_key(actor), exercise.pk), lambda: _standing(actor, exercise))


def _standing(actor: Actor, exercise: Exercise) -> Standing:
    user_id = _user_id(actor)
    named = (
        list(Participant.objects.filter(exercise=exercise, user_id=user_id).select_related("team"))
        if user_id is not None
        else []
    )
    playing = actor.organisations_with(Role.DRILL_PARTICIPANT)
    teams = exercise.teams.filter(organisation_id__in=playing).select_related("organisation").order_by("pk")
    return _standing_of(actor, exercise, named, list(teams))


def _standing_of(actor: Actor, exercise: Exercise, named: list[Participant], playing: list[Team]) -> Standing:
    """The actor's standing from its named places in the exercise and the teams of its organisations."""
    teams = {team.pk: team for team in playing}
    for person in named:
        if person.role == Participant.Role.PLAYER and person.team is not None:
            teams.setdefault(person.team.pk, person.team)
    planner = actor.has_role(Role.DRILL_PLANNER, exercise.organiser_id)
    return Standing(planner, frozenset(str(p.role) for p in named), tuple(teams.values()))


def standings_of(*, actor: Actor, exercises: list[Exercise]) -> dict[int, Standing]:
    """standing() for every exercise of a list (from exercises_listed, teams read) in one query more,
    so that the list can link each reader straight to their own part of each exercise."""
    user_id = _user_id(actor)
    named: dict[int, list[Participant]] = {}
    if user_id is not None and exercises:
        for person in Participant.objects.filter(
            exercise__in=[exercise.pk for exercise in exercises], user_id=user_id
        ).select_related("team__organisation"):
            named.setdefault(person.exercise_id, []).append(person)
    playing = actor.organisations_with(Role.DRILL_PARTICIPANT)
    found: dict[int, Standing] = {}
    for exercise in exercises:
        teams = sorted(
            (team for team in exercise.teams.all() if team.organisation_id in playing), key=lambda t: t.pk
        )
        found[exercise.pk] = _standing_of(actor, exercise, named.get(exercise.pk, []), teams)
    return found


def require_white_cell(*, actor: Actor, exercise: Exercise) -> Standing:
    found = standing(actor=actor, exercise=exercise)
    if not found.white_cell:
        raise NotFound
    return found


def teams_seen(*, actor: Actor, exercise: Exercise) -> list[Team]:
    """All teams for the white cell; a player's own team(s) only."""
    found = standing(actor=actor, exercise=exercise)
    if found.white_cell:
        return list(
            memoised(
                ("drills.teams", exercise.pk),
                lambda: list(exercise.teams.select_related("organisation").order_by("organisation__name_en")),
            )
        )
    return list(found.teams)


def team_get(*, actor: Actor, exercise: Exercise, organisation: str) -> Team:
    """A team by its organisation's short code, if the actor may see it (its players, the white cell)."""
    for team in teams_seen(actor=actor, exercise=exercise):
        if team.organisation.slug == organisation:
            return team
    raise NotFound


def scoreboard(*, actor: Actor, exercise: Exercise, injects: Sequence[Inject] | None = None) -> Scoreboard:
    """`injects`: the timeline `msel` gave the same reader, when the page shows both (read here otherwise)."""
    teams = teams_seen(actor=actor, exercise=exercise)
    return scoreboard_compute(exercise, teams, list(_timeline(exercise)) if injects is None else injects)


def injects_for_team(*, actor: Actor, exercise: Exercise, team: Team) -> QuerySet[Delivery]:
    """What has reached this team so far, newest first."""
    if team not in teams_seen(actor=actor, exercise=exercise):
        raise NotFound
    return Delivery.objects.filter(team=team).select_related("inject").order_by("-delivered_at", "-pk")


def msel(*, actor: Actor, exercise: Exercise) -> QuerySet[Inject]:
    """The whole timeline, with expectations and targets: the white cell's view."""
    require_white_cell(actor=actor, exercise=exercise)
    return _timeline(exercise)


def _timeline(exercise: Exercise) -> QuerySet[Inject]:
    """The injects in order, with what scoring and the timeline need of each."""
    return exercise.injects.prefetch_related("expectations", "targets", "deliveries")


def canaries_of(*, actor: Actor, exercise: Exercise, team: Team) -> QuerySet[Canary]:
    """A team's planted values: the white cell sees them; a team sees none until the drill has ended."""
    found = standing(actor=actor, exercise=exercise)
    ended = exercise.status in (Exercise.Status.ENDED, Exercise.Status.CLOSED)
    if not (found.white_cell or (ended and team in found.teams)):
        raise NotFound
    return Canary.objects.filter(team=team).order_by("planned_at", "pk")


def findings_of(*, actor: Actor, exercise: Exercise) -> QuerySet[Finding]:
    exercise_get(actor=actor, pk=exercise.pk)
    return exercise.findings.select_related("owner")


def players_of(team: Team) -> QuerySet[User]:
    """Who receives a team's injects: its members with the Drill participant role, and named players."""
    holders = MembershipRole.objects.filter(
        role=Role.DRILL_PARTICIPANT,
        membership__organisation_id=team.organisation_id,
        membership__is_active=True,
        membership__user__is_active=True,
    ).values("membership__user_id")
    named = Participant.objects.filter(team=team, role=Participant.Role.PLAYER).values("user_id")
    return User.objects.filter(Q(pk__in=holders) | Q(pk__in=named), is_active=True)


def exercises_running() -> QuerySet[Exercise]:
    """For the clock's periodic job (the system, not a person)."""
    return Exercise.objects.filter(status=Exercise.Status.RUNNING)


@dataclass(frozen=True)
class TeamTrend:
    """One organisation across the finished drills the actor may compare: is it getting faster?"""

    organisation: str
    results: list[tuple[Exercise, float | None, float | None, float]]  # detect, report (minutes), score %


def team_trends(*, actor: Actor, limit: int = 10) -> list[TeamTrend]:
    """Minutes to detect and to report and the share of the score, per team, over the latest finished
    drills the actor runs (the white cell) or plays in (its own team only), oldest first."""
    finished = list(
        exercises_visible(actor=actor)
        .filter(status__in=[Exercise.Status.ENDED, Exercise.Status.CLOSED])
        .order_by("-starts_at")[:limit]
    )
    by_team: dict[str, list[tuple[Exercise, float | None, float | None, float]]] = {}
    for exercise in reversed(finished):
        for board in scoreboard(actor=actor, exercise=exercise).teams:
            share = round(100 * board.total / board.possible, 1) if board.possible else 0.0
            by_team.setdefault(str(board.team.organisation), []).append(
                (exercise, board.minutes_to("detect"), board.minutes_to("report"), share)
            )
    return [TeamTrend(name, rows) for name, rows in sorted(by_team.items())]


def hotwash_answers(*, actor: Actor, exercise: Exercise) -> QuerySet[HotWash]:
    """The white cell reads every team's answers; a player those of its own team."""
    teams = teams_seen(actor=actor, exercise=exercise)
    return HotWash.objects.filter(exercise=exercise, team__in=teams).select_related("team__organisation")


def canary_keys_live() -> list[str]:
    """The correlation keys of every canary and decoy of the drills under way (for the system's evidence
    receivers: which incident reports to look at)."""
    return list(
        Canary.objects.filter(exercise__status__in=[Exercise.Status.RUNNING, Exercise.Status.PAUSED])
        .exclude(key="")
        .values_list("key", flat=True)
    )


_ON = (Exercise.Status.RUNNING, Exercise.Status.PAUSED)


def desk_exercises_running_for(organisation_id: int) -> list[ExerciseRef]:
    """For the incident desk (the system): the drills under way this organisation plays in as a team."""
    rows = Exercise.objects.filter(status__in=_ON, teams__organisation_id=organisation_id).distinct()
    return [ExerciseRef(row.pk, row.name_en) for row in rows.order_by("starts_at", "pk")]


def desk_exercise_named(organisation_id: int, keys: Sequence[str]) -> ExerciseRef | None:
    """For the incident desk (the system): the drill under way whose canary or decoy, planted for this
    organisation's own team, one of these correlation keys names; such a report is a drill report."""
    canary = (
        Canary.objects.filter(
            key__in=[key for key in keys if key],
            team__organisation_id=organisation_id,
            exercise__status__in=_ON,
        )
        .select_related("exercise")
        .order_by("exercise__starts_at", "pk")
        .first()
    )
    return ExerciseRef(canary.exercise.pk, canary.exercise.name_en) if canary is not None else None
