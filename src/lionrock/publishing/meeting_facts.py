"""What a meeting's press release says: the record as the press officer entered it, quotes included."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from lionrock.publishing import wording
from lionrock.publishing.models import Meeting
from lionrock.publishing.placeholders import Fact, fill

__all__ = ["MEETING_CONDITIONS", "MEETING_PLACEHOLDERS", "MEETING_REQUIRED", "meeting_facts"]

MEETING_PLACEHOLDERS = (
    "agency",
    "meeting",
    "convened_by",
    "meeting_date",
    "attendees",
    "topics",
    "follow_up",
    "quotes",
    "release_date",
    "end_block",
)
MEETING_REQUIRED = ("end_block",)
MEETING_CONDITIONS = ("follow_up", "quotes")
MEETING_PHRASE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {"quote": ("speaker", "quote")}


def _attendees(meeting: Meeting, language: str) -> str:
    chinese = wording.is_chinese(language)
    given = meeting.attendees_zh if chinese else meeting.attendees_en
    if given:
        return given
    names = [(org.name_zh or org.name_en) if chinese else org.name_en for org in meeting.attendees.all()]
    return wording.list_join(sorted(names), language)


def meeting_facts(
    meeting: Meeting, *, language: str, release_at: datetime, phrases: Mapping[str, str]
) -> tuple[dict[str, Fact], dict[str, bool]]:
    chinese = wording.is_chinese(language)
    release_local = timezone.localtime(release_at)
    source = reverse("publishing:meeting", args=[meeting.pk])
    organisation = meeting.organisation
    quotes = []
    for item in meeting.quotes or []:
        speaker = str(item.get("speaker_zh" if chinese else "speaker_en", "")).strip()
        quote = str(item.get("quote_zh" if chinese else "quote_en", "")).strip()
        if speaker and quote:
            quotes.append(
                fill(
                    phrases.get("quote", "{speaker}: {quote}"),
                    {"speaker": Fact(speaker), "quote": Fact(quote)},
                )
            )
    follow_up = meeting.follow_up_zh if chinese else meeting.follow_up_en
    facts = {
        "agency": Fact((organisation.name_zh or organisation.name_en) if chinese else organisation.name_en),
        "meeting": Fact(
            meeting.name_zh if chinese else meeting.name_en, f"{source}#meeting", "meeting record"
        ),
        "convened_by": Fact(
            meeting.convened_by_zh if chinese else meeting.convened_by_en,
            f"{source}#meeting",
            "meeting record",
        ),
        "meeting_date": Fact(
            wording.day_relative(meeting.held_on, release_local.date(), language),
            f"{source}#meeting",
            "date of the meeting, told from the release date",
        ),
        "attendees": Fact(_attendees(meeting, language), f"{source}#attendees", "organisations attending"),
        "topics": Fact(meeting.topics_zh if chinese else meeting.topics_en, f"{source}#topics", "topics"),
        "follow_up": Fact(follow_up, f"{source}#follow-up", "follow-up measures"),
        "quotes": Fact(
            "\n\n".join(quotes), f"{source}#quotes", "quotes written by the press officer, attributed by name"
        ),
        "release_date": Fact(wording.date_long(release_local.date(), language)),
        "end_block": Fact(wording.end_block(release_local, language)),
    }
    return facts, {"follow_up": bool(follow_up.strip()), "quotes": bool(quotes)}
