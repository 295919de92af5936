"""Reads of the screening checklists: the versions, the one in use, its indicators."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.immigration.screening.models import (
    Checklist,
    Debriefing,
    Indicator,
    InitialScreening,
)
from lionrock.immigration.screening.selectors.shared import screening_organisations

__all__ = ["checklist_active", "checklist_get", "checklist_is_used", "checklists_list", "indicators_of"]


def checklists_list(*, actor: Actor) -> QuerySet[Checklist]:
    screening_organisations(actor)
    return Checklist.objects.annotate(indicator_count=Count("indicators")).order_by(
        "-is_active", "-loaded_at"
    )


def checklist_get(*, actor: Actor, checklist_id: int) -> Checklist:
    checklist = checklists_list(actor=actor).filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound(checklist_id)
    return checklist


def checklist_active() -> Checklist | None:
    return Checklist.objects.filter(is_active=True).first()


def checklist_is_used(*, checklist: Checklist) -> bool:
    return (
        InitialScreening.objects.filter(checklist=checklist).exists()
        or Debriefing.objects.filter(checklist=checklist).exists()
    )


def indicators_of(*, checklist: Checklist, stage: str) -> list[Indicator]:
    return list(checklist.indicators.filter(stage=stage).order_by("position"))
