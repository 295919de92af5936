"""The drill's workflows and the checks every write shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Role
from lionrock.core.workflow import Workflow
from lionrock.cyber.drills import selectors
from lionrock.cyber.drills.models import (
    Exercise,
    Finding,
)
from lionrock.cyber.intel.correlation import value_key
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

VALUE_TYPE = {"domain": "domain-name", "url": "url", "address": "ipv4-addr"}
MAX_LINES_PER_TEAM = 2_000_000


def require_planner(actor: Actor, exercise: Exercise) -> None:
    access.require(actor, Role.DRILL_PLANNER, organisation=exercise.organiser_id)


def require_controller(actor: Actor, exercise: Exercise) -> None:
    if not selectors.standing(actor=actor, exercise=exercise).controls:
        raise NotFound


def canary_key(kind: str, value: str) -> str:
    normal = classify_value(kind, value)
    return value_key(*normal) if normal else ""
