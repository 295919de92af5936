"""Format checks for identity documents: the Hong Kong identity card and ICAO Doc 9303 check digits.

These prove a number is well formed, never that a person may work (see
shared/reference/identity-documents.md). Pure Python: no Django, no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "DocumentNumberError",
    "Hkid",
    "hkid_check_character",
    "hkid_parse",
    "icao_check_digit",
    "travel_document_number_check",
]

_HKID_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
_HKID_SPACE_VALUE = 36
_HKID_PATTERN = re.compile(r"([A-Z]{1,2})([0-9]{6})([0-9A])")
_ICAO_WEIGHTS = (7, 3, 1)
_ICAO_ALPHABET = re.compile(r"[0-9A-Z<]*")
_TRAVEL_NUMBER_PATTERN = re.compile(r"[0-9A-Z]{5,20}")


class DocumentNumberError(ValueError):
    """A number that is not well formed. `code` says why: "format", "check" or "characters"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Hkid:
    """A well-formed Hong Kong identity card number."""

    prefix: str
    digits: str
    check: str

    @property
    def formatted(self) -> str:
        """The way it is printed on the card: A123456(3)."""
        return f"{self.prefix}{self.digits}({self.check})"

    @property
    def compact(self) -> str:
        return f"{self.prefix}{self.digits}{self.check}"


def _hkid_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def hkid_check_character(prefix: str, digits: str) -> str:
    """The check character for a one- or two-letter prefix and six digits ("A", "123456" -> "3")."""
    if not re.fullmatch(r"[A-Z]{1,2}", prefix) or not re.fullmatch(r"[0-9]{6}", digits):
        raise DocumentNumberError("format", "expected one or two capital letters and six digits")
    values = [_HKID_SPACE_VALUE] if len(prefix) == 1 else []
    values += [_hkid_value(char) for char in prefix + digits]
    total = sum(weight * value for weight, value in zip(_HKID_WEIGHTS, values, strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def _compact(text: str) -> str:
    """Upper case, full-width letters and digits folded to ASCII, spaces and brackets dropped."""
    folded = unicodedata.normalize("NFKC", text).upper()
    return re.sub(r"[\s()\[\]{}-]", "", folded)


def hkid_parse(text: str) -> Hkid:
    """Reads "A123456(3)", "a123456 3", "A1234563" or full-width input; refuses a wrong check character."""
    compact = _compact(text)
    match = _HKID_PATTERN.fullmatch(compact)
    if match is None:
        raise DocumentNumberError(
            "format",
            "an identity card number is one or two letters, six digits and a check character: A123456(3)",
        )
    prefix, digits, check = match.groups()
    expected = hkid_check_character(prefix, digits)
    if check != expected:
        raise DocumentNumberError("check", "the check character does not match the rest of the number")
    return Hkid(prefix=prefix, digits=digits, check=check)


def _icao_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if char == "<":
        return 0
    return ord(char) - ord("A") + 10


def icao_check_digit(field: str) -> int:
    """ICAO Doc 9303 check digit: weights 7, 3, 1 repeating; A-Z = 10-35; filler "<" = 0."""
    if not _ICAO_ALPHABET.fullmatch(field):
        raise DocumentNumberError("characters", "only digits, capital letters and < may appear in the zone")
    return sum(_icao_value(char) * _ICAO_WEIGHTS[i % 3] for i, char in enumerate(field)) % 10


def travel_document_number_check(number: str, check_digit: str = "") -> str:
    """The normalised document number; with a check digit from the zone, also verifies it."""
    compact = _compact(number).replace("<", "")
    if not _TRAVEL_NUMBER_PATTERN.fullmatch(compact):
        raise DocumentNumberError("format", "a travel document number is 5 to 20 capital letters and digits")
    check_digit = check_digit.strip()
    if check_digit:
        if not re.fullmatch(r"[0-9]", check_digit):
            raise DocumentNumberError("format", "the check digit is a single digit")
        # The zone pads short numbers with fillers to nine characters before computing the digit.
        field = compact.ljust(9, "<") if len(compact) <= 9 else compact
        if icao_check_digit(field) != int(check_digit):
            raise DocumentNumberError("check", "the check digit does not match the document number")
    return compact
