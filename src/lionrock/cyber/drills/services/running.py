"""Running: the clock (start, pause, resume, end, move forward) and the delivery of injects."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lionrock.core.accounts.access import Actor
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.notifications import Subject
from lionrock.core.notifications.services import notify
from lionrock.cyber.drills import clock, downloads, selectors
from lionrock.cyber.drills.models import (
    Delivery,
    Exercise,
    Inject,
    Team,
)
from lionrock.cyber.drills.services.rules import EXERCISE_FLOW, require_controller
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp


@transaction.atomic
def exercise_start(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    require_controller(actor, exercise)
    exercise.started_at = now or timezone.now()
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.RUNNING, update_fields=["started_at"])
    injects_deliver_due(exercise=exercise, now=exercise.started_at)
    return exercise


@transaction.atomic
def exercise_pause(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    require_controller(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.PAUSED)
    exercise.pauses = [*exercise.pauses, [(now or timezone.now()).isoformat(), None]]
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.PAUSED, update_fields=["pauses"])
    return exercise


@transaction.atomic
def exercise_resume(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    require_controller(actor, exercise)
    EXERCISE_FLOW.check(exercise, Exercise.Status.RUNNING)
    moment = now or timezone.now()
    exercise.pauses = [[start, end or moment.isoformat()] for start, end in exercise.pauses]
    EXERCISE_FLOW.move(actor=actor, record=exercise, to=Exercise.Status.RUNNING, update_fields=["pauses"])
    injects_deliver_due(exercise=exercise, now=moment)
    return exercise


@transaction.atomic
def exercise_end(*, actor: Actor, exercise: Exercise, now: datetime | None = None) -> Exercise:
    """Stops the clock; later sightings and reports in the exercise are refused, never scored."""
    require_controller(actor, exercise)
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
    require_controller(actor, exercise)
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
    if any(d.inject.channel == Inject.Channel.ARTEFACT for d in created):
        # The archives are made once, off the request, as soon as the artefacts are out.
        exercise_id = exercise.pk
        transaction.on_commit(lambda: downloads.drills_artefacts_prepare(exercise_id))
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
