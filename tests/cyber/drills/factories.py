"""A small drill world: the policy office's planner and two teams, each with a player."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.drills import services
from lionrock.cyber.drills.models import Exercise
from tests.core.accounts.factories import OrganisationFactory, member_make

PLAYER_ROLES = (Role.DRILL_PARTICIPANT, Role.INTEL_STAKEHOLDER, Role.MONITORING_OPERATOR)


@dataclass
class DrillWorld:
    office: Organisation
    planner: Actor
    team_a: Organisation
    player_a: Actor
    team_b: Organisation
    player_b: Actor
    outsider: Actor


def world_make() -> DrillWorld:
    office = OrganisationFactory(
        slug="policy-office", name_en="Digital Policy Office", name_zh="數字政策辦公室"
    )
    team_a = OrganisationFactory(slug="team-a", name_en="Alpha ISP", name_zh="甲網絡")
    team_b = OrganisationFactory(slug="team-b", name_en="Bravo Registry", name_zh="乙註冊")
    planner = actor_for_user(member_make([Role.DRILL_PLANNER], organisation=office).user)
    player_a = actor_for_user(member_make(PLAYER_ROLES, organisation=team_a).user)
    player_b = actor_for_user(member_make(PLAYER_ROLES, organisation=team_b).user)
    outsider = actor_for_user(member_make(PLAYER_ROLES).user)
    return DrillWorld(office, planner, team_a, player_a, team_b, player_b, outsider)


def exercise_make(
    world: DrillWorld,
    *,
    template: str = "phishing-c2-registry",
    starts_at: datetime | None = None,
    lines_per_team: int = 500,
) -> Exercise:
    return services.exercise_create(
        actor=world.planner,
        organiser=world.office,
        template=template,
        teams=[world.team_a, world.team_b],
        starts_at=starts_at or timezone.now(),
        lines_per_team=lines_per_team,
    )


def bearer(actor: Actor, *scopes: str) -> dict[str, str]:
    _token, secret = account_services.token_create(
        actor=actor, organisation=actor.primary_organisation_id, name="tool", scopes=list(scopes)
    )
    return {"Authorization": f"Bearer {secret}"}
