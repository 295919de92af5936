"""Drafts of a debriefing: what an interviewer has typed so far, kept before it is recorded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import rules
from lionrock.immigration.screening.models import (
    Answer,
    Debriefing,
    Indicator,
)
from lionrock.immigration.screening.services.shared import (
    SCREENERS,
    TEXT_LIMIT,
)
from lionrock.immigration.screening.services.shared import clean_text as _text

__all__ = ["DRAFT_TEXT_FIELDS", "DebriefingDraft", "debriefing_draft_save"]


DRAFT_TEXT_FIELDS = {"location": 200, "language": 40, "interpreter": 200, "decision_reasons": TEXT_LIMIT}


def _whole(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


_DRAFT_CHECKS: dict[str, Callable[[Any], bool]] = {
    **{name: lambda value: isinstance(value, str) for name in DRAFT_TEXT_FIELDS},
    "breaks_offered": _whole(0, 50),
    "breaks_taken": _whole(0, 50),
    "duration_minutes": _whole(1, 24 * 60),
    "started_at": lambda value: isinstance(value, datetime),
    "consent_given": lambda value: isinstance(value, bool),
    "information_given": lambda value: isinstance(value, bool),
    "exploitation": lambda value: value in Debriefing.Exploitation.values,
    "decision": lambda value: value == "" or value in Debriefing.Recommendation.values,
}


@dataclass(frozen=True)
class DebriefingDraft:
    """What the officer has entered so far; every part may be missing. Answers map a code to
    (answer, note); an empty answer with an empty note clears a saved draft answer."""

    answers: Mapping[str, tuple[str, str]]
    details: Mapping[str, Any] | None = None


@transaction.atomic
def debriefing_draft_save(*, actor: Actor, debriefing: Debriefing, draft: DebriefingDraft) -> Debriefing:
    """Keeps the unfinished debriefing server-side as the officer goes, so nothing is lost on a timeout
    or a closed tab. Nothing is submitted and no recommendation is computed; the audit row names the
    debriefing and how many answers were saved, never an answer or a note."""
    access.require(actor, *SCREENERS, organisation=debriefing.case.organisation_id)
    debriefing = Debriefing.objects.select_for_update().select_related("case").get(pk=debriefing.pk)
    if debriefing.state not in (Debriefing.State.ASSIGNED, Debriefing.State.RETURNED):
        raise ValidationFailed(_("This debriefing has been submitted and cannot be changed."))
    indicators = {
        item.code: item for item in debriefing.checklist.indicators.filter(stage=Indicator.Stage.DEBRIEFING)
    }
    stray = sorted(set(draft.answers) - set(indicators))
    if stray:
        raise ValidationFailed(
            _("These are not indicators of this checklist: %(codes)s.") % {"codes": ", ".join(stray)}
        )
    saved = {answer.indicator.code: answer for answer in debriefing.answers.select_related("indicator")}
    changed = 0
    for code, (value, note) in draft.answers.items():
        note = _text(note)
        if value not in rules.ANSWERS and value:
            raise ValidationFailed(_("Answer yes, no or unknown."))
        current = saved.get(code)
        if not value and not note:
            if current is not None:
                current.delete()
                changed += 1
            continue
        # A note without an answer yet is kept with the answer "unknown" until the officer chooses.
        value = value or (current.value if current else rules.UNKNOWN)
        presence = indicators[code].presence(value)
        if current is None:
            Answer.objects.create(
                debriefing=debriefing, indicator=indicators[code], value=value, presence=presence, note=note
            )
            changed += 1
        elif (current.value, current.note) != (value, note):
            current.value, current.presence, current.note = value, presence, note
            current.save(update_fields=["value", "presence", "note"])
            changed += 1
    fields = ["draft_saved_at"]
    for name, value in (draft.details or {}).items():
        check = _DRAFT_CHECKS.get(name)
        if check is None or not check(value):
            continue  # a detail not valid yet is simply not kept; the submission checks everything
        setattr(
            debriefing, name, _text(value, DRAFT_TEXT_FIELDS[name]) if name in DRAFT_TEXT_FIELDS else value
        )
        fields.append(name)
    debriefing.draft_saved_at = timezone.now()
    debriefing.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="screening.debriefing.draft",
        target=debriefing,
        changes={"case": debriefing.case_id, "answers_changed": changed, "fields": sorted(fields)},
        summary=debriefing.case.reference,
    )
    return debriefing
