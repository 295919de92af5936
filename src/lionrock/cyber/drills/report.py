"""The after-action report with its improvement plan, as a PDF from the documents service.

One bilingual document, as Hong Kong government papers are: every section in English on the left and in
Traditional Chinese on the right, the same figures in both, the EXERCISE band on every page. A report in
one language only (`language="en"` or `"zh-hant"`) is still there for those who ask for it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from lionrock.core.accounts.access import Actor
from lionrock.core.documents import Document, Letterhead, html_render, pdf_render
from lionrock.cyber.drills import selectors
from lionrock.cyber.drills.models import Capability, Exercise

BOTH = "both"
LANGUAGES = (BOTH, "en", "zh-hant")


def language_of(asked: str) -> str:
    """The report's language from a request: "en", "zh-hant" (any "zh…"), otherwise both side by side."""
    asked = asked.lower()
    if asked.startswith("zh"):
        return "zh-hant"
    return "en" if asked == "en" else BOTH


def _section(name: str, context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        lang = "zh-Hant" if language.startswith("zh") else "en"
        return render_to_string(f"drills/report/{name}.html", {**context, "html_lang": lang})


def _sections(context: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """Each section in the report's language, or side by side in English and Chinese."""
    parts: list[tuple[str, dict[str, Any], bool]] = [
        ("summary", context, False),
        ("objectives", context, False),
        ("timeline", context, False),
        *(
            ("team", {**context, "team": team, "first": number == 0}, True)
            for number, team in enumerate(context["board"].teams)
        ),
        ("distributions", context, True),
        ("coverage", context, True),
        ("hotwash", context, False),
        ("lessons", context, False),
        ("plan", context, False),
    ]
    languages = ("en", "zh-hant") if language == BOTH else (language,)
    return [
        {
            "left": _section(name, values, languages[0]),
            "right": _section(name, values, languages[1]) if len(languages) > 1 else "",
            "keep": keep,
        }
        for name, values, keep in parts
    ]


def report_document(*, actor: Actor, exercise: Exercise, language: str = BOTH) -> Document:
    """What the report shows, for this actor (the white cell sees every team, a player only its own).

    `language` is "both" (the bilingual document), "en" or "zh-hant".
    """
    if language not in LANGUAGES:
        language = BOTH
    board = selectors.scoreboard(actor=actor, exercise=exercise)
    injects = list(exercise.injects.prefetch_related("expectations"))
    techniques = Counter(inject.technique for inject in injects if inject.technique)
    detected = {
        inject.technique
        for inject in injects
        for team in board.teams
        for row in team.rows
        if row.expectation.inject_id == inject.pk and row.expectation.capability == Capability.DETECT
        if row.validated_at is not None and inject.technique
    }
    context: dict[str, Any] = {
        "exercise": exercise,
        "board": board,
        "injects": injects,
        "objectives": list(exercise.objectives.all()),
        "findings": list(selectors.findings_of(actor=actor, exercise=exercise)),
        "hotwash": list(selectors.hotwash_answers(actor=actor, exercise=exercise)),
        "coverage": [(technique, technique in detected) for technique in sorted(techniques)],
        "distributions": [
            (capability.label, board.distribution(capability.value))
            for capability in (Capability.DETECT, Capability.REPORT, Capability.SHARE)
        ],
    }
    titles = []
    for lang in ("en", "zh-hant") if language == BOTH else (language,):
        with translation.override(lang):
            name = exercise.name_zh if lang == "zh-hant" and exercise.name_zh else exercise.name_en
            titles.append(f"{gettext('After-action report')} — {name}")
    return Document(
        template="drills/report_pdf.html",
        context={"exercise": exercise, "sections": _sections(context, language)},
        language="en" if language == BOTH else language,
        title=" / ".join(titles),
        letterhead=Letterhead.of(exercise.organiser),
        reference=f"DRILL-{exercise.pk}",
        exercise=True,
    )


def report_pdf(*, actor: Actor, exercise: Exercise, language: str = BOTH) -> bytes:
    return pdf_render(report_document(actor=actor, exercise=exercise, language=language))


def html_render_for(*, actor: Actor, exercise: Exercise, language: str = BOTH) -> str:
    """The report as HTML (what the PDF prints), for pages and checks without a PDF renderer."""
    return html_render(report_document(actor=actor, exercise=exercise, language=language))
