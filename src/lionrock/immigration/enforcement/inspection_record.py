"""The employer's dated inspection record: what was checked, the result, and the duties left, as a PDF.

The record is the employer's evidence, kept on paper or in a shared folder long after the check, so the
document number in it is masked (A123***(3)): enough to match the record to the card or passport the
employer inspected and copied, not enough for a lost printout to hand a stranger a usable identity number
(the Privacy Commissioner's code of practice on identity card numbers limits when the number may be
collected and copied). The full number is only ever kept encrypted, when the employer chooses to save.

The PDF is made by the core document service (``lionrock.core.documents``): WeasyPrint is imported when a
PDF is asked for, not before, and it may fetch nothing — every URL is refused, and the template names no
resource. The template extends the documents' base (fonts for Chinese, page numbers); the record has no
department letterhead, since it is the employer's own record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lionrock.core.documents import Document, PdfUnavailable, html_render, html_to_pdf
from lionrock.immigration.enforcement.employer_check import EMPLOYER_DUTIES, DocumentCheck

__all__ = [
    "InspectionRecord",
    "PdfUnavailable",
    "RecordDocument",
    "RecordDuty",
    "number_mask",
    "record_filename",
    "record_make",
    "record_pdf",
]

logger = logging.getLogger(__name__)

TEMPLATE = "enforcement/inspection_record.html"


@dataclass(frozen=True)
class RecordLine:
    label: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class RecordDocument:
    """One checked document as the record shows it: masked number, each check, expiry on the check's date."""

    kind: str
    document_type: str
    masked_number: str
    issuing_country: str = ""
    expiry: date | None = None
    expired: bool | None = None
    lines: tuple[RecordLine, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "document_type": self.document_type,
            "masked_number": self.masked_number,
            "issuing_country": self.issuing_country,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "expired": self.expired,
            "lines": [{"label": line.label, "ok": line.ok, "detail": line.detail} for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordDocument:
        expiry = data.get("expiry")
        return cls(
            kind=str(data["kind"]),
            document_type=str(data["document_type"]),
            masked_number=str(data["masked_number"]),
            issuing_country=str(data.get("issuing_country") or ""),
            expiry=date.fromisoformat(expiry) if expiry else None,
            expired=data.get("expired"),
            lines=tuple(
                RecordLine(str(line["label"]), bool(line["ok"]), str(line.get("detail") or ""))
                for line in data.get("lines", [])
            ),
        )


@dataclass(frozen=True)
class RecordDuty:
    text: str
    done: bool = False


@dataclass(frozen=True)
class InspectionRecord:
    """Everything one PDF shows. Text is kept as it was worded on the day, in the employer's language."""

    checked_at: datetime
    language: str
    documents: tuple[RecordDocument, ...]
    duties: tuple[RecordDuty, ...]
    business_name: str = ""
    job_seeker_name: str = ""
    enquiries: str = ""
    reference: str = ""
    kept_until: date | None = None
    numbers: tuple[str, ...] = field(default=(), repr=False)  # full numbers: never rendered


def number_mask(kind: str, number: str) -> str:
    """The number as the record prints it.

    Identity card: the letters, the first three digits and the check character (A123***(3)), so it can be
    matched to the card by eye. Travel document: the first three and the last two characters.
    """
    if not number:
        return ""
    if kind == "hkid" and "(" in number:
        body, check = number[: number.index("(")], number[number.index("(") :]
        letters = len(body) - 6
        return f"{body[: letters + 3]}***{check}"
    if len(number) <= 5:
        return "*" * (len(number) - 1) + number[-1]
    return number[:3] + "*" * (len(number) - 5) + number[-2:]


def _document(check: DocumentCheck) -> RecordDocument:
    masked = number_mask(check.kind, check.document_number)
    lines = tuple(
        RecordLine(
            str(line.label),
            line.ok,
            # The identity card line's detail is the number itself, already printed (masked) above it.
            "" if check.document_number and check.document_number in line.detail else line.detail,
        )
        for line in check.lines
    )
    return RecordDocument(
        kind=check.kind,
        document_type=str(check.document_type) or _("Travel document"),
        masked_number=masked,
        issuing_country=check.issuing_country,
        expiry=check.expiry,
        expired=check.expired,
        lines=lines,
    )


def record_make(
    *,
    checks: Iterable[DocumentCheck],
    checked_at: datetime,
    duties_done: Iterable[int] = (),
    business_name: str = "",
    job_seeker_name: str = "",
    enquiries: str = "",
) -> InspectionRecord:
    """The record of checks just made, worded in the active language (the employer's)."""
    checks = list(checks)
    done = set(duties_done)
    return InspectionRecord(
        checked_at=checked_at,
        language=translation.get_language() or "en",
        documents=tuple(_document(check) for check in checks),
        duties=tuple(RecordDuty(str(text), index in done) for index, text in enumerate(EMPLOYER_DUTIES)),
        business_name=business_name.strip(),
        job_seeker_name=job_seeker_name.strip(),
        enquiries=enquiries.strip(),
        numbers=tuple(check.document_number for check in checks),
    )


def record_filename(record: InspectionRecord) -> str:
    """ASCII only and built from nothing the employer typed, so no header can be broken by it."""
    if record.reference:
        return f"inspection-record-{record.reference}.pdf"
    return f"inspection-record-{timezone.localtime(record.checked_at):%Y%m%d-%H%M}.pdf"


def _html(record: InspectionRecord) -> str:
    return html_render(
        Document(
            template=TEMPLATE,
            context={"record": record, "checked_at": timezone.localtime(record.checked_at)},
            language=record.language,
            reference=record.reference,
        )
    )


def record_pdf(record: InspectionRecord) -> bytes:
    """The PDF, in the language the record was made in. Raises PdfUnavailable without WeasyPrint/Pango."""
    return html_to_pdf(_html(record))
