"""Normalised forms of addresses and business names, for spotting reports about the same premises."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["address_normalise", "business_name_normalise"]

_ABBREVIATIONS = {
    "street": "st",
    "road": "rd",
    "avenue": "ave",
    "building": "bldg",
    "bldg.": "bldg",
    "centre": "ctr",
    "center": "ctr",
    "industrial": "ind",
    "floor": "f",
    "flat": "flat",
    "room": "rm",
    "block": "blk",
    "tower": "twr",
    "house": "hse",
    "estate": "est",
    "mansion": "mansion",
    "no": "",
    "number": "",
    "hong": "",
    "kong": "",
    "hk": "",
    "kowloon": "kln",
}
_COMPANY_WORDS = {
    "limited",
    "ltd",
    "co",
    "company",
    "corp",
    "corporation",
    "inc",
    "the",
    "hk",
    "hong",
    "kong",
}
_CHINESE_COMPANY_SUFFIXES = ("有限公司", "公司", "香港")
_PUNCTUATION = re.compile(r"[^\w\u3400-\u9fff]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]")


def _fold(text: str) -> str:
    """Full-width forms folded, case folded, punctuation turned into spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCTUATION.sub(" ", text.replace("/f", " f "))


def _cjk_compact(text: str) -> str:
    # Chinese addresses are written without spaces; spaces typed between characters carry no meaning.
    return re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])", "", text)


def address_normalise(address: str) -> str:
    """'Flat 3, 12/F, Wing On Bldg., 12 Nathan Road' and 'flat 3 12f wing on building 12 nathan rd' agree."""
    words = []
    for word in _cjk_compact(_fold(address)).split():
        mapped = _ABBREVIATIONS.get(word, word)
        if mapped:
            words.append(mapped)
    joined = " ".join(words)
    return re.sub(r"\b(\d+) f\b", r"\1f", joined)[:300]


def business_name_normalise(name: str) -> str:
    """'Golden Dragon Co. Ltd' and 'GOLDEN DRAGON COMPANY LIMITED' agree; so do 金龍有限公司 and 金龍公司."""
    text = _cjk_compact(_fold(name))
    for suffix in _CHINESE_COMPANY_SUFFIXES:
        text = text.replace(suffix, " ")
    words = [word for word in text.split() if word not in _COMPANY_WORDS]
    return " ".join(words)[:200]
