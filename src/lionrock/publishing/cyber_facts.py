"""What a release about a drill or a major event says, read through the drills' and events' own selectors.

A press officer reads an agency's cyber records as that agency's planners and analysts would, and only for
the agencies they issue releases for (selectors.cyber_reader). A drill's release states its name, days,
how many organisations of which sectors took part, the scenario type and the capabilities exercised:
never a team, a score, a canary or the exercise's own injects. A major event's release states its name,
days, watch period, how many organisations took part, the readiness checks done and how many incidents
were reported in the watch period, as a count withheld below LIONROCK_STATISTICS_MIN_COUNT; never an
incident's details, and never a draft or an exercise report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone, translation

from lionrock.core.accounts.models import Organisation
from lionrock.publishing import wording
from lionrock.publishing.configuration import suppression_threshold
from lionrock.publishing.placeholders import Fact

__all__ = [
    "DRILL_CONDITIONS",
    "DRILL_PHRASE_PLACEHOLDERS",
    "DRILL_PLACEHOLDERS",
    "DRILL_REQUIRED",
    "EVENT_CONDITIONS",
    "EVENT_PHRASE_PLACEHOLDERS",
    "EVENT_PLACEHOLDERS",
    "EVENT_REQUIRED",
    "DrillRecord",
    "EventRecord",
    "drill_facts",
    "event_facts",
]

DRILL_PLACEHOLDERS = (
    "agency",
    "drill",
    "drill_date",
    "organisations",
    "sectors",
    "scenario",
    "capabilities",
    "release_date",
    "end_block",
)
DRILL_REQUIRED = ("end_block",)
DRILL_CONDITIONS = ("sectors", "scenario", "capabilities")
DRILL_PHRASE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {"organisations": ("count",)}

EVENT_PLACEHOLDERS = (
    "agency",
    "event",
    "event_date",
    "watch_period",
    "organisations",
    "readiness_done",
    "readiness_total",
    "readiness_items",
    "incidents",
    "release_date",
    "end_block",
)
EVENT_REQUIRED = ("end_block",)
EVENT_CONDITIONS = ("readiness", "incidents")
EVENT_PHRASE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "organisations": ("count",),
    "incidents": ("count",),
    "incidents:withheld": ("count",),
}


@dataclass(frozen=True)
class DrillRecord:
    """A finished drill as a release may tell it: counts and kinds, nothing of the exercise's content."""

    pk: int
    organisation: Organisation
    name_en: str
    name_zh: str
    first_day: date
    last_day: date
    organisations: int
    sectors: tuple[str, ...]  # Organisation.Sector codes, in the catalogue's order
    scenario_en: str
    scenario_zh: str
    capabilities: tuple[str, ...]  # Capability codes, in the drills' own order


@dataclass(frozen=True)
class EventRecord:
    """A major event as its summary release tells it: dates, counts and the readiness checklist's items."""

    pk: int
    slug: str
    organisation: Organisation
    name_en: str
    name_zh: str
    first_day: date
    last_day: date
    watch_from: date
    watch_to: date
    organisations: int  # taking part, besides the organiser
    readiness_done: int
    readiness_total: int
    readiness_items: tuple[tuple[str, str], ...]  # (English, Chinese) titles of items some organisation did
    incidents: int  # submitted, not exercise reports, aware in the watch period


def _lower_first(title: str) -> str:
    """A checklist title inside a sentence: "Backups restored" reads "backups restored"; "DDoS" stays."""
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def _agency(organisation: Organisation, chinese: bool) -> Fact:
    return Fact((organisation.name_zh or organisation.name_en) if chinese else organisation.name_en)


def _sector_name(code: str, language: str, phrases: Mapping[str, str]) -> str:
    given = phrases.get(f"sector:{code}")
    if given:
        return given
    with translation.override("zh-hant" if wording.is_chinese(language) else "en"):
        return str(dict(Organisation.Sector.choices).get(code, code))


def _organisations(count: int, language: str, phrases: Mapping[str, str]) -> str:
    words = wording.count_words(count, language)
    if wording.is_chinese(language):
        return phrases.get("organisations", "{count}個機構").replace("{count}", words)
    default = "{count} organisation" + ("" if count == 1 else "s")
    return phrases.get("organisations" if count != 1 else "organisations:one", default).replace(
        "{count}", words
    )


def drill_facts(
    record: DrillRecord, *, language: str, release_at: datetime, phrases: Mapping[str, str]
) -> tuple[dict[str, Fact], dict[str, bool]]:
    chinese = wording.is_chinese(language)
    release_local = timezone.localtime(release_at)
    source = reverse("publishing:drill_source", args=[record.pk])
    sectors = [_sector_name(code, language, phrases) for code in record.sectors]
    capabilities = [phrases.get(f"capability:{code}", code) for code in record.capabilities]
    scenario = record.scenario_zh if chinese else record.scenario_en
    facts = {
        "agency": _agency(record.organisation, chinese),
        "drill": Fact(
            record.name_zh or record.name_en if chinese else record.name_en, f"{source}#drill", "drill"
        ),
        "drill_date": Fact(
            wording.day_span(record.first_day, record.last_day, release_local.date(), language),
            f"{source}#drill",
            "days of the drill, told from the release date",
        ),
        "organisations": Fact(
            _organisations(record.organisations, language, phrases), f"{source}#teams", "teams taking part"
        ),
        "sectors": Fact(wording.list_join(sectors, language), f"{source}#sectors", "sectors of the teams"),
        "scenario": Fact(scenario, f"{source}#scenario", "scenario template"),
        "capabilities": Fact(
            wording.list_join(capabilities, language),
            f"{source}#objectives",
            "capabilities of the objectives",
        ),
        "release_date": Fact(wording.date_long(release_local.date(), language)),
        "end_block": Fact(wording.end_block(release_local, language)),
    }
    return facts, {"sectors": bool(sectors), "scenario": bool(scenario), "capabilities": bool(capabilities)}


def incidents_wording(count: int, language: str, phrases: Mapping[str, str]) -> str:
    """'12 cybersecurity incidents', 'fewer than three cybersecurity incidents'; 「少於三宗網絡安全事故」."""
    threshold = suppression_threshold()
    chinese = wording.is_chinese(language)
    if 0 < count < threshold:
        words = wording.count_words(threshold, language)
        default = "少於{count}宗網絡安全事故" if chinese else "fewer than {count} cybersecurity incidents"
        return phrases.get("incidents:withheld", default).replace("{count}", words)
    words = wording.count_words(count, language)
    default = "{count}宗網絡安全事故" if chinese else "{count} cybersecurity incidents"
    return phrases.get("incidents", default).replace("{count}", words)


def event_facts(
    record: EventRecord, *, language: str, release_at: datetime, phrases: Mapping[str, str]
) -> tuple[dict[str, Fact], dict[str, bool]]:
    chinese = wording.is_chinese(language)
    release_day = timezone.localtime(release_at).date()
    source = reverse("publishing:event_source", args=[record.pk])
    items = [zh or en if chinese else _lower_first(en) for en, zh in record.readiness_items]
    facts = {
        "agency": _agency(record.organisation, chinese),
        "event": Fact(
            record.name_zh or record.name_en if chinese else record.name_en, f"{source}#event", "event"
        ),
        "event_date": Fact(
            wording.day_span(record.first_day, record.last_day, release_day, language),
            f"{source}#event",
            "days of the event, told from the release date",
        ),
        "watch_period": Fact(
            wording.day_span(record.watch_from, record.watch_to, release_day, language),
            f"{source}#watch",
            "watch period",
        ),
        "organisations": Fact(
            _organisations(record.organisations, language, phrases),
            f"{source}#organisations",
            "organisations taking part",
        ),
        "readiness_done": Fact(
            wording.count_words(record.readiness_done, language),
            f"{source}#readiness",
            "readiness checks done",
        ),
        "readiness_total": Fact(
            wording.count_words(record.readiness_total, language),
            f"{source}#readiness",
            "readiness checks due",
        ),
        "readiness_items": Fact(
            wording.list_join(items, language), f"{source}#readiness", "checklist items done"
        ),
        "incidents": Fact(
            incidents_wording(record.incidents, language, phrases),
            f"{source}#incidents",
            "incidents reported in the watch period (small counts withheld)",
        ),
        "release_date": Fact(wording.date_long(release_day, language)),
        "end_block": Fact(wording.end_block(timezone.localtime(release_at), language)),
    }
    return facts, {"readiness": record.readiness_done > 0 and bool(items), "incidents": record.incidents > 0}
