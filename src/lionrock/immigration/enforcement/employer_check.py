"""The employer's lawful-employability check: format checks on what a job seeker shows, and the duties left.

A format check proves a number is well formed, never that the person may work (identity-documents.md).
Nothing here touches the database: what an employer types is not kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mrz.base.errors import FieldError
from mrz.checker.td1 import TD1CodeChecker
from mrz.checker.td2 import TD2CodeChecker
from mrz.checker.td3 import TD3CodeChecker

from lionrock.immigration.enforcement.countries import country_name
from lionrock.immigration.enforcement.hkid import DocumentNumberError, hkid_parse

__all__ = [
    "EMPLOYER_DUTIES",
    "EMPLOYER_OFFENCE_CODES",
    "CheckLine",
    "DocumentCheck",
    "hkid_check",
    "zone_check",
]

# The offences an employer answers for, in the catalogue's codes: employing a person who may not work
# (s.17I), the directors' and managers' liability for it, and not inspecting the documents (s.17J).
# The pages show them with the penalties of the catalogue row in force, never figures of their own.
EMPLOYER_OFFENCE_CODES: tuple[str, ...] = ("s17i", "s17i-officer", "s17j")

# What the law still asks of the employer whatever the format check says (Cap. 115 s.17I, s.17J).
EMPLOYER_DUTIES: tuple[str | Promise, ...] = (
    gettext_lazy(
        "Inspect the original identity card, or the valid travel document if the job seeker holds no "
        "permanent identity card; a photocopy or a number alone is not enough."
    ),
    gettext_lazy("Check that the photograph and the particulars match the job seeker in front of you."),
    gettext_lazy(
        "Make enquiries whose answers leave no reasonable doubt that the job seeker is lawfully "
        "employable, for example about their conditions of stay, and ask for proof."
    ),
    gettext_lazy("Keep a copy of the document and a record of the checks and enquiries you made."),
    gettext_lazy(
        "A visitor may not take employment, paid or unpaid, without the Director of Immigration's permission."
    ),
)

# (ICAO field the mrz package checks, what the employer reads)
_HASHES: tuple[tuple[str, str | Promise], ...] = (
    ("document number hash", gettext_lazy("Document number check digit")),
    ("birth date hash", gettext_lazy("Date of birth check digit")),
    ("expiry date hash", gettext_lazy("Expiry date check digit")),
    ("optional data hash", gettext_lazy("Optional data check digit")),
    ("final hash", gettext_lazy("Composite check digit")),
)
_DOCUMENT_TYPES: dict[str, str | Promise] = {
    "P": gettext_lazy("Passport"),
    "I": gettext_lazy("Identity card"),
    "A": gettext_lazy("Identity card"),
    "C": gettext_lazy("Identity card"),
    "V": gettext_lazy("Visa"),
}


@dataclass(frozen=True)
class CheckLine:
    label: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class DocumentCheck:
    """The verdict on one document: well formed or not, each check, and the expiry where there is one."""

    kind: str
    well_formed: bool
    checked_on: date
    lines: list[CheckLine] = field(default_factory=list)
    document_type: str = ""
    document_number: str = ""
    issuing_country: str = ""
    expiry: date | None = None
    message: str = ""

    @property
    def expired(self) -> bool | None:
        return None if self.expiry is None else self.expiry < self.checked_on

    @property
    def issuing_country_name(self) -> str:
        """The issuing state as the reader names it ('越南' for VNM), or the code as the zone gives it."""
        return country_name(self.issuing_country) if self.issuing_country else ""

    @property
    def usable(self) -> bool:
        """Well formed and not expired: only such a document can back an inspection record.

        s.17J asks for a *valid* travel document; an expired one is well formed and still worthless.
        """
        return self.well_formed and not self.expired


def hkid_check(text: str, *, today: date) -> DocumentCheck:
    """The check character of a Hong Kong identity card number."""
    try:
        card = hkid_parse(text)
    except DocumentNumberError as exc:
        message = (
            _("The check character does not match the rest of the number.")
            if exc.code == "check"
            else _(
                "An identity card number is one or two letters, six digits and a check character, "
                "e.g. A123456(3)."
            )
        )
        return DocumentCheck(
            kind="hkid",
            well_formed=False,
            checked_on=today,
            lines=[CheckLine(_("Identity card check character"), False, message)],
            document_type=_("Hong Kong identity card"),
            message=message,
        )
    return DocumentCheck(
        kind="hkid",
        well_formed=True,
        checked_on=today,
        lines=[CheckLine(_("Identity card check character"), True, card.formatted)],
        document_type=_("Hong Kong identity card"),
        document_number=card.formatted,
    )


# A zone pasted as one run of characters (line breaks lost on the way) is cut back into its lines.
_SINGLE_RUN_SHAPES = {88: 44, 72: 36, 90: 30}


def _zone_lines(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).upper().replace("«", "<")
    lines = [re.sub(r"\s+", "", line) for line in folded.splitlines() if line.strip()]
    if len(lines) == 1 and (width := _SINGLE_RUN_SHAPES.get(len(lines[0]))):
        return [lines[0][start : start + width] for start in range(0, len(lines[0]), width)]
    return lines


def _expiry(yymmdd: str) -> date | None:
    try:
        return date(2000 + int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        return None


def zone_check(text: str, *, today: date) -> DocumentCheck:
    """The check digits, document type and expiry of a typed or pasted machine-readable zone."""
    lines = _zone_lines(text)
    shape = tuple(len(line) for line in lines)
    checker_class = {(30, 30, 30): TD1CodeChecker, (36, 36): TD2CodeChecker, (44, 44): TD3CodeChecker}.get(
        shape
    )
    if checker_class is None:
        message = _(
            "This is not a machine-readable zone: expect two lines of 44 characters (passport), two of 36, "
            "or three of 30 (identity card)."
        )
        return DocumentCheck(kind="zone", well_formed=False, checked_on=today, message=message)
    try:
        checker = checker_class("\n".join(lines))
    except (FieldError, ValueError, IndexError):
        message = _("The zone contains characters that cannot appear in it (only A-Z, 0-9 and <).")
        return DocumentCheck(kind="zone", well_formed=False, checked_on=today, message=message)
    failed = {name for name, _ok in checker.report.falses}
    fields = checker.fields()
    results = [
        CheckLine(str(label), name not in failed)
        for name, label in _HASHES
        if name != "optional data hash" or checker_class is TD3CodeChecker
    ]
    other = sorted(failed - {name for name, _label in _HASHES})
    if other:
        results.append(CheckLine(_("Other format checks"), False, ", ".join(other)))
    expiry = _expiry(fields.expiry_date)
    kind = {TD1CodeChecker: "td1", TD2CodeChecker: "td2", TD3CodeChecker: "td3"}[checker_class]
    message = ""
    if expiry is not None and expiry < today:
        message = _(
            "This travel document expired on %(date)s: it is not a valid travel document. "
            "Ask the job seeker for one that is valid."
        ) % {"date": date_format(expiry, "DATE_FORMAT")}
    return DocumentCheck(
        kind=kind,
        well_formed=not failed,
        checked_on=today,
        lines=results,
        document_type=str(_DOCUMENT_TYPES.get(fields.document_type[:1], fields.document_type)),
        document_number=fields.document_number,
        issuing_country=fields.country,
        expiry=expiry,
        message=message,
    )
