"""An operation summary that reads like the department's own statement.

"Operation Contribute: 3 premises visited in Sham Shui Po and Kwai Tsing. 8 persons arrested: six suspected
illegal workers (four men and two women aged 22 to 41), ..."
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from django.contrib.humanize.templatetags.humanize import apnumber
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from lionrock.immigration.enforcement.models import Arrest, Offence, Operation, Person, Premises

__all__ = ["operation_summary"]


# Chinese counts people and places with 兩 (两), never 二, which Django's number words would give.
_CHINESE_COUNTS = {"zh-hant": "一兩三四五六七八九", "zh-hans": "一两三四五六七八九"}


def _chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _count(number: int) -> str:
    """Words for one to nine, as press statements write them; figures from 10."""
    if _chinese() and 1 <= number <= 9:
        script = "zh-hans" if (get_language() or "").lower().startswith("zh-hans") else "zh-hant"
        return _CHINESE_COUNTS[script][number - 1]
    return str(apnumber(number))


_SECTION = re.compile(r"s\.\s*([0-9A-Z]+(?:\([0-9a-z]+\))*)")


def _list_join(items: Sequence[str]) -> str:
    return ("、" if _chinese() else ", ").join(items)


def _section(offence: Offence) -> str:
    """'s.17I' in English, '第17I條' in Chinese, as the ordinance's Chinese text cites its sections:
    the catalogue's Chinese name for the section, or one made from its number."""
    if not _chinese():
        return offence.section
    if offence.section_zh:
        return offence.section_zh
    match = _SECTION.fullmatch(offence.section)
    return f"第{match.group(1)}條" if match else offence.section


def _role_phrase(role: str, count: int) -> str:
    # Literal strings, one ngettext call each, so the catalogue can give every plural its own wording.
    if role == Arrest.Role.ILLEGAL_WORKER:
        text = ngettext("%(count)s suspected illegal worker", "%(count)s suspected illegal workers", count)
    elif role == Arrest.Role.EMPLOYER:
        text = ngettext("%(count)s suspected employer", "%(count)s suspected employers", count)
    elif role == Arrest.Role.AIDER_ABETTOR:
        text = ngettext(
            "%(count)s suspected aider and abettor", "%(count)s suspected aiders and abettors", count
        )
    else:
        text = ngettext(
            "%(count)s director, manager or partner of an employing company",
            "%(count)s directors, managers or partners of employing companies",
            count,
        )
    return text % {"count": _count(count)}


def _people(arrests: Sequence[Arrest]) -> str:
    """'four men and two women aged 22 to 41'."""
    sexes = Counter(arrest.person.sex for arrest in arrests)
    parts = []
    if sexes[Person.Sex.MALE]:
        n = sexes[Person.Sex.MALE]
        parts.append(ngettext("%(count)s man", "%(count)s men", n) % {"count": _count(n)})
    if sexes[Person.Sex.FEMALE]:
        n = sexes[Person.Sex.FEMALE]
        parts.append(ngettext("%(count)s woman", "%(count)s women", n) % {"count": _count(n)})
    if sexes[Person.Sex.UNKNOWN]:
        n = sexes[Person.Sex.UNKNOWN]
        parts.append(ngettext("%(count)s person", "%(count)s persons", n) % {"count": _count(n)})
    text = _(" and ").join([_list_join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]
    ages = sorted(
        age
        for arrest in arrests
        if (age := arrest.person.age_on(timezone.localtime(arrest.arrested_at).date())) is not None
    )
    if not ages:
        return text
    if ages[0] == ages[-1]:
        return _("%(people)s aged %(age)s") % {"people": text, "age": ages[0]}
    return _("%(people)s aged %(low)s to %(high)s") % {"people": text, "low": ages[0], "high": ages[-1]}


def _sentences_join(sentences: list[str]) -> str:
    # Chinese sentences run on without a space. The catalogue cannot say so: an empty translation there
    # means "not translated", which gives back the English space.
    separator = "" if _chinese() else " "
    return separator.join(str(capfirst(sentence)) for sentence in sentences)


def operation_summary(operation: Operation, premises: Sequence[Premises], arrests: Sequence[Arrest]) -> str:
    """Counts by role, sex and age range, the premises and the offences, in the reader's language."""
    sentences = [_("Operation %(codename)s.") % {"codename": operation.codename}]
    if premises:
        districts = sorted({str(item.get_district_display()) for item in premises})
        sentences.append(
            ngettext(
                "%(count)s premises visited in %(districts)s.",
                "%(count)s premises visited in %(districts)s.",
                len(premises),
            )
            % {"count": _count(len(premises)), "districts": _(" and ").join(districts)}
        )
    if not arrests:
        sentences.append(_("No arrests."))
        return _sentences_join(sentences)
    by_role: dict[str, list[Arrest]] = {}
    for arrest in arrests:
        by_role.setdefault(arrest.role, []).append(arrest)
    groups = []
    for role in Arrest.Role:
        group = by_role.get(role.value)
        if group:
            groups.append(
                _("%(group)s (%(people)s)")
                % {"group": _role_phrase(role.value, len(group)), "people": _people(group)}
            )
    sentences.append(
        ngettext(
            "%(count)s person arrested: %(groups)s.", "%(count)s persons arrested: %(groups)s.", len(arrests)
        )
        % {"count": _count(len(arrests)), "groups": pgettext("list of groups", "; ").join(groups)}
    )
    cited_offences = {offence.section: offence for arrest in arrests for offence in arrest.offences.all()}
    if cited_offences:
        cited = _list_join([_section(cited_offences[section]) for section in sorted(cited_offences)])
        sentences.append(_("Offences: %(sections)s.") % {"sections": cited})
    return _sentences_join(sentences)
