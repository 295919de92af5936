"""Country names for the three-letter codes persons are recorded with (ISO 3166-1 alpha-3, as on passports).

The names come from the Unicode CLDR through Babel, in the reader's language: 'VNM' is "Vietnam" in
English and 「越南」 in Traditional Chinese (Hong Kong). A code CLDR does not know (the ICAO specimen's
'UTO', a typing slip) is shown as it was recorded.
"""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.core import get_global
from django.utils.translation import get_language

__all__ = ["country_name"]


@cache
def _locale(language: str) -> Locale:
    return Locale.parse("zh_Hant_HK" if language.lower().startswith("zh") else "en_GB")


def country_name(code: str, language: str | None = None) -> str:
    """The country's name for a reader of `language` (the active language when not given)."""
    code = code.strip().upper()
    if not code:
        return ""
    aliases = get_global("territory_aliases").get(code) or ([code] if len(code) == 2 else [])
    territories = _locale(language or get_language() or "en").territories
    for alias in aliases:
        if alias in territories:
            return str(territories[alias])
    return code
