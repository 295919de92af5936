"""The release wording an agency keeps in configuration: the reporting channels and the screening paragraph.

LIONROCK_PRESS_CHANNELS lists the channels in the order a release gives them, each a (kind, value) with
kind one of hotline, fax, email, online_form; an online form's value may differ per language
(LIONROCK_PRESS_ONLINE_FORM_EN / _ZH). LIONROCK_PRESS_SCREENING_EN / _ZH is the screening paragraph.
"""

from __future__ import annotations

from django.conf import settings

from lionrock.publishing import wording

__all__ = ["reporting_channels", "screening_paragraph", "suppression_threshold"]


def reporting_channels(language: str) -> list[tuple[str, str]]:
    chinese = wording.is_chinese(language)
    channels: list[tuple[str, str]] = []
    for kind, value in (
        ("hotline", settings.LIONROCK_PRESS_HOTLINE),
        ("fax", settings.LIONROCK_PRESS_FAX),
        ("email", settings.LIONROCK_PRESS_EMAIL),
        (
            "online_form",
            settings.LIONROCK_PRESS_ONLINE_FORM_ZH if chinese else settings.LIONROCK_PRESS_ONLINE_FORM_EN,
        ),
    ):
        if value:
            channels.append((kind, value))
    return channels


def screening_paragraph(language: str) -> str:
    if wording.is_chinese(language):
        return str(settings.LIONROCK_PRESS_SCREENING_ZH)
    return str(settings.LIONROCK_PRESS_SCREENING_EN)


def suppression_threshold() -> int:
    """Public statistics show counts below this as "<n"; never less than 1."""
    return max(1, int(settings.LIONROCK_STATISTICS_MIN_COUNT))
