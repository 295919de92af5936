"""The law paragraph, built from the offence catalogue as in force on the release date.

The template gives the words for each offence ("law:s17i" phrase with {section}, {ordinance}, {fine},
{imprisonment} and {previous}); the catalogue gives every figure. A change in the law between the
operation and the release is a new catalogue row, so the release states the penalty of its own day and,
where the law raised it, what it was raised from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from lionrock.immigration.enforcement.models import Offence
from lionrock.immigration.enforcement.selectors import offences_catalogue, offences_in_force
from lionrock.publishing import wording
from lionrock.publishing.placeholders import Fact, fill

__all__ = ["LAW_PLACEHOLDERS", "LawParagraph", "law_paragraph"]

LAW_PLACEHOLDERS = ("section", "ordinance", "fine", "imprisonment", "previous", "title", "since")


@dataclass(frozen=True)
class LawParagraph:
    text: str
    offences: list[Offence]


def _section(offence: Offence, language: str) -> str:
    """'s.17I' in English; 「第17I條」 in Chinese."""
    section = offence.section
    if wording.is_chinese(language) and section.startswith("s."):
        return f"第{section[2:].split(' ')[0]}條"
    return section.split(" (")[0]


def _previous(offence: Offence, language: str, phrases: Mapping[str, str]) -> str:
    """'(raised on August 1, 2021 from a fine of $350,000 and three years' imprisonment)' when the law
    changed the maxima; empty otherwise."""
    if offence.effective_from is None:
        return ""
    before = (
        offences_catalogue()
        .filter(code=offence.code, effective_until=offence.effective_from - timedelta(days=1))
        .first()
    )
    if before is None or (before.max_fine_hkd, before.max_imprisonment_months) == (
        offence.max_fine_hkd,
        offence.max_imprisonment_months,
    ):
        return ""
    facts = {
        "fine": Fact(wording.money(before.max_fine_hkd or 0, language)),
        "imprisonment": Fact(wording.term(before.max_imprisonment_months or 0, language)),
        "since": Fact(_date(offence.effective_from, language)),
    }
    return fill(phrases.get("law:previous", ""), facts)


def _date(day: date, language: str) -> str:
    if wording.is_chinese(language):
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{wording._EN_MONTHS[day.month - 1]} {day.day}, {day.year}"


def law_paragraph(
    *, codes: Iterable[str], on: date, language: str, phrases: Mapping[str, str]
) -> LawParagraph:
    """One sentence per offence in force on `on`, in the order the codes are given, each from its phrase.

    Codes not in force on that day are left out (the law then had no such offence); a code without its
    own phrase uses "law:default".
    """
    wanted = list(dict.fromkeys(codes))
    in_force = {offence.code: offence for offence in offences_in_force(on=on).filter(code__in=wanted)}
    sentences: list[str] = []
    used: list[Offence] = []
    ordinances = {
        key[len("ordinance:") :]: value for key, value in phrases.items() if key.startswith("ordinance:")
    }
    for code in wanted:
        offence = in_force.get(code)
        if offence is None:
            continue
        phrase = phrases.get(f"law:{code}") or phrases.get("law:default", "")
        if not phrase:
            continue
        facts = {
            "section": Fact(_section(offence, language)),
            "ordinance": Fact(ordinances.get(offence.ordinance, offence.ordinance)),
            "fine": Fact(wording.money(offence.max_fine_hkd, language) if offence.max_fine_hkd else ""),
            "imprisonment": Fact(
                wording.term(offence.max_imprisonment_months, language)
                if offence.max_imprisonment_months
                else ""
            ),
            "previous": Fact(_previous(offence, language, phrases)),
            "title": Fact(offence.title(language)),
        }
        sentences.append(fill(phrase, facts).strip())
        used.append(offence)
    separator = "" if wording.is_chinese(language) else " "
    text = separator.join(sentence for sentence in sentences if sentence)
    return LawParagraph(text=text, offences=used)
