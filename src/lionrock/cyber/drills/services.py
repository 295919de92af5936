"""Every write of drills: planning from a template, the MSEL, the clock, delivery, evidence and scores.

Each service is keyword-only, runs in one transaction and writes its audit row; refusals are
`ValidationFailed` with a message for the user and change nothing.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.notifications import Subject
from lionrock.core.notifications.services import notify
from lionrock.core.workflow import Workflow
from lionrock.cyber.drills import clock, selectors
from lionrock.cyber.drills.canaries import values_plan
from lionrock.cyber.drills.models import (
    Canary,
    Capability,
    Delivery,
    Evidence,
    Exercise,
    Expectation,
    Finding,
    HotWash,
    Inject,
    ManualScore,
    Objective,
    Participant,
    Team,
)
from lionrock.cyber.drills.scenarios import Template, template_get
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.correlation import value_key
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.matcher.patterns import classify_value

EXERCISE_FLOW = Workflow(
    action="drills.exercise.status",
    field="status",
    steps={
        Exercise.Status.PLANNED: {Exercise.Status.RUNNING},
        Exercise.Status.RUNNING: {Exercise.Status.PAUSED, Exercise.Status.ENDED},
        Exercise.Status.PAUSED: {Exercise.Status.RUNNING, Exercise.Status.ENDED},
        Exercise.Status.ENDED: {Exercise.Status.CLOSED},
    },
    refusal=_("An exercise cannot go from %(before)s to %(after)s."),
)

FINDING_FLOW = Workflow(
    action="drills.finding.status",
    field="status",
    steps={
        Finding.Status.OPEN: {Finding.Status.IN_PROGRESS, Finding.Status.DONE},
        Finding.Status.IN_PROGRESS: {Finding.Status.DONE, Finding.Status.OPEN},
        Finding.Status.DONE: {Finding.Status.IN_PROGRESS},
    },
    refusal=_("A finding cannot go from %(before)s to %(after)s."),
)

_VALUE_TYPE = {"domain": "domain-name", "url": "url", "address": "ipv4-addr"}
MAX_LINES_PER_TEAM = 2_000_000


def _require_planner(actor: Actor, exercise: Exercise) -> None:
    access.require(actor, Role.DRILL_PLANNER, organisation=exercise.organiser_id)


def _require_controller(actor: Actor, exercise: Exercise) -> None:
    if not selectors.standing(actor=actor, exercise=exercise).controls:
        raise NotFound


def _canary_key(kind: str, value: str) -> str:
    normal = classify_value(kind, value)
    return value_key(*normal) if normal else ""


# --- Planning ----------------------------------------------------------------------------------------


@transaction.atomic
def exercise_create(
    *,
    actor: Actor,
    organiser: Organisation,
    template: str,
    teams: Sequence[Organisation],
    starts_at: datetime,
    name_en: str = "",
    name_zh: str = "",
    time_zone: str = "Asia/Hong_Kong",
    lines_per_team: int = 5000,
    controllers: Iterable[User] = (),
    evaluators: Iterable[User] = (),
    observers: Iterable[User] = (),
) -> Exercise:
    """An exercise from a scenario template: its MSEL copied, teams enrolled, canaries planted per team
    and their indicators stored in a new exercise-only TAXII collection (each addressed to its team)."""
    access.require(actor, Role.DRILL_PLANNER, organisation=organiser)
    if actor.user is None:
        raise NotFound
    found = template_get(template)
    if found is None:
        raise ValidationFailed(_("There is no scenario template “%(slug)s”.") % {"slug": template[:80]})
    if not teams:
        raise ValidationFailed(_("An exercise needs at least one participating team."))
    if len({team.pk for team in teams}) != len(teams):
        raise ValidationFailed(_("Each organisation takes part once."))
    if not 100 <= lines_per_team <= MAX_LINES_PER_TEAM:
        raise ValidationFailed(
            _("Log lines per team must be between 100 and %(max)d.") % {"max": MAX_LINES_PER_TEAM}
        )
    if timezone.is_naive(starts_at):
        raise ValidationFailed(_("Give the start with its time zone."))
    exercise = Exercise.objects.create(
        name_en=name_en or found.name_en,
        name_zh=name_zh or found.name_zh,
        scenario=found.scenario_en,
        template=found.slug,
        template_version=found.version,
        organiser=organiser,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=found.duration_minutes),
        time_zone=time_zone,
        seed=secrets.token_hex(8),
        lines_per_team=lines_per_team,
        created_by=actor.user,
    )
    enrolled = [Team.objects.create(exercise=exercise, organisation=org) for org in teams]
    people = [(Participant.Role.CONTROLLER, controllers), (Participant.Role.EVALUATOR, evaluators),
              (Participant.Role.OBSERVER, observers)]  # fmt: skip
    Participant.objects.bulk_create(
        [Participant(exercise=exercise, user=user, role=role) for role, users in people for user in users]
    )
    Objective.objects.bulk_create(
        [
            Objective(
                exercise=exercise, capability=o["capability"], text_en=o["text_en"], text_zh=o["text_zh"]
            )
            for o in found.objectives
        ]
    )
    _msel_copy(exercise, found)
    exercise.collection = intel_services.exercise_collection_create(
        actor=actor,
        owner=organiser,
        alias=f"exercise-{exercise.pk}-{exercise.seed[:6]}",
        title=f"EXERCISE — {exercise.name_en}",
        teams=teams,
    )
    exercise.save(update_fields=["collection"])
    _canaries_plant(actor, exercise, found, enrolled)
    audit.record(
        actor=actor,
        action="drills.exercise.create",
        target=exercise,
        changes={"template": f"{found.slug}@{found.version}", "teams": sorted(t.slug for t in teams)},
    )
    return exercise


def _msel_copy(exercise: Exercise, template: Template) -> None:
    for item in template.injects:
        inject = Inject.objects.create(
            exercise=exercise,
            number=item["number"],
            offset_minutes=item["offset_minutes"],
            title_en=item["title_en"],
            title_zh=item.get("title_zh", ""),
            body_en=item.get("body_en", ""),
            body_zh=item.get("body_zh", ""),
            channel=item["channel"],
            technique=item.get("technique", ""),
        )
        Expectation.objects.bulk_create(
            [
                Expectation(
                    inject=inject,
                    capability=e["capability"],
                    text_en=e["text_en"],
                    text_zh=e.get("text_zh", ""),
                    deadline_minutes=e["deadline_minutes"],
                    score=e["score"],
                )
                for e in item.get("expectations", [])
            ]
        )


def _canaries_plant(actor: Actor, exercise: Exercise, template: Template, teams: list[Team]) -> None:
    """Canaries and decoys for each team and artefact inject, at planned times in the inject's log window,
    and one indicator per canary in the exercise collection addressed to its team only."""
    taken: set[str] = set()
    injects = {inject.number: inject for inject in exercise.injects.all()}
    rows: list[Canary] = []
    for item in template.injects:
        if not item.get("canaries"):
            continue
        inject = injects[item["number"]]
        window = timedelta(minutes=int(item.get("log_window_minutes", 60)))
        until = exercise.starts_at + timedelta(minutes=inject.offset_minutes)
        for team in teams:
            planned = values_plan(
                seed=exercise.seed,
                team=team.organisation.slug,
                inject=inject.number,
                canaries=item["canaries"],
                decoys=int(item.get("decoys", 0)),
                taken=taken,
            )
            step = window / (len(planned) + 1)
            for number, value in enumerate(planned, start=1):
                rows.append(
                    Canary(
                        exercise=exercise,
                        team=team,
                        inject=inject,
                        kind=value.kind,
                        value=value.value,
                        key=_canary_key(value.kind, value.value),
                        is_decoy=value.is_decoy,
                        planned_at=until - window + step * number,
                        indicator_id=""
                        if value.is_decoy
                        else f"indicator--{uuid.uuid5(uuid.NAMESPACE_URL, exercise.seed + value.value)}",
                    )
                )
    Canary.objects.bulk_create(rows)
    _indicators_store(actor, exercise, [row for row in rows if not row.is_decoy], teams)


def _indicators_store(actor: Actor, exercise: Exercise, canaries: list[Canary], teams: list[Team]) -> None:
    if exercise.collection is None:
        return
    now = intel_services.stix_timestamp(timezone.now())
    valid_from = intel_services.stix_timestamp(exercise.starts_at - timedelta(days=1))
    for team in teams:
        objects = [
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": canary.indicator_id,
                "created": now,
                "modified": now,
                "name": f"EXERCISE {exercise.pk} — {canary.kind} {canary.value}",
                "description": "EXERCISE — EXERCISE — EXERCISE / 演習",
                "indicator_types": ["malicious-activity"],
                "pattern": intel_services.pattern_for_value(
                    value_type=_VALUE_TYPE[canary.kind], value=canary.value
                ),
                "pattern_type": "stix",
                "valid_from": valid_from,
                "labels": ["exercise"],
                "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
            }
            for canary in canaries
            if canary.team_id == team.pk
        ]
        if objects:
            intel_services.exercise_objects_add(
                actor=actor,
                collection=exercise.collection,
                objects=objects,
                recipient_organisations=[team.organisation],
            )


@transaction.atomic
def inject_add(
    *,
    actor: Actor,
    exercise: Exercise,
    offset_minutes: int,
    title_en: str,
    title_zh: str = "",
    body_en: str = "",
    body_zh: str = "",
    channel: str = Inject.Channel.INBOX,
    technique: str = "",
    targets: Sequence[Organisation] = (),
    expectations: Sequence[dict[str, Any]] = (),
) -> Inject:
    """Adds a line to the MSEL (planned or ad hoc). Refused after the end or for a team not taking part."""
    _require_controller(actor, exercise)
    if exercise.status in (Exercise.Status.ENDED, Exercise.Status.CLOSED):
        raise ValidationFailed(_("The exercise has ended; its timeline can no longer change."))
    if offset_minutes < 0 or exercise.starts_at + timedelta(minutes=offset_minutes) > exercise.ends_at:
        raise ValidationFailed(
            _("An inject at %(minutes)d minutes falls after the end of the exercise (%(length)d minutes).")
            % {
                "minutes": offset_minutes,
                "length": (exercise.ends_at - exercise.starts_at) // timedelta(minutes=1),
            }
        )
    if channel not in Inject.Channel.values or channel == Inject.Channel.ARTEFACT:
        raise ValidationFailed(_("Choose the inbox, e-mail or TAXII for an added inject."))
    if not title_en.strip():
        raise ValidationFailed(_("Give the inject a title."))
    teams = _teams_of(exercise, targets)
    for expected in expectations:
        if (
            expected.get("capability") not in Capability.values
            or int(expected.get("deadline_minutes", 0)) <= 0
        ):
            raise ValidationFailed(_("Each expected action needs a capability and a deadline in minutes."))
    last = exercise.injects.order_by("-number").values_list("number", flat=True).first() or 0
    inject = Inject.objects.create(
        exercise=exercise,
        number=last + 1,
        offset_minutes=offset_minutes,
        title_en=title_en.strip()[:200],
        title_zh=title_zh.strip()[:200],
        body_en=body_en,
        body_zh=body_zh,
        channel=channel,
        technique=technique.strip()[:16],
        ad_hoc=exercise.status != Exercise.Status.PLANNED,
    )
    inject.targets.set(teams)
    Expectation.objects.bulk_create(
        [
            Expectation(
                inject=inject,
                capability=e["capability"],
                text_en=str(e.get("text_en", ""))[:300],
                text_zh=str(e.get("text_zh", ""))[:300],
                deadline_minutes=int(e["deadline_minutes"]),
                score=int(e.get("score", 100)),
            )
            for e in expectations
        ]
    )
    audit.record(
        actor=actor,
        action="drills.inject.add",
        target=exercise,
        changes={"number": inject.number, "offset": offset_minutes, "teams": [t.pk for t in teams]},
    )
    if exercise.status == Exercise.Status.RUNNING:
        injects_deliver_due(exercise=exercise)
    return inject


def _teams_of(exercise: Exercise, organisations: Sequence[Organisation]) -> list[Team]:
    teams = {team.organisation_id: team for team in exercise.teams.all()}
    chosen: list[Team] = []
    for organisation in organisations:
        if organisation.pk not in teams:
            raise ValidationFailed(
                _("%(organisation)s does not take part in this exercise.") % {"organisation": organisation}
            )
        chosen.append(teams[organisation.pk])
    return chosen


# --- Running: the clock and delivery -----------------------------------------------------------------


@transaction.atomic
def exercise_start(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    _require_controller(actor, exercise)
    exercise.started_at = now or timezone.now()
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.RUNNING, update_fields=["started_at"])
    injects_deliver_due(exercise=exercise, now=exercise.started_at)
    return exercise


@transaction.atomic
def exercise_pause(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    _require_controller(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.PAUSED)
    exercise.pauses = [*exercise.pauses, [(now or timezone.now()).isoformat(), None]]
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.PAUSED, update_fields=["pauses"])
    return exercise


@transaction.atomic
def exercise_resume(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    _require_controller(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.RUNNING)
    moment = now or timezone.now()
    exercise.pauses = [[start, end or moment.isoformat()] for start, end in exercise.pauses]
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.RUNNING, update_fields=["pauses"])
    injects_deliver_due(exercise=exercise, now=moment)
    return exercise


@transaction.atomic
def exercise_end(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    """Stops the clock; later sightings and reports in the exercise are refused, never scored."""
    _require_controller(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.ENDED)
    moment = now or timezone.now()
    exercise.pauses = [[start, end or moment.isoformat()] for start, end in exercise.pauses]
    exercise.ended_at = moment
    EXERCISE_FLOW.move(
        actor=actor, record=exercise, to=Exercise.Status.ENDED, update_fields=["pauses", "ended_at"]
    )
    return exercise


@transaction.atomic
def exercise_shift(*, actor: Actor, exercise: Exercise, minutes: int) -> Exercise:
    """Moves the running clock forward (to skip a quiet stretch); what falls due is delivered at once."""
    _require_controller(actor, exercise)
    if exercise.status != Exercise.Status.RUNNING or exercise.started_at is None:
        raise ValidationFailed(_("Only a running exercise's clock can be moved forward."))
    length = (exercise.ends_at - exercise.starts_at) // timedelta(minutes=1)
    if not 0 < minutes <= length:
        raise ValidationFailed(_("Move the clock forward by 1 to %(length)d minutes.") % {"length": length})
    exercise.started_at -= timedelta(minutes=minutes)
    exercise.save(update_fields=["started_at"])
    audit.record(actor=actor, action="drills.exercise.shift", target=exercise, changes={"minutes": minutes})
    injects_deliver_due(exercise=exercise)
    return exercise


@transaction.atomic
def injects_deliver_due(*, exercise: Exercise, now: datetime | None = None) -> list[Delivery]:
    """Delivers every inject whose time has come on the exercise clock to its teams (once each)."""
    if exercise.status != Exercise.Status.RUNNING:
        return []
    minutes = clock.elapsed(exercise, now or timezone.now()) / timedelta(minutes=1)
    teams = list(exercise.teams.select_related("organisation"))
    done = set(Delivery.objects.filter(inject__exercise=exercise).values_list("inject_id", "team_id"))
    created: list[Delivery] = []
    for inject in exercise.injects.filter(offset_minutes__lte=minutes).prefetch_related("targets"):
        targets = list(inject.targets.all()) or teams
        fresh = [team for team in targets if (inject.pk, team.pk) not in done]
        if not fresh:
            continue
        created += Delivery.objects.bulk_create(
            [Delivery(inject=inject, team=team, delivered_at=now or timezone.now()) for team in fresh]
        )
        _inject_send(exercise, inject, fresh)
    if created:
        audit.record(
            actor=None,
            action="drills.inject.deliver",
            target=exercise,
            changes={"deliveries": [[d.inject_id, d.team_id] for d in created]},
            actor_label="drill clock",
        )
    return created


def _inject_send(exercise: Exercise, inject: Inject, teams: list[Team]) -> None:
    """Tells the players where they work; a TAXII inject is also a note in the exercise collection."""
    for team in teams:
        link = reverse("drills:play", args=[exercise.pk, team.organisation.slug])
        notify(
            actor=None,
            recipients=selectors.players_of(team),
            kind="drills.inject.email" if inject.channel == Inject.Channel.EMAIL else "drills.inject",
            subject=Subject(
                gettext_noop(
                    "EXERCISE — EXERCISE — EXERCISE / 演習: drill %(exercise)s, inject %(number)s has arrived"
                ),
                {"exercise": exercise.pk, "number": inject.number},
            ),
            link=link,
            about=exercise,
        )
    if inject.channel == Inject.Channel.TAXII and exercise.collection is not None:
        from lionrock.core.accounts.access import actor_for_user

        planner = actor_for_user(exercise.created_by)
        now = intel_services.stix_timestamp(timezone.now())
        note = {
            "type": "note",
            "spec_version": "2.1",
            "id": f"note--{uuid.uuid5(uuid.NAMESPACE_URL, f'{exercise.seed}:inject:{inject.pk}')}",
            "created": now,
            "modified": now,
            "abstract": f"EXERCISE — {inject.title_en}",
            "content": f"EXERCISE — EXERCISE — EXERCISE / 演習\n\n{inject.body_en}\n\n{inject.body_zh}",
            "object_refs": [f"identity--{uuid.uuid5(uuid.NAMESPACE_URL, exercise.seed)}"],
            "labels": ["exercise"],
            "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
        }
        intel_services.exercise_objects_add(
            actor=planner,
            collection=exercise.collection,
            objects=[note],
            recipient_organisations=[team.organisation for team in teams],
        )


def exercises_tick(now: datetime | None = None) -> int:
    """The clock's periodic job: delivers what is due in every running exercise."""
    delivered = 0
    for exercise in selectors.exercises_running():
        delivered += len(injects_deliver_due(exercise=exercise, now=now))
    return delivered


# --- Evidence and scores -----------------------------------------------------------------------------


def _exercise_accepting(exercise: Exercise) -> None:
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

    `found` holds (indicator id, or correlation key of a value; when received; source). Runs inside the
    caller's write (the store's transaction), so a refusal stores nothing. Only a team's own canaries
    count: a detection proves who found what.
    """
    _exercise_accepting(exercise)
    team = exercise.teams.filter(organisation_id=organisation_id).first()
    if team is None:
        return 0
    lookup = "indicator_id" if by_indicator else "key"
    wanted: dict[str, tuple[datetime, str]] = {}
    for ref, received, source in found:
        if ref and (ref not in wanted or received < wanted[ref][0]):
            wanted[ref] = (received, source)
    if not wanted:
        return 0
    canaries = Canary.objects.filter(team=team, **{f"{lookup}__in": list(wanted)}).values_list("pk", lookup)
    rows = [
        Evidence(
            team=team,
            canary_id=pk,
            capability=capability,
            received_at=wanted[ref][0],
            source=wanted[ref][1][:200],
        )
        for pk, ref in canaries
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


# --- After the drill ---------------------------------------------------------------------------------


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
    _require_planner(actor, exercise)
    if not text.strip() or not improvement.strip():
        raise ValidationFailed(_("A finding needs what was found and the improvement it calls for."))
    finding = Finding.objects.create(
        exercise=exercise, text=text.strip(), improvement=improvement.strip(), owner=owner, due=due
    )
    audit.record(actor=actor, action="drills.finding.add", target=exercise, changes={"finding": finding.pk})
    return finding


@transaction.atomic
def finding_move(*, actor: Actor, finding: Finding, to: str, reason: str = "") -> Finding:
    _require_planner(actor, finding.exercise)
    FINDING_FLOW.move(actor=actor, record=finding, to=to, reason=reason)
    return finding


@transaction.atomic
def exercise_lessons_set(*, actor: Actor, exercise: Exercise, lessons: str) -> Exercise:
    _require_planner(actor, exercise)
    exercise.lessons = lessons.strip()
    exercise.save(update_fields=["lessons"])
    audit.record(actor=actor, action="drills.exercise.lessons", target=exercise)
    return exercise


@transaction.atomic
def report_approve(*, actor: Actor, exercise: Exercise) -> Exercise:
    """Approves the after-action report and purges the exercise's objects from its collection (audited).

    The scores, timings and findings stay: they are the drill's record.
    """
    _require_planner(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.CLOSED)
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.CLOSED, reason="report approved")
    if exercise.collection is not None:
        intel_services.exercise_collection_purge(actor=actor, collection=exercise.collection)
    return exercise
