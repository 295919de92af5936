"""How what people type is read: report and employer-record references, retrieval codes, identity
document numbers and free text. Pure helpers with no writes, so services and selectors both use them.
"""

from __future__ import annotations

import hashlib
import re

from django.utils.translation import gettext as _

from lionrock.immigration.enforcement.hkid import (
    DocumentNumberError,
    hkid_parse,
    travel_document_number_check,
)
from lionrock.immigration.enforcement.models import IdentityDocument

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_READ_AS = str.maketrans("OIL", "011")
EMPLOYER_CODE_LENGTH = 16


def text_clean(value: str) -> str:
    """Stripped, without control characters (newlines and tabs stay); any script is escaped on output."""
    return _CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n")).strip()


def reference_normalise(text: str) -> str:
    """What a reporter typed, as stored: 'ir 7k3m9 q2x4p' -> 'IR-7K3M9-Q2X4P'; O and I read as 0 and 1."""
    compact = re.sub(r"[^0-9A-Z]", "", text.upper())
    compact = compact.removeprefix("IR")
    compact = compact.translate(str.maketrans("OIL", "011"))
    if len(compact) != 10:
        return ""
    return f"IR-{compact[:5]}-{compact[5:]}"


def employer_reference_normalise(text: str) -> str:
    """What an employer typed, as stored: 'er 7k3m9 q2x4p' -> 'ER-7K3M9-Q2X4P'; O, I, L read as 0, 1, 1."""
    compact = re.sub(r"[^0-9A-Z]", "", text.upper()).removeprefix("ER").translate(_READ_AS)
    if len(compact) != 10:
        return ""
    return f"ER-{compact[:5]}-{compact[5:]}"


def employer_code_normalise(text: str) -> str:
    compact = re.sub(r"[^0-9A-Z]", "", text.upper()).translate(_READ_AS)
    return compact if len(compact) == EMPLOYER_CODE_LENGTH else ""


def employer_code_digest(code: str) -> str:
    return hashlib.sha256(f"lionrock employer record:{code}".encode("ascii")).hexdigest()


def identity_document_check(*, kind: str, number: str, check_digit: str = "") -> tuple[str, str, str]:
    """(normalised number, check result, message). A malformed number is recorded, not refused:
    a forged card is evidence."""
    try:
        if kind == IdentityDocument.Kind.HKID:
            return hkid_parse(number).formatted, IdentityDocument.Check.VALID, ""
        if kind == IdentityDocument.Kind.TRAVEL_DOCUMENT:
            normalised = travel_document_number_check(number, check_digit)
            note = "" if check_digit else str(_("Number well formed; no check digit given."))
            return normalised, IdentityDocument.Check.VALID, note
    except DocumentNumberError as exc:
        messages = {
            "format": _("The number is not in the format of this document."),
            "check": _("The check character does not match the rest of the number."),
            "characters": _("The number contains characters that cannot appear in it."),
        }
        return (
            text_clean(number).upper(),
            IdentityDocument.Check.INVALID,
            str(messages.get(exc.code, str(exc))),
        )
    return text_clean(number), IdentityDocument.Check.NOT_CHECKED, ""
