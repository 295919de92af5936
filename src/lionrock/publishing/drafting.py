"""One draft on demand, for the command line and the API: generated, printed or returned, never saved."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from lionrock.core.accounts.access import Actor
from lionrock.publishing import selectors
from lionrock.publishing.generator import Draft, draft_generate, language_clean
from lionrock.publishing.models import PressRelease

__all__ = ["draft_for_operation"]


def draft_for_operation(
    *,
    actor: Actor | None,
    reference: str | int,
    language: str,
    release_at: datetime | None = None,
    place: str = "",
) -> Draft:
    """The operation's draft in one language. Without a release time or place, those the press office
    chose for the operation's latest release are used, else now and the type of premises."""
    language = language_clean(language)
    operation = selectors.operation_for_release(actor=actor, reference=reference)
    latest = PressRelease.objects.filter(operation=operation).order_by("-created_at").first()
    if release_at is None:
        release_at = latest.release_at if latest is not None else timezone.now()
    if not place and latest is not None:
        place = latest.place_zh if language.startswith("zh") else latest.place_en
    return draft_generate(source=operation, language=language, release_at=release_at, place=place)
