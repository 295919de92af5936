"""Writes to persons, identity documents and arrests, and the hook that opens an owed screening."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement.encryption import blind_index
from lionrock.immigration.enforcement.models import (
    Arrest,
    IdentityDocument,
    Operation,
    Person,
    Premises,
    ScreeningOwed,
)
from lionrock.immigration.enforcement.normalise import identity_document_check
from lionrock.immigration.enforcement.normalise import text_clean as _text
from lionrock.immigration.enforcement.signals import screening_owed_opened


def _require_operation_officer(actor: Actor, operation: Operation) -> None:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=operation.organisation_id)


# --- Persons and identity documents --------------------------------------------------------------------


def person_name_normalise(name_en: str, name_zh: str) -> str:
    """Name parts in any order and case: "CHAN Tai Man" and "Tai-man Chan" agree."""
    words = re.split(r"[\s,.\-]+", unicodedata.normalize("NFKC", name_en).casefold())
    latin = " ".join(sorted(word for word in words if word))
    chinese = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name_zh))
    return f"{latin}|{chinese}"[:200]


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    organisation: Organisation,
    name_en: str = "",
    name_zh: str = "",
    sex: str = Person.Sex.UNKNOWN,
    date_of_birth: date | None = None,
    age_estimate: int | None = None,
    nationality: str = "",
    status_category: str = Person.StatusCategory.OTHER,
) -> Person:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=organisation)
    name_en, name_zh = _text(name_en)[:200], _text(name_zh)[:100]
    if not (name_en or name_zh):
        raise ValidationFailed(_("Give the person's name in English or Chinese."))
    if sex not in Person.Sex.values:
        raise ValidationFailed(_("Choose the sex from the list."))
    if status_category not in Person.StatusCategory.values:
        raise ValidationFailed(_("Choose an immigration status from the list."))
    today = timezone.localdate()
    if date_of_birth is not None and not (date(today.year - 110, 1, 1) <= date_of_birth <= today):
        raise ValidationFailed(_("The date of birth must be in the past 110 years."))
    if age_estimate is not None and not 0 < age_estimate < 110:
        raise ValidationFailed(_("The age must be between 1 and 109."))
    nationality = nationality.strip().upper()
    if nationality and not re.fullmatch(r"[A-Z]{3}", nationality):
        raise ValidationFailed(_("Give the nationality as a three-letter code, e.g. PHL or IDN."))
    person = Person.objects.create(
        organisation=organisation,
        name_en=name_en,
        name_zh=name_zh,
        sex=sex,
        date_of_birth=date_of_birth,
        age_estimate=None if date_of_birth else age_estimate,
        nationality=nationality,
        status_category=status_category,
        normalised_name=person_name_normalise(name_en, name_zh),
    )
    audit.record(
        actor=actor, action="enforcement.person.create", target=person, changes={"status": status_category}
    )
    return person


@transaction.atomic
def person_status_update(*, actor: Actor, person: Person, status_category: str) -> Person:
    """The person's immigration status as it now stands, e.g. a resident met again as an overstayer.

    The status read at an arrest decides whether a screening is owed, so a later arrest must be able to
    record it instead of inheriting what was true at the first one. The previous value goes into the audit
    entry's digest, so the change can be proved later without keeping it in clear.
    """
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=person.organisation_id)
    if status_category not in Person.StatusCategory.values:
        raise ValidationFailed(_("Choose an immigration status from the list."))
    previous = person.status_category
    if status_category == previous:
        return person
    person.status_category = status_category
    person.save(update_fields=["status_category"])
    audit.record(
        actor=actor,
        action="enforcement.person.status",
        target=person,
        changes={"status": status_category, "previous": previous},
    )
    return person


@transaction.atomic
def identity_document_add(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    number: str,
    check_digit: str = "",
    issuing_country: str = "",
    expiry_date: date | None = None,
) -> IdentityDocument:
    """Records a document with the result of its format check; the number is encrypted at rest."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=person.organisation_id)
    if kind not in IdentityDocument.Kind.values:
        raise ValidationFailed(_("Choose the kind of document from the list."))
    if not _text(number) or len(number) > 40:
        raise ValidationFailed(_("Give the document number (at most 40 characters)."))
    issuing_country = issuing_country.strip().upper()
    if issuing_country and not re.fullmatch(r"[A-Z]{3}", issuing_country):
        raise ValidationFailed(_("Give the issuing country as a three-letter code, e.g. PHL."))
    normalised, result, note = identity_document_check(kind=kind, number=number, check_digit=check_digit)
    document = IdentityDocument.objects.create(
        person=person,
        kind=kind,
        number=normalised,
        number_index=blind_index(f"{kind}:{normalised}"),
        issuing_country=issuing_country,
        expiry_date=expiry_date,
        format_check=result,
        check_note=note[:200],
    )
    audit.record(
        actor=actor,
        action="enforcement.document.add",
        target=document,
        changes={"person": person.pk, "kind": kind, "format_check": result},
    )
    return document


# --- Arrests and the screening hook --------------------------------------------------------------------

VULNERABLE_ROLES = frozenset({Arrest.Role.ILLEGAL_WORKER})
VULNERABLE_STATUSES = frozenset(
    {Person.StatusCategory.ILLEGAL_IMMIGRANT, Person.StatusCategory.FOREIGN_DOMESTIC_HELPER}
)
VULNERABLE_WORK = frozenset({Arrest.WorkType.SEX_WORK})


def screening_reasons(*, role: str, status_category: str, work_type: str) -> list[str]:
    """Why an arrested person is owed an initial TIP / forced-labour screening; empty when not owed.

    Vulnerable categories (issue 4): illegal worker, illegal immigrant, sex worker, foreign domestic helper.
    """
    reasons: list[str] = []
    if role in VULNERABLE_ROLES:
        reasons.append(ScreeningOwed.Reason.ILLEGAL_WORKER)
    if status_category == Person.StatusCategory.ILLEGAL_IMMIGRANT:
        reasons.append(ScreeningOwed.Reason.ILLEGAL_IMMIGRANT)
    if status_category == Person.StatusCategory.FOREIGN_DOMESTIC_HELPER:
        reasons.append(ScreeningOwed.Reason.FOREIGN_DOMESTIC_HELPER)
    if work_type in VULNERABLE_WORK:
        reasons.append(ScreeningOwed.Reason.SEX_WORKER)
    return [str(reason) for reason in reasons]


def _offence_label(code: str) -> str:
    """The section as the catalogue names it, in the reader's language (e.g. "s.17I (officers)")."""
    from lionrock.immigration.enforcement.selectors import offences_catalogue

    offence = offences_catalogue().filter(code=code).first()
    return offence.section_display() if offence else code


def screening_due_hours() -> int:
    return int(settings.LIONROCK_SCREENING_DUE_HOURS)


@transaction.atomic
def arrest_record(
    *,
    actor: Actor,
    operation: Operation,
    person: Person,
    role: str,
    arrested_at: datetime,
    offence_codes: Iterable[str],
    premises: Premises | None = None,
    work_type: str = "",
) -> Arrest:
    """Records an arrest with the offences in force on its date; a vulnerable person is owed a screening."""
    from lionrock.immigration.enforcement.selectors import offences_in_force

    _require_operation_officer(actor, operation)
    if person.organisation_id != operation.organisation_id:
        raise ValidationFailed(_("The person and the operation belong to different departments."))
    if operation.status == Operation.Status.CLOSED:
        raise ValidationFailed(_("This operation is closed."))
    if premises is not None and premises.operation_id != operation.pk:
        raise ValidationFailed(_("Choose premises visited in this operation."))
    if role not in Arrest.Role.values:
        raise ValidationFailed(_("Choose the role from the list."))
    if work_type not in Arrest.WorkType.values:
        raise ValidationFailed(_("Choose the kind of work from the list."))
    if arrested_at > timezone.now() + timedelta(minutes=5):
        raise ValidationFailed(_("The time of arrest cannot be in the future."))
    if Arrest.objects.filter(operation=operation, person=person).exists():
        raise ValidationFailed(_("This person is already recorded as arrested in this operation."))
    codes = sorted(set(offence_codes))
    if not codes:
        raise ValidationFailed(_("Choose at least one offence."))
    for code in codes:
        if code in Arrest.OFFENCE_ROLES and role != Arrest.OFFENCE_ROLES[code]:
            raise ValidationFailed(
                _(
                    "%(offence)s applies only to a director, manager, secretary or partner of the employing "
                    "company: record the person in that role, or choose another offence."
                )
                % {"offence": _offence_label(code)}
            )
    on = timezone.localtime(arrested_at).date()
    offences = {offence.code: offence for offence in offences_in_force(on=on).filter(code__in=codes)}
    missing = [code for code in codes if code not in offences]
    if missing:
        raise ValidationFailed(
            _("Not in force on %(date)s: %(codes)s.") % {"date": on.isoformat(), "codes": ", ".join(missing)}
        )
    arrest = Arrest.objects.create(
        operation=operation,
        person=person,
        premises=premises,
        arrested_at=arrested_at,
        role=role,
        work_type=work_type,
        recorded_by=actor.user,
    )
    arrest.offences.set(offences.values())
    changes: dict[str, object] = {
        "person": person.pk,
        "role": role,
        "offences": [o.pk for o in offences.values()],
    }
    if operation.status == Operation.Status.PLANNED:
        # The arrest is the fact: the operation was executed, even before its plan said; the trail keeps it.
        operation.status = Operation.Status.EXECUTED
        operation.actual_start = operation.actual_start or arrested_at
        operation.save(update_fields=["status", "actual_start"])
        if operation.actual_start < operation.planned_start:
            changes["before_planned_start"] = True
    audit.record(actor=actor, action="enforcement.arrest.record", target=arrest, changes=changes)
    reasons = screening_reasons(role=role, status_category=person.status_category, work_type=work_type)
    if reasons:
        owed = ScreeningOwed.objects.create(
            organisation_id=operation.organisation_id,
            person=person,
            arrest=arrest,
            reasons=reasons,
            due_at=arrested_at + timedelta(hours=screening_due_hours()),
        )
        audit.record(
            actor=actor, action="enforcement.screening_owed.open", target=owed, changes={"reasons": reasons}
        )
        owed_id = owed.pk
        transaction.on_commit(
            lambda: screening_owed_opened.send(sender=ScreeningOwed, screening_owed_id=owed_id)
        )
    return arrest


@transaction.atomic
def screening_owed_fulfil(*, actor: Actor, owed: ScreeningOwed, reference: str) -> ScreeningOwed:
    """Called by the screening module when the initial screening is done; `reference` names its record."""
    access.require(
        actor, Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR, organisation=owed.organisation_id
    )
    if owed.fulfilled_at is not None:
        raise ValidationFailed(_("This screening has already been recorded."))
    owed.fulfilled_at = timezone.now()
    owed.fulfilled_reference = reference[:100]
    owed.save(update_fields=["fulfilled_at", "fulfilled_reference"])
    audit.record(
        actor=actor, action="enforcement.screening_owed.fulfil", target=owed, changes={"reference": reference}
    )
    return owed


@dataclass(frozen=True)
class PersonDetails:
    name_en: str = ""
    name_zh: str = ""
    sex: str = Person.Sex.UNKNOWN
    date_of_birth: date | None = None
    age_estimate: int | None = None
    nationality: str = ""
    status_category: str = Person.StatusCategory.OTHER


def _holds_document(person: Person, kind: str, number: str, check_digit: str) -> bool:
    """Whether a known person already carries this document: shown again at a later arrest, it is not
    recorded twice."""
    if person.pk is None or kind not in IdentityDocument.Kind.values:
        return False
    normalised, _result, _note = identity_document_check(kind=kind, number=number, check_digit=check_digit)
    return person.documents.filter(number_index=blind_index(f"{kind}:{normalised}")).exists()


@transaction.atomic
def arrest_record_with_person(
    *,
    actor: Actor,
    operation: Operation,
    person: PersonDetails | Person,
    role: str,
    arrested_at: datetime,
    offence_codes: Iterable[str],
    document_kind: str = "",
    document_number: str = "",
    check_digit: str = "",
    premises: Premises | None = None,
    work_type: str = "",
    status_now: str = "",
) -> Arrest:
    """The person (newly met, or a record the department already holds), a document they carry (checked,
    encrypted) and their arrest: all stored or none.

    Choosing the existing record keeps one person's history in one place, instead of a second record
    that the duplicate check can only flag afterwards. `status_now` is that person's immigration status at
    this arrest when it has changed since they were recorded; it is stored before the arrest, so the
    screening hook reads the status as it is now. A new person's status is in their details instead.
    """
    if isinstance(person, Person):
        if person.organisation_id != operation.organisation_id:
            raise ValidationFailed(_("The person and the operation belong to different departments."))
        arrested = person
        if status_now:
            person_status_update(actor=actor, person=arrested, status_category=status_now)
    elif status_now:
        raise ValidationFailed(
            _(
                "The status at this arrest is for a person chosen from the search; give a new person's "
                "status under Immigration status."
            )
        )
    else:
        arrested = person_create(
            actor=actor,
            organisation=operation.organisation,
            name_en=person.name_en,
            name_zh=person.name_zh,
            sex=person.sex,
            date_of_birth=person.date_of_birth,
            age_estimate=person.age_estimate,
            nationality=person.nationality,
            status_category=person.status_category,
        )
    if (
        document_kind
        and document_number
        and not _holds_document(arrested, document_kind, document_number, check_digit)
    ):
        identity_document_add(
            actor=actor, person=arrested, kind=document_kind, number=document_number, check_digit=check_digit
        )
    return arrest_record(
        actor=actor,
        operation=operation,
        person=arrested,
        role=role,
        arrested_at=arrested_at,
        offence_codes=offence_codes,
        premises=premises,
        work_type=work_type,
    )


@transaction.atomic
def arrest_case_update(
    *,
    actor: Actor,
    arrest: Arrest,
    stage: str,
    plea: str = "",
    fine_hkd: int | None = None,
    imprisonment_months: int | None = None,
    suspended: bool = False,
) -> Arrest:
    """Case progress from investigation to court outcome, so statistics can set sentences against maxima.

    Recording a conclusion (or changing a concluded case's outcome, e.g. on appeal) dates it: the person's
    record is kept for the retention period from the last conclusion. Moving a case back to investigation or
    prosecution reopens it, and an open case keeps the person's record however old it is.
    """
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=arrest.operation.organisation_id)
    if stage not in Arrest.Stage.values:
        raise ValidationFailed(_("Choose a case stage from the list."))
    if plea not in ("", *Arrest.Plea.values):
        raise ValidationFailed(_("Choose a plea from the list."))
    sentenced = fine_hkd is not None or imprisonment_months is not None or suspended
    if sentenced and stage != Arrest.Stage.CONVICTED:
        raise ValidationFailed(_("A sentence can only be recorded after a conviction."))
    if suspended and not imprisonment_months:
        raise ValidationFailed(_("Only a term of imprisonment can be suspended."))
    for amount in (fine_hkd, imprisonment_months):
        if amount is not None and amount < 0:
            raise ValidationFailed(_("A sentence cannot be negative."))
    changes = {
        "stage": stage,
        "plea": plea,
        "fine_hkd": fine_hkd,
        "imprisonment_months": imprisonment_months,
        "suspended": suspended,
    }
    changed = any(getattr(arrest, name) != value for name, value in changes.items())
    for name, value in changes.items():
        setattr(arrest, name, value)
    if stage not in Arrest.CONCLUDED_STAGES:
        arrest.concluded_at = None
    elif changed or arrest.concluded_at is None:
        arrest.concluded_at = timezone.now()
    arrest.save(update_fields=[*changes, "concluded_at"])
    audit.record(actor=actor, action="enforcement.arrest.case", target=arrest, changes=changes)
    return arrest
