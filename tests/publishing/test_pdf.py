"""The public PDF of a release: the published version's text in the language asked, with its reference."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lionrock.publishing import services
from tests.pdf_reading import pdf_renderer_require, pdf_text
from tests.publishing.factories import (
    hkt,
    operation_with_arrests_make,
    press_officer_make,
    release_make,
    workers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _pdf_renderer():  # type: ignore[no-untyped-def]
    """WeasyPrint loads Pango from the system; where it is missing the PDFs cannot be made here."""
    pdf_renderer_require()


def test_the_pdf_of_a_published_release_holds_its_text_in_each_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    operation = operation_with_arrests_make(day=date(2026, 1, 15), people=workers(2))
    drafter, approver = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(date(2026, 1, 15)))
    assert Client().get(f"/press/{release.reference}/en.pdf").status_code == 404  # not yet published
    services.release_submit(actor=drafter, release=release)
    services.release_approve(actor=approver, release=release)
    english = Client().get(f"/press/{release.reference}/en.pdf")
    assert english["Content-Type"] == "application/pdf"
    text = pdf_text(english.content, tmp_path)
    assert "Two persons arrested during anti-illegal worker operation" in text
    assert f"{release.reference} v1" in text and "Issued at HKT 20:30" in text
    chinese = pdf_text(Client().get(f"/press/{release.reference}/zh-hant.pdf").content, tmp_path)
    assert "拘捕兩人" in chinese and "香港時間20時30分" in chinese
