"""Saving an employer's inspection record when they ask, and deleting it when its time is up.

The record is the employer's evidence, not the department's: no account, no officer's list. It is found
again only with its reference and a random code shown once; the code's SHA-256 is all that is kept (it
carries 80 random bits, so a fast hash is enough and a key rotation cannot lock employers out).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement.inspection_record import InspectionRecord
from lionrock.immigration.enforcement.models import EmployerCheckRecord
from lionrock.immigration.enforcement.normalise import (
    EMPLOYER_CODE_LENGTH,
    employer_code_digest,
    employer_code_normalise,
    employer_reference_normalise,
)
from lionrock.immigration.enforcement.retention_periods import (
    employer_record_kept_until,
    employer_record_retention_days,
)

__all__ = [
    "employer_code_digest",
    "employer_code_normalise",
    "employer_record_kept_until",
    "employer_record_retention_days",
    "employer_record_save",
    "employer_records_retention_apply",
    "employer_reference_normalise",
]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


def _draw(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


@transaction.atomic
def employer_record_save(*, record: InspectionRecord) -> tuple[EmployerCheckRecord, str, InspectionRecord]:
    """Keeps the record; returns the stored row, the retrieval code (shown once) and the record as saved.

    Only records of well-formed documents are kept: the view refuses the others before this is called.
    """
    if not record.documents or any(not line.ok for doc in record.documents for line in doc.lines):
        raise ValidationFailed(_("Only a record of documents that passed the format checks can be saved."))
    code = _draw(EMPLOYER_CODE_LENGTH)
    row: EmployerCheckRecord | None = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                row = EmployerCheckRecord.objects.create(
                    reference=f"ER-{_draw(5)}-{_draw(5)}",
                    code_digest=employer_code_digest(code),
                    checked_at=record.checked_at,
                    saved_at=timezone.now(),
                    language=record.language,
                    documents=[document.as_json() for document in record.documents],
                    document_numbers=json.dumps(list(record.numbers)),
                    duties=[{"text": duty.text, "done": duty.done} for duty in record.duties],
                    business_name=record.business_name,
                    job_seeker_name=record.job_seeker_name,
                    enquiries=record.enquiries,
                )
            break
        except IntegrityError:
            continue  # a reference collision; draw another
    if row is None:
        raise ValidationFailed(_("The record could not be saved. Please try again."))
    # Who saved it is not known (no account), and nothing the employer typed goes into the trail.
    audit.record(
        actor=None,
        actor_label="public",
        action="enforcement.employer_record.save",
        target=row,
        changes={"documents": len(record.documents), "language": record.language},
    )
    saved = replace(
        record, reference=row.reference, kept_until=employer_record_kept_until(row.saved_at), numbers=()
    )
    return row, f"{code[0:4]}-{code[4:8]}-{code[8:12]}-{code[12:16]}", saved


@transaction.atomic
def employer_records_retention_apply(*, now: datetime | None = None) -> int:
    """Deletes saved inspection records older than the retention period; returns how many."""
    now = now or timezone.now()
    days = employer_record_retention_days()
    due = list(
        EmployerCheckRecord.objects.filter(saved_at__lt=now - timedelta(days=days)).only("pk", "reference")
    )
    for row in due:
        audit.record(
            actor=None,
            actor_label="retention",
            action="enforcement.employer_record.retention",
            target=row,
            changes={"retention_days": days},
        )
    EmployerCheckRecord.objects.filter(pk__in=[row.pk for row in due]).delete()
    return len(due)
