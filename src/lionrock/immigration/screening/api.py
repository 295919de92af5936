"""REST endpoints: checklist versions and yearly counts. No personal data is served over the API."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from pydantic import Field

from lionrock.core.accounts.access import Actor, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.roles import Scope
from lionrock.core.accounts.schemas import RowId
from lionrock.immigration.screening import selectors
from lionrock.immigration.screening.models import Checklist
from lionrock.immigration.screening.schemas import (
    ChecklistDetailOut,
    ChecklistOut,
    IndicatorOut,
    StatisticsOut,
)

router = ScopedRouter(read=Scope.SCREENING_READ, write=None, tags=["screening"])


def _actor(request: HttpRequest) -> Actor:
    return actor_for_api(request)


def _checklist_out(checklist: Checklist) -> ChecklistOut:
    return ChecklistOut.model_validate(checklist, from_attributes=True)


@router.get("/checklists", response=list[ChecklistOut], summary="Checklist versions, the one in use first")
def checklist_list(request: HttpRequest) -> list[ChecklistOut]:
    return [_checklist_out(c) for c in selectors.checklists_list(actor=_actor(request))]


@router.get("/checklists/{checklist_id}", response=ChecklistDetailOut, summary="One checklist version")
def checklist_detail(request: HttpRequest, checklist_id: RowId) -> ChecklistDetailOut:
    checklist = selectors.checklist_get(actor=_actor(request), checklist_id=checklist_id)
    return ChecklistDetailOut(
        **_checklist_out(checklist).model_dump(),
        indicators=[IndicatorOut.model_validate(i, from_attributes=True) for i in checklist.indicators.all()],
    )


@router.get(
    "/statistics/{year}", response=StatisticsOut, summary="Screenings, debriefings, identified victims"
)
def statistics(request: HttpRequest, year: Annotated[int, Field(ge=1900, le=2999)]) -> StatisticsOut:
    stats = selectors.statistics_for_year(actor=_actor(request), year=year)
    return StatisticsOut(**{key: stats[key] for key in StatisticsOut.model_fields})
