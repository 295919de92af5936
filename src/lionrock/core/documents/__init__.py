"""Bilingual PDF documents from templates: the department's letterhead, page numbers, an optional
"EXERCISE" banner on every page, fonts for Chinese, and nothing fetched from files or the network.

Public face::

    from lionrock.core.documents import Document, Letterhead, PdfUnavailable, pdf_render

    pdf = pdf_render(Document(
        template="events/situation_report.html",   # {% extends "documents/base.html" %}
        context={"report": report},
        language="zh-hant",                          # the body's language
        title="Situation report 12",
        letterhead=Letterhead.of(organisation),      # English and Chinese names, always both
        reference="SITREP-2026-0012",                # printed at the foot of every page
        exercise=drill is not None,                  # the banner, on every page
    ))

WeasyPrint (and the Pango library under it) is imported only when a PDF is asked for, so the platform
starts and every other page works on a machine without it; ``PdfUnavailable`` says so. The app has no
models; it is installed so that its base template (``documents/base.html``) is found.
"""

from __future__ import annotations

from lionrock.core.documents.rendering import (
    Document,
    Letterhead,
    PdfUnavailable,
    html_render,
    html_to_pdf,
    pdf_render,
)

__all__ = ["Document", "Letterhead", "PdfUnavailable", "html_render", "html_to_pdf", "pdf_render"]
