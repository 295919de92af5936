"""Writes to screening cases: opening one for each screening owed, and what the case page changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import services as enforcement
from lionrock.immigration.enforcement.models import Person, ScreeningOwed
from lionrock.immigration.screening.models import (
    Case,
)
from lionrock.immigration.screening.services.shared import (
    SCREENERS,
)
from lionrock.immigration.screening.services.shared import clean_text as _text

__all__ = [
    "CaseDetails",
    "case_create",
    "case_hide_name_set",
    "case_support_details_set",
    "cases_open_for_owed",
]


def _reference_next(organisation_id: int) -> str:
    year = timezone.localdate().year
    prefix = f"SC-{year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


@transaction.atomic
def cases_open_for_owed(*, owed_ids: list[int] | None = None) -> int:
    """Opens a case for every owed screening that has none (the enforcement hook); run by the system."""
    owed_rows = ScreeningOwed.objects.filter(fulfilled_at__isnull=True, screening_case__isnull=True)
    if owed_ids is not None:
        owed_rows = owed_rows.filter(pk__in=owed_ids)
    created = 0
    for owed in owed_rows.select_related("person", "arrest").select_for_update(of=("self",)):
        person = owed.person
        case = Case.objects.create(
            organisation_id=owed.organisation_id,
            reference=_reference_next(owed.organisation_id),
            origin=Case.Origin.ARREST,
            person=person,
            owed=owed,
            name_en=person.name_en,
            name_zh=person.name_zh,
            sex=person.sex,
            age=person.age_on(timezone.localtime(owed.arrest.arrested_at).date()),
            nationality=person.nationality,
            due_at=owed.due_at,
        )
        audit.record(
            actor=None,
            actor_label="system",
            action="screening.case.open",
            target=case,
            changes={"origin": case.origin, "owed": owed.pk},
        )
        created += 1
    return created


@dataclass(frozen=True)
class CaseDetails:
    name_en: str = ""
    name_zh: str = ""
    sex: str = Person.Sex.UNKNOWN
    age: int | None = None
    nationality: str = ""
    preferred_language: str = ""
    contact: str = ""
    needs: str = ""


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    organisation: Organisation,
    origin: str,
    details: CaseDetails,
    due_at: datetime | None = None,
) -> Case:
    """A case for someone not arrested: a person who comes forward, a resident back from a job scam."""
    access.require(actor, *SCREENERS, organisation=organisation)
    if origin not in Case.Origin.values or origin == Case.Origin.ARREST:
        raise ValidationFailed(_("Choose how the person came to the department from the list."))
    name_en, name_zh = _text(details.name_en, 200), _text(details.name_zh, 100)
    if not (name_en or name_zh):
        raise ValidationFailed(_("Give the person's name in English or Chinese."))
    if details.sex not in Person.Sex.values:
        raise ValidationFailed(_("Choose the sex from the list."))
    if details.age is not None and not 0 < details.age < 110:
        raise ValidationFailed(_("The age must be between 1 and 109."))
    nationality = details.nationality.strip().upper()
    if nationality and not re.fullmatch(r"[A-Z]{3}", nationality):
        raise ValidationFailed(_("Give the nationality as a three-letter code, e.g. PHL or IDN."))
    case = Case.objects.create(
        organisation=organisation,
        reference=_reference_next(organisation.pk),
        origin=origin,
        name_en=name_en,
        name_zh=name_zh,
        sex=details.sex,
        age=details.age,
        nationality=nationality,
        preferred_language=_text(details.preferred_language, 40),
        contact=_text(details.contact, 300),
        needs=_text(details.needs),
        due_at=due_at or timezone.now() + timedelta(hours=enforcement.screening_due_hours()),
        created_by=actor.user,
    )
    audit.record(actor=actor, action="screening.case.create", target=case, changes={"origin": origin})
    return case


@transaction.atomic
def case_hide_name_set(*, actor: Actor, case: Case, hide: bool) -> Case:
    access.require(actor, Role.SCREENING_SUPERVISOR, organisation=case.organisation_id)
    if case.hide_name != hide:
        case.hide_name = hide
        case.save(update_fields=["hide_name"])
        audit.record(actor=actor, action="screening.case.hide_name", target=case, changes={"hide": hide})
    return case


@transaction.atomic
def case_support_details_set(
    *, actor: Actor, case: Case, preferred_language: str, needs: str, contact: str
) -> Case:
    """What support services may need to know: language, needs, a way to reach the person."""
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    case.preferred_language = _text(preferred_language, 40)
    case.needs = _text(needs)
    case.contact = _text(contact, 300)
    case.save(update_fields=["preferred_language", "needs", "contact"])
    audit.record(
        actor=actor,
        action="screening.case.support_details",
        target=case,
        changes={"preferred_language": case.preferred_language, "needs": "…", "contact": "…"},
    )
    return case
