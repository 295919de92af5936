"""The after-action report with its improvement plan, as a PDF from the documents service."""

from __future__ import annotations

from collections import Counter

from lionrock.core.accounts.access import Actor
from lionrock.core.documents import Document, Letterhead, html_render, pdf_render
from lionrock.cyber.drills import selectors
from lionrock.cyber.drills.models import Capability, Exercise


def report_document(*, actor: Actor, exercise: Exercise, language: str = "en") -> Document:
    """What the report shows, for this actor (the white cell sees every team, a player only its own)."""
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
    return Document(
        template="drills/report_pdf.html",
        context={
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
        },
        language=language,
        title=f"After-action report — {exercise.name_en}",
        letterhead=Letterhead.of(exercise.organiser),
        reference=f"DRILL-{exercise.pk}",
        exercise=True,
    )


def report_pdf(*, actor: Actor, exercise: Exercise, language: str = "en") -> bytes:
    return pdf_render(report_document(actor=actor, exercise=exercise, language=language))


def html_render_for(*, actor: Actor, exercise: Exercise, language: str = "en") -> str:
    """The report as HTML (what the PDF prints), for pages and checks without a PDF renderer."""
    return html_render(report_document(actor=actor, exercise=exercise, language=language))
