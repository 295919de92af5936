"""Writes to the screening checklists: storing, importing and activating a version."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import checklists
from lionrock.immigration.screening.models import (
    Checklist,
    Indicator,
)

__all__ = ["checklist_activate", "checklist_import", "checklist_in_use", "checklist_store"]


def checklist_store(
    definition: checklists.ChecklistDefinition,
    *,
    checklist_model: Any = Checklist,
    indicator_model: Any = Indicator,
    loaded_by_id: int | None = None,
    active: bool = False,
) -> Any:
    """Stores a validated definition with its indicators; also used by the data migrations (whose
    historical models may predate a field, which is then left out)."""
    fields = {field.name for field in indicator_model._meta.get_fields()}
    polarity = "indicated_by" in fields
    checklist = checklist_model.objects.create(
        code=definition.code,
        version=definition.version,
        title_en=definition.title_en,
        title_zh=definition.title_zh,
        source=definition.source,
        rules=definition.rules,
        definition={
            "code": definition.code,
            "version": definition.version,
            "rules": definition.rules,
            "indicators": [asdict(item) for item in definition.indicators],
        },
        is_active=active,
        loaded_by_id=loaded_by_id,
    )
    indicator_model.objects.bulk_create(
        [
            indicator_model(
                checklist=checklist,
                code=item.code,
                position=position,
                stage=item.stage,
                dimension=item.dimension,
                strength=item.strength,
                text_en=item.text_en,
                text_zh=item.text_zh,
                questions_en=list(item.questions_en),
                questions_zh=list(item.questions_zh),
                help_en=item.help_en,
                help_zh=item.help_zh,
                maps_to=list(item.maps_to),
                **({"indicated_by": item.indicated_by} if polarity else {}),
            )
            for position, item in enumerate(definition.indicators, start=1)
        ]
    )
    return checklist


@transaction.atomic
def checklist_import(
    *, actor: Actor, content: bytes, filename: str = "", activate: bool = False
) -> Checklist:
    """Loads an agency's checklist version whole or not at all; a supervisor's task."""
    access.require(actor, Role.SCREENING_SUPERVISOR)
    try:
        definition = checklists.checklist_parse(checklists.document_load(content, filename=filename))
    except checklists.ChecklistInvalid as exc:
        raise ValidationFailed(" ".join(exc.problems)) from exc
    if Checklist.objects.filter(code=definition.code, version=definition.version).exists():
        raise ValidationFailed(
            _(
                "Version %(version)s of checklist %(code)s is already loaded; checklists cannot be changed "
                "once loaded, so give the new one a new version."
            )
            % {"version": definition.version, "code": definition.code}
        )
    if activate:
        Checklist.objects.filter(is_active=True).update(is_active=False)
    checklist: Checklist = checklist_store(
        definition, loaded_by_id=actor.user.pk if actor.user else None, active=activate
    )
    audit.record(
        actor=actor,
        action="screening.checklist.import",
        target=checklist,
        changes={"code": definition.code, "version": definition.version, "active": activate},
    )
    return checklist


@transaction.atomic
def checklist_activate(*, actor: Actor, checklist: Checklist) -> Checklist:
    """New screenings use this version; records keep the version they were answered with."""
    access.require(actor, Role.SCREENING_SUPERVISOR)
    Checklist.objects.filter(is_active=True).exclude(pk=checklist.pk).update(is_active=False)
    if not checklist.is_active:
        checklist.is_active = True
        checklist.save(update_fields=["is_active"])
        audit.record(actor=actor, action="screening.checklist.activate", target=checklist)
    return checklist


def checklist_in_use() -> Checklist:
    checklist = Checklist.objects.filter(is_active=True).first()
    if checklist is None:
        raise ValidationFailed(_("No checklist is in use; a supervisor must activate one."))
    return checklist
