"""Rendering a document template to HTML in one language, and HTML to PDF without fetching anything."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the libraries it needs (Pango) are not installed on this server."""


@dataclass(frozen=True)
class Letterhead:
    """The issuing department's name in both languages, printed at the top of the first page."""

    name_en: str
    name_zh: str = ""
    line: str = ""  # e.g. a unit or an address, in the document's language

    @classmethod
    def of(cls, organisation: Any, *, line: str = "") -> Letterhead:
        """The letterhead of an organisation (anything with ``name_en`` and ``name_zh``)."""
        return cls(
            name_en=str(organisation.name_en), name_zh=str(getattr(organisation, "name_zh", "")), line=line
        )


@dataclass(frozen=True)
class Document:
    """One PDF to make: a template extending ``documents/base.html`` and what it shows.

    ``language`` is the language of the body (``en`` or ``zh-hant``); the letterhead is always in both.
    ``exercise`` prints an "EXERCISE · 演習" banner at the top of every page and a watermark behind.
    """

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    language: str = "en"
    title: str = ""
    letterhead: Letterhead | None = None
    reference: str = ""
    exercise: bool = False


def html_render(document: Document) -> str:
    """The document's HTML, rendered in its language (what ``pdf_render`` prints)."""
    with translation.override(document.language):
        context = {
            **document.context,
            "document": document,
            "html_lang": "zh-Hant" if document.language.lower().startswith("zh") else "en",
        }
        return render_to_string(document.template, context)


def html_to_pdf(html: str) -> bytes:
    """HTML to PDF with WeasyPrint; every URL (file, network, data) is refused and logged.

    Raises ``PdfUnavailable`` when WeasyPrint or Pango cannot be loaded.
    """
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: WeasyPrint is there but Pango's libraries are not
        logger.error("PDF rendering unavailable: %s", exc)
        raise PdfUnavailable(str(exc)) from exc

    class _RefuseAll(URLFetcher):  # type: ignore[misc]
        """No file, no network: the document is made from its template and nothing else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            logger.warning("document: refused to fetch %.80s", url)
            raise ValueError("documents load no external resource")

    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_RefuseAll(), base_url=None).write_pdf()
    return pdf


def pdf_render(document: Document) -> bytes:
    """The document as a PDF (see ``Document``); ``PdfUnavailable`` without WeasyPrint/Pango."""
    return html_to_pdf(html_render(document))
