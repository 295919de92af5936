"""An event with an organiser, a coordinating CERT, two participants and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.events import services
from lionrock.cyber.events.models import Event
from lionrock.cyber.events.services import EventDraft
from tests.core.accounts.factories import OrganisationFactory, actor_make


@dataclass
class Stage:
    event: Event
    organiser: Actor
    cert: Actor
    isp: Actor
    isp_org: Organisation
    other_participant: Actor
    outsider: Actor
    no_role: Actor
    cert_organisation: Organisation

    def cert_org(self) -> Organisation:
        return self.cert_organisation


def draft_make(*, slug: str = "national-games", start: date | None = None, days: int = 13) -> EventDraft:
    start = start or timezone.localdate() - timedelta(days=1)
    tz = timezone.get_current_timezone()
    return EventDraft(
        slug=slug,
        name_en="15th National Games",
        name_zh="第十五屆全國運動會",
        starts_on=start,
        ends_on=start + timedelta(days=days - 1),
        watch_starts_at=datetime.combine(start - timedelta(days=2), datetime.min.time(), tzinfo=tz),
        watch_ends_at=datetime.combine(start + timedelta(days=days + 1), datetime.min.time(), tzinfo=tz),
        venues="Kai Tak Sports Park\nHong Kong Coliseum",
    )


def stage_make(**draft_args: object) -> Stage:
    dpo = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT, short_name="DPO")
    cert_org = OrganisationFactory(kind=Organisation.Kind.CERT, short_name="GovCERT")
    isp_org = OrganisationFactory(short_name="Harbour ISP", sector=Organisation.Sector.TELECOMS)
    other_org = OrganisationFactory(short_name="Sports body", sector=Organisation.Sector.SPORTS_AND_EVENTS)
    organiser = actor_make([Role.INTEL_ANALYST], organisation=dpo)
    event = services.event_create(actor=organiser, draft=draft_make(**draft_args))  # type: ignore[arg-type]
    services.participant_add(actor=organiser, event=event, organisation=cert_org, coordinator=True)
    services.participant_add(actor=organiser, event=event, organisation=isp_org, responsibility="Transit")
    services.participant_add(actor=organiser, event=event, organisation=other_org)
    return Stage(
        event=event,
        organiser=organiser,
        cert=actor_make([Role.INCIDENT_HANDLER, Role.INTEL_ANALYST], organisation=cert_org),
        isp=actor_make([Role.INTEL_STAKEHOLDER], organisation=isp_org),
        isp_org=isp_org,
        other_participant=actor_make([Role.INCIDENT_HANDLER], organisation=other_org),
        outsider=actor_make([Role.INTEL_STAKEHOLDER]),
        no_role=actor_make([Role.ENFORCEMENT_OFFICER], organisation=isp_org),
        cert_organisation=cert_org,
    )
