"""Planning: an exercise from a template, its canaries and indicators, and the MSEL."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills.canaries import values_plan
from lionrock.cyber.drills.models import (
    Canary,
    Capability,
    Exercise,
    Expectation,
    Inject,
    Objective,
    Participant,
    Team,
)
from lionrock.cyber.drills.scenarios import Template, template_get
from lionrock.cyber.drills.services.rules import (
    MAX_LINES_PER_TEAM,
    VALUE_TYPE,
    canary_key,
    require_controller,
)
from lionrock.cyber.drills.services.running import injects_deliver_due
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp


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
                        key=canary_key(value.kind, value.value),
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
                    value_type=VALUE_TYPE[canary.kind], value=canary.value
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
    require_controller(actor, exercise)
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
