"""Bilingual PDFs from templates: letterhead in both languages, page numbers, the exercise banner,
Chinese text that survives, nothing fetched."""

from __future__ import annotations

import logging

import pytest

from lionrock.core.documents import Document, Letterhead, PdfUnavailable, html_to_pdf, pdf_render
from tests.pdf_reading import pdf_renderer_require, pdf_text


@pytest.fixture(scope="module", autouse=True)
def _pdf_renderer() -> None:
    """WeasyPrint loads Pango from the system; where it is missing the PDFs cannot be made here."""
    pdf_renderer_require()


def _pages(text: str) -> int:
    import re

    return max(int(total) for total in re.findall(r"\d+ / (\d+)", text))


DEPARTMENT = Letterhead(name_en="Immigration Department", name_zh="入境事務處", line="Task Force")


def _letter(**overrides: object) -> Document:
    values: dict[str, object] = {
        "template": "documents/letter.html",
        "context": {"paragraphs": ["第一段香港特別行政區。"] + [f"Paragraph {n}." for n in range(90)]},
        "language": "zh-hant",
        "title": "情況報告 Situation report",
        "letterhead": DEPARTMENT,
        "reference": "SITREP-2026-0012",
    }
    values.update(overrides)
    return Document(**values)  # type: ignore[arg-type]


def test_the_letterhead_is_in_both_languages_and_every_page_is_numbered_with_the_reference(tmp_path):
    text = pdf_text(pdf_render(_letter()), tmp_path)
    assert "Immigration Department" in text and "入境事務處" in text
    assert "第一段香港特別行政區。" in text
    assert "SITREP-2026-0012" in text
    pages = _pages(text)
    assert pages > 1
    assert all(f"{n} / {pages}" in text for n in range(1, pages + 1))
    assert "頁" in text  # "Page" in the body's language


def test_an_exercise_document_says_so_on_every_page(tmp_path):
    text = pdf_text(pdf_render(_letter(exercise=True, language="en")), tmp_path)
    assert text.count("EXERCISE · 演習 · EXERCISE") == _pages(text)
    plain = pdf_text(pdf_render(_letter(language="en")), tmp_path)
    assert "EXERCISE" not in plain


def test_a_document_fetches_nothing_from_files_or_the_network(caplog):
    hostile = '<link rel="stylesheet" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    with caplog.at_level(logging.WARNING, logger="lionrock.core.documents.rendering"):
        assert html_to_pdf(f"<html><body>{hostile}</body></html>").startswith(b"%PDF-")
    refused = " ".join(r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage())
    assert "file:///etc/passwd" in refused and "http://127.0.0.1:9/x.png" in refused


def test_without_the_pdf_library_the_caller_is_told_plainly(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(PdfUnavailable):
        pdf_render(_letter())
