"""Public reads: the offence catalogue (public law) and employers' saved inspection records."""

from __future__ import annotations

import hmac
from datetime import date

from django.db.models import Q, QuerySet

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.inspection_record import InspectionRecord, RecordDocument, RecordDuty
from lionrock.immigration.enforcement.models import (
    EmployerCheckRecord,
    Offence,
)
from lionrock.immigration.enforcement.normalise import (
    employer_code_digest,
    employer_code_normalise,
    employer_reference_normalise,
)
from lionrock.immigration.enforcement.retention_periods import employer_record_kept_until

# --- Offence catalogue (public law: readable by anyone) ---------------------------------------------


def offences_catalogue() -> QuerySet[Offence]:
    """Every version of every offence, oldest first within a code."""
    return Offence.objects.order_by("code", "effective_from")


def offences_in_force(*, on: date) -> QuerySet[Offence]:
    """The version of each offence that was law on that date."""
    return Offence.objects.filter(
        Q(effective_from__isnull=True) | Q(effective_from__lte=on),
        Q(effective_until__isnull=True) | Q(effective_until__gte=on),
    ).order_by("code")


def offences_for_employers(*, on: date) -> list[Offence]:
    """What an employer risks, as the law stands on that date: s.17I, its officers' liability, s.17J."""
    from lionrock.immigration.enforcement.employer_check import EMPLOYER_OFFENCE_CODES

    rows = {
        offence.code: offence for offence in offences_in_force(on=on).filter(code__in=EMPLOYER_OFFENCE_CODES)
    }
    return [rows[code] for code in EMPLOYER_OFFENCE_CODES if code in rows]


def offence_in_force(*, code: str, on: date) -> Offence:
    """The row an arrest on that date is charged under; NotFound when the offence did not exist then."""
    offence = offences_in_force(on=on).filter(code=code).first()
    if offence is None:
        raise NotFound(code)
    return offence


# --- Employers' saved inspection records (public, by reference and code) -------------------------------


def employer_record_get(*, reference: str, code: str) -> InspectionRecord:
    """The saved record for its reference and code; a wrong code is NotFound, exactly like no record.

    There is no list and no officer's view: the record is the employer's evidence. Each download is
    audited (which record, when), without who asked: there is no account.
    """
    row = EmployerCheckRecord.objects.filter(reference=employer_reference_normalise(reference)).first()
    digest = employer_code_digest(employer_code_normalise(code))
    if row is None or not hmac.compare_digest(row.code_digest, digest):
        raise NotFound(reference)
    audit.record(actor=None, actor_label="public", action="enforcement.employer_record.read", target=row)
    return InspectionRecord(
        checked_at=row.checked_at,
        language=row.language,
        documents=tuple(RecordDocument.from_json(document) for document in row.documents),
        duties=tuple(RecordDuty(str(duty["text"]), bool(duty["done"])) for duty in row.duties),
        business_name=row.business_name,
        job_seeker_name=row.job_seeker_name,
        enquiries=row.enquiries,
        reference=row.reference,
        kept_until=employer_record_kept_until(row.saved_at),
    )
