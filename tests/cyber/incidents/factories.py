"""A small incident community: a handling CERT, a reporting ISP, a partner, an outsider, and the regime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.incidents import services
from lionrock.cyber.incidents.models import Incident, ReportingRegime
from lionrock.cyber.incidents.services import IncidentDraft, ObservableIn
from tests.core.accounts.factories import OrganisationFactory, actor_make


def regime_make(handler: Organisation, *, clocks_from: date = date(2026, 1, 1)) -> ReportingRegime:
    return services.regime_ensure(
        code=f"cap653-{handler.pk}",
        name_en="Critical infrastructure (Cap. 653)",
        name_zh="關鍵基礎設施",
        handling_organisation=handler,
        is_default=True,
        clocks_from=clocks_from,
        source="Cap. 653 as publicly described",
    )


def draft_make(**overrides: Any) -> IncidentDraft:
    aware = timezone.now() - timedelta(hours=2)
    values: dict[str, Any] = {
        "title": "DDoS on the ticketing site",
        "classification": 'rsit:availability="ddos"',
        "detected_at": aware - timedelta(minutes=30),
        "aware_at": aware,
        "description": "Volumetric attack from a booter service.",
        "serious": True,
        "tlp": "amber",
        "observables": [
            ObservableIn(type="ipv4-addr", value="45.151.167.10", ioc=True),
            ObservableIn(type="domain-name", value="tickets.example.hk", ioc=False),
        ],
    }
    values.update(overrides)
    return IncidentDraft(**values)


@dataclass
class Desk:
    regime: ReportingRegime
    cert: Organisation
    isp: Organisation
    reporter: Actor
    reporter_handler: Actor
    handler: Actor
    partner: Actor
    outsider: Actor
    no_role: Actor
    platform_admin: Actor

    def report(self, *, submit: bool = True, **overrides: Any) -> Incident:
        return services.incident_create(actor=self.reporter, draft=draft_make(**overrides), submit=submit)


def desk_make() -> Desk:
    cert = OrganisationFactory(kind=Organisation.Kind.CERT, short_name="GovCERT")
    isp = OrganisationFactory(short_name="Harbour ISP")
    partner_org = OrganisationFactory(short_name="Partner ISP")
    outsider_org = OrganisationFactory(short_name="Other ISP")
    return Desk(
        regime=regime_make(cert),
        cert=cert,
        isp=isp,
        reporter=actor_make([Role.INTEL_STAKEHOLDER], organisation=isp),
        reporter_handler=actor_make([Role.INCIDENT_HANDLER], organisation=isp),
        handler=actor_make([Role.INCIDENT_HANDLER], organisation=cert),
        partner=actor_make([Role.INTEL_STAKEHOLDER], organisation=partner_org),
        outsider=actor_make([Role.INCIDENT_HANDLER], organisation=outsider_org),
        no_role=actor_make([Role.ENFORCEMENT_OFFICER], organisation=isp),
        platform_admin=actor_make([Role.PLATFORM_ADMIN]),
    )


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass
class DeskDrill:
    """A drill under way with two teams: the first is the reporting organisation in these tests."""

    exercise: Any
    planner: Actor
    canary: Any  # a canary planted for the first team
    other_team_canary: Any


def drill_make(desk: Desk | None = None, *, teams: list[Organisation] | None = None) -> DeskDrill:
    """By default the desk's reporting ISP and its partner play."""
    from lionrock.core.accounts.access import actor_for_user
    from lionrock.cyber.drills import services as drill_services
    from lionrock.cyber.drills.models import Canary
    from tests.core.accounts.factories import member_make

    if teams is None:
        assert desk is not None
        teams = [desk.isp, Organisation.objects.get(pk=desk.partner.primary_organisation_id)]
    office = OrganisationFactory(short_name="Policy Office")
    planner = actor_for_user(member_make([Role.DRILL_PLANNER], organisation=office).user)
    exercise = drill_services.exercise_create(
        actor=planner,
        organiser=office,
        template="phishing-c2-registry",
        teams=teams,
        starts_at=timezone.now(),
        lines_per_team=200,
    )
    drill_services.exercise_start(actor=planner, exercise=exercise)
    canaries = Canary.objects.filter(is_decoy=False, kind=Canary.Kind.DOMAIN)
    return DeskDrill(
        exercise=exercise,
        planner=planner,
        canary=canaries.filter(team__organisation=teams[0]).first(),
        other_team_canary=canaries.filter(team__organisation=teams[1]).first(),
    )
