"""The public PDF of a release: the published version's text in the language asked, with its reference."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client

from lionrock.publishing import services
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
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"WeasyPrint cannot load Pango: .ci/run installs libpango-1.0-0 ({exc})")
        pytest.skip(f"WeasyPrint cannot load Pango (apt-get install libpango-1.0-0): {exc}")


def _text(pdf: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing: .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "release.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(out.stdout.split())


def test_the_pdf_of_a_published_release_holds_its_text_in_each_language(tmp_path) -> None:  # type: ignore[no-untyped-def]
    operation = operation_with_arrests_make(day=date(2026, 1, 15), people=workers(2))
    drafter, approver = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=hkt(date(2026, 1, 15)))
    assert Client().get(f"/press/{release.reference}/en.pdf").status_code == 404  # not yet published
    services.release_submit(actor=drafter, release=release)
    services.release_approve(actor=approver, release=release)
    english = Client().get(f"/press/{release.reference}/en.pdf")
    assert english["Content-Type"] == "application/pdf"
    text = _text(english.content, tmp_path)
    assert "Two persons arrested during anti-illegal worker operation" in text
    assert f"{release.reference} v1" in text and "Issued at HKT 20:30" in text
    chinese = _text(Client().get(f"/press/{release.reference}/zh-hant.pdf").content, tmp_path)
    assert "拘捕兩人" in chinese and "香港時間20時30分" in chinese
