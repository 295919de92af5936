"""REST endpoints for major events: the events one may see and, for coordinators, the situation board.

Tokens need the incidents:read scope (the board joins incidents and sightings), on top of the owner's
roles; the same selectors as the web pages decide what each reader sees.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Schema

from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.roles import Scope
from lionrock.cyber.events import selectors

router = ScopedRouter(read=Scope.INCIDENTS_READ, write=None, tags=["events"])


class EventOut(Schema):
    slug: str
    name_en: str
    name_zh: str
    starts_on: date
    ends_on: date
    watch_starts_at: datetime
    watch_ends_at: datetime
    alert_level: str


class SightingOut(Schema):
    indicator_id: str
    organisation: str
    count: int
    last_seen: datetime
    reason: str


class IncidentRefOut(Schema):
    id: int
    reference: str | None
    title: str
    status: str
    serious: bool


class SituationOut(Schema):
    event: EventOut
    window_start: datetime
    window_end: datetime
    incidents: list[IncidentRefOut]
    sightings: list[SightingOut]
    indicators: list[str]


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_api(request, Scope.INCIDENTS_READ)
    if not selectors.event_organisations(actor):
        raise NotFound
    return actor


def _event_out(event: object) -> EventOut:
    return EventOut.model_validate(event, from_attributes=True)


@router.get("/", response=list[EventOut], summary="Events the token may see")
def event_list(request: HttpRequest) -> list[EventOut]:
    actor = _actor(request)
    return [_event_out(event) for event in selectors.events_visible(actor=actor).order_by("starts_on")]


@router.get("/{slug}/situation", response=SituationOut, summary="The situation board (coordinators only)")
def event_situation(request: HttpRequest, slug: str) -> SituationOut:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    situation = selectors.situation_board(actor=actor, event=event)
    return SituationOut(
        event=_event_out(event),
        window_start=situation.window[0],
        window_end=situation.window[1],
        incidents=[
            IncidentRefOut(id=i.pk, reference=i.reference, title=i.title, status=i.status, serious=i.serious)
            for i in situation.incidents
        ],
        sightings=[
            SightingOut(
                indicator_id=s.indicator_id,
                organisation=s.organisation,
                count=s.count,
                last_seen=s.last_seen,
                reason=s.reason,
            )
            for s in situation.sightings
        ],
        indicators=[obj.stix_id for obj in situation.indicators],
    )
