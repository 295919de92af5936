"""What every screening write shares: who screens, how free text is cleaned, and the deadlines."""

from __future__ import annotations

import logging
import re

from django.conf import settings

from lionrock.core.accounts.roles import Role

__all__ = ["SCREENERS", "TEXT_LIMIT", "clean_text", "debriefing_due_hours", "referral_due_hours"]


logger = logging.getLogger(__name__)


SCREENERS = (Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR)


TEXT_LIMIT = 4000


def clean_text(value: str, limit: int = TEXT_LIMIT) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value or "").strip()[:limit]


def debriefing_due_hours() -> int:
    return int(settings.LIONROCK_DEBRIEFING_DUE_HOURS)


def referral_due_hours() -> int:
    return int(settings.LIONROCK_REFERRAL_DUE_HOURS)
