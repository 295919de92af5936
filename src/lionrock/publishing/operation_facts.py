# ruff: noqa: RUF001, RUF002
# (Chinese text uses full-width punctuation and wide characters.)
"""What an enforcement operation's press release may say, read from the records without anything personal.

`operation_record_read` takes the operation, its premises and its arrests and keeps only what a release
states: roles, sex, age on the day of arrest, offence codes, case stage, premises type and district, the
publicity done. Names, document numbers and nationalities never leave this module; `personal_terms`
gives them to the check that refuses them in an edited release.

`operation_facts` turns that record into the values of the operation template's placeholders, each with
a link to the line of the source page it counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone, translation

from lionrock.immigration.enforcement.models import Arrest, District, Operation, Person, ScreeningOwed
from lionrock.publishing import wording
from lionrock.publishing.configuration import reporting_channels, screening_paragraph
from lionrock.publishing.law import law_paragraph
from lionrock.publishing.placeholders import Fact

__all__ = [
    "OPERATION_CONDITIONS",
    "OPERATION_PLACEHOLDERS",
    "OPERATION_REQUIRED",
    "ArrestRow",
    "OperationRecord",
    "operation_facts",
    "operation_record_read",
    "personal_terms",
]

OPERATION_PLACEHOLDERS = (
    "agency",
    "codename",
    "operation_date",
    "place",
    "district",
    "persons_arrested",
    "arrested_total",
    "arrested_roles",
    "were",
    "people",
    "workers",
    "employers",
    "publicity",
    "law",
    "screening",
    "channels",
    "release_date",
    "end_block",
)
OPERATION_REQUIRED = ("law", "channels", "end_block")
OPERATION_CONDITIONS = (
    "premises",
    "arrests",
    "workers",
    "employers",
    "publicity",
    "investigation",
    "screening",
    "women",
)
# Phrases an operation template may carry, and the placeholders each may use.
OPERATION_PHRASE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "law:": ("section", "ordinance", "fine", "imprisonment", "previous", "title", "since"),
    "channel:": ("value",),
    "title:": OPERATION_PLACEHOLDERS,
}


@dataclass(frozen=True)
class ArrestRow:
    """One arrest as the source page shows it: a number, never a name."""

    number: int
    role: str
    sex: str
    age: int | None
    offence_codes: tuple[str, ...]
    stage: str


@dataclass(frozen=True)
class PremisesRow:
    number: int
    premises_type: str
    district: str


@dataclass(frozen=True)
class OperationRecord:
    operation_id: int
    organisation_id: int
    agency_en: str
    agency_zh: str
    codename: str
    day: date
    publicity: tuple[str, ...]
    premises: tuple[PremisesRow, ...]
    arrests: tuple[ArrestRow, ...]
    screened: int
    extra: dict[str, str] = field(default_factory=dict)

    def by_role(self, role: str) -> list[ArrestRow]:
        return [row for row in self.arrests if row.role == role]


def operation_day(operation: Operation) -> date:
    return timezone.localtime(operation.actual_start or operation.planned_start).date()


def operation_record_read(operation: Operation) -> OperationRecord:
    """The operation as a release may know it (three queries)."""
    arrests = list(
        Arrest.objects.filter(operation=operation)
        .select_related("person")
        .prefetch_related("offences")
        .order_by("arrested_at", "pk")
    )
    rows = tuple(
        ArrestRow(
            number=arrest.pk,
            role=arrest.role,
            sex=arrest.person.sex,
            age=arrest.person.age_on(timezone.localtime(arrest.arrested_at).date()),
            offence_codes=tuple(sorted({offence.code for offence in arrest.offences.all()})),
            stage=arrest.stage,
        )
        for arrest in arrests
    )
    premises = tuple(
        PremisesRow(number=item.pk, premises_type=item.premises_type, district=item.district)
        for item in operation.premises.all()
    )
    organisation = operation.organisation
    return OperationRecord(
        operation_id=operation.pk,
        organisation_id=operation.organisation_id,
        agency_en=organisation.name_en,
        agency_zh=organisation.name_zh or organisation.name_en,
        codename=operation.codename,
        day=operation_day(operation),
        publicity=tuple(item for item in operation.publicity if item in Operation.Publicity.values),
        premises=premises,
        arrests=rows,
        screened=ScreeningOwed.objects.filter(arrest__operation=operation).count(),
    )


def personal_terms(operation: Operation) -> set[str]:
    """The names and document numbers of everyone arrested: words no release of this operation may hold."""
    terms: set[str] = set()
    persons = Person.objects.filter(arrests__operation=operation).prefetch_related("documents")
    for person in persons:
        for name in (person.name_en, person.name_zh):
            if name and len(name.strip()) >= 2:
                terms.add(name.strip())
        for document in person.documents.all():
            number = str(document.number or "").strip()
            if len(number) >= 4:
                terms.add(number)
    return terms


# --- Words ---------------------------------------------------------------------------------------------

_ROLE_NOUNS: dict[str, dict[str, tuple[str, str]]] = {
    wording.ENGLISH: {
        Arrest.Role.ILLEGAL_WORKER: ("suspected illegal worker", "suspected illegal workers"),
        Arrest.Role.EMPLOYER: ("suspected employer", "suspected employers"),
        Arrest.Role.AIDER_ABETTOR: ("suspected aider and abettor", "suspected aiders and abettors"),
        Arrest.Role.COMPANY_OFFICER: (
            "director, manager or partner of an employing company",
            "directors, managers or partners of employing companies",
        ),
    },
    wording.CHINESE: {
        Arrest.Role.ILLEGAL_WORKER: ("懷疑非法勞工", "懷疑非法勞工"),
        Arrest.Role.EMPLOYER: ("懷疑僱主", "懷疑僱主"),
        Arrest.Role.AIDER_ABETTOR: ("懷疑協助及教唆者", "懷疑協助及教唆者"),
        Arrest.Role.COMPANY_OFFICER: ("僱主公司的董事、經理或合夥人", "僱主公司的董事、經理或合夥人"),
    },
}

_PREMISES: dict[str, dict[str, str]] = {
    wording.ENGLISH: {
        "renovation_site": "premises under renovation",
        "construction_site": "a construction site",
        "restaurant": "a restaurant",
        "retail_shop": "a retail shop",
        "warehouse": "a warehouse",
        "factory": "a factory",
        "office": "an office",
        "domestic": "a domestic household",
        "entertainment": "a massage or entertainment venue",
        "market": "a market stall",
        "other": "premises",
    },
    wording.CHINESE: {
        "renovation_site": "一個裝修中的處所",
        "construction_site": "一個建築地盤",
        "restaurant": "一間食肆",
        "retail_shop": "一間零售店舖",
        "warehouse": "一個貨倉",
        "factory": "一間工廠",
        "office": "一個辦公室",
        "domestic": "一個住宅單位",
        "entertainment": "一個按摩或娛樂場所",
        "market": "一個街市檔位",
        "other": "一個處所",
    },
}


def _language_key(language: str) -> str:
    return wording.CHINESE if wording.is_chinese(language) else wording.ENGLISH


def _role_count(role: str, count: int, language: str) -> str:
    singular, plural = _ROLE_NOUNS[_language_key(language)][role]
    if wording.is_chinese(language):
        return f"{wording.count_words(count, language)}名{singular}"
    return f"{wording.count_words(count, language)} {singular if count == 1 else plural}"


def _sex_groups(rows: Sequence[ArrestRow], language: str) -> str:
    """'six men, aged 22 to 41'; 'four men, aged 22 to 41, and two women, aged 30 to 35';
    「六男，年齡介乎22至41歲」."""
    chinese = wording.is_chinese(language)
    groups = []
    for sex in (Person.Sex.MALE, Person.Sex.FEMALE, Person.Sex.UNKNOWN):
        members = [row for row in rows if row.sex == sex]
        if not members:
            continue
        n = len(members)
        ages = [row.age for row in members if row.age is not None]
        count = wording.count_words(n, language)
        if chinese:
            noun = {"M": "男", "F": "女"}.get(sex)
            who = f"{count}{noun}" if noun else f"{count}名性別未有記錄的人士"
        elif sex == Person.Sex.MALE:
            who = f"{count} {'man' if n == 1 else 'men'}"
        elif sex == Person.Sex.FEMALE:
            who = f"{count} {'woman' if n == 1 else 'women'}"
        else:
            who = f"{count} {'person' if n == 1 else 'persons'} whose sex was not recorded"
        groups.append((who, wording.age_range(ages, language)))
    if chinese:
        if len(groups) == 1:
            who, span = groups[0]
            return f"{who}，{span}" if span else who
        return "及".join(f"{who}（{span}）" if span else who for who, span in groups)
    parts = [f"{who}, {span}" if span else who for who, span in groups]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + ", and " + parts[-1]


def _people(record: OperationRecord, language: str) -> str:
    """One sentence naming each role's people: 'The suspected illegal workers were six men, aged 22 to
    41; the suspected employer was one man, aged 45.'"""
    chinese = wording.is_chinese(language)
    clauses: list[str] = []
    for role in Arrest.Role:
        rows = record.by_role(role.value)
        if not rows:
            continue
        singular, plural = _ROLE_NOUNS[_language_key(language)][role.value]
        if chinese:
            clauses.append(f"{'被捕' if not clauses else ''}{singular}為{_sex_groups(rows, language)}")
        else:
            noun, verb = (singular, "was") if len(rows) == 1 else (plural, "were")
            clauses.append(f"the {noun} {verb} {_sex_groups(rows, language)}")
    if not clauses:
        return ""
    if chinese:
        return "；".join(clauses) + "。"
    sentence = "; ".join(clauses) + "."
    return sentence[:1].upper() + sentence[1:]


def _district_names(record: OperationRecord, language: str) -> str:
    codes = list(dict.fromkeys(row.district for row in record.premises))
    with translation.override(_language_key(language)):
        names = [str(District(code).label) for code in codes if code in District.values]
    if wording.is_chinese(language):
        return wording.list_join(names, language)
    return wording.list_join([f"{name} District" for name in names], language)


def _place_default(record: OperationRecord, language: str) -> str:
    phrases = _PREMISES[_language_key(language)]
    kinds = [phrases.get(row.premises_type, phrases["other"]) for row in record.premises]
    if len(kinds) <= 1:
        return kinds[0] if kinds else ""
    distinct = list(dict.fromkeys(kinds))
    count = wording.count_words(len(kinds), language, people=False)
    if wording.is_chinese(language):
        return f"{count}個處所（{wording.list_join(distinct, language)}）"
    return f"{count} premises ({wording.list_join(distinct, language)})"


def _publicity(record: OperationRecord, language: str, phrases: Mapping[str, str]) -> str:
    if not record.publicity:
        return ""
    combined = phrases.get("publicity:" + "+".join(sorted(record.publicity)))
    if combined:
        return combined
    parts = [phrases.get(f"publicity:{item}", "") for item in record.publicity]
    return wording.list_join([part for part in parts if part], language)


def _channels(language: str, phrases: Mapping[str, str]) -> str:
    parts = []
    for key, value in reporting_channels(language):
        phrase = phrases.get(f"channel:{key}", "{value}")
        parts.append(phrase.replace("{value}", value))
    if not parts:
        return ""
    if wording.is_chinese(language):
        return "、".join(parts[:-1]) + ("或" if len(parts) > 1 else "") + parts[-1]
    return ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def law_codes(record: OperationRecord, phrases: Mapping[str, str]) -> list[str]:
    """The offences the spokesman's paragraph covers: the template's list, then any other offence charged."""
    listed = phrases.get("law:codes", "").split()
    charged = sorted({code for row in record.arrests for code in row.offence_codes})
    return list(dict.fromkeys([*listed, *charged]))


def operation_facts(
    record: OperationRecord,
    *,
    language: str,
    release_at: datetime,
    phrases: Mapping[str, str],
    place: str = "",
) -> tuple[dict[str, Fact], dict[str, bool]]:
    """The placeholder values of an operation release, and the conditions its paragraphs may test."""
    chinese = wording.is_chinese(language)
    release_local = timezone.localtime(release_at)
    source = reverse("publishing:operation_source", args=[record.operation_id])
    total = len(record.arrests)
    roles = [role for role in Arrest.Role if record.by_role(role.value)]
    workers = record.by_role(Arrest.Role.ILLEGAL_WORKER)
    employers = record.by_role(Arrest.Role.EMPLOYER)
    law = law_paragraph(
        codes=law_codes(record, phrases), on=release_local.date(), language=language, phrases=phrases
    )
    persons = (
        f"{wording.count_words(total, language)}人"
        if chinese
        else (f"{wording.count_words(total, language)} {'person' if total == 1 else 'persons'}")
    )
    label_prefix = record.codename
    facts = {
        "agency": Fact(record.agency_zh if chinese else record.agency_en),
        "codename": Fact(record.codename, f"{source}#operation", f"{label_prefix}: operation record"),
        "operation_date": Fact(
            wording.day_relative(record.day, release_local.date(), language),
            f"{source}#operation",
            f"{label_prefix}: date of the operation, told from the release date {release_local.date()}",
        ),
        "place": Fact(
            place or _place_default(record, language),
            f"{source}#premises",
            "wording given by the press officer" if place else "type of premises in the record",
        ),
        "district": Fact(_district_names(record, language), f"{source}#premises", "district of the premises"),
        "persons_arrested": Fact(persons, f"{source}#arrests", f"{total} arrest records"),
        "arrested_total": Fact(
            wording.count_words(total, language), f"{source}#arrests", f"{total} arrest records"
        ),
        "arrested_roles": Fact(
            wording.list_join(
                [_role_count(role.value, len(record.by_role(role.value)), language) for role in roles],
                language,
            ),
            f"{source}#arrests",
            "arrests counted by role",
        ),
        "were": Fact("" if chinese else ("was" if total == 1 else "were")),
        "people": Fact(
            _people(record, language), f"{source}#arrests", "sex and age on the day of arrest, by role"
        ),
        "workers": Fact(
            wording.count_words(len(workers), language),
            f"{source}#role-illegal_worker",
            "suspected illegal workers",
        ),
        "employers": Fact(
            wording.count_words(len(employers), language), f"{source}#role-employer", "suspected employers"
        ),
        "publicity": Fact(
            _publicity(record, language, phrases), f"{source}#publicity", "publicity actions recorded"
        ),
        "law": Fact(
            law.text,
            f"{source}#law",
            "offence catalogue in force on " + release_local.date().isoformat(),
        ),
        "screening": Fact(screening_paragraph(language), "setting:LIONROCK_PRESS_SCREENING", "configuration"),
        "channels": Fact(_channels(language, phrases), "setting:LIONROCK_PRESS_CHANNELS", "configuration"),
        "release_date": Fact(wording.date_long(release_local.date(), language)),
        "end_block": Fact(wording.end_block(release_local, language)),
    }
    conditions = {
        "premises": bool(record.premises),
        "arrests": total > 0,
        "workers": bool(workers),
        "employers": bool(employers),
        "publicity": bool(record.publicity),
        "investigation": any(row.stage == Arrest.Stage.INVESTIGATION for row in record.arrests),
        "screening": record.screened > 0 or bool(workers),
        "women": any(row.sex == Person.Sex.FEMALE for row in record.arrests),
    }
    return facts, conditions
