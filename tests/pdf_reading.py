"""Reading the platform's PDFs in tests: what a reader copies out of them (poppler's pdftotext).

Where WeasyPrint cannot load Pango or pdftotext is missing, a PDF test is skipped with the reason on a
developer's machine and fails under CI (`CI` set), which installs both (.ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def pdf_renderer_missing(exc: Exception) -> None:
    """Skips (locally) or fails (under CI) a test whose PDF WeasyPrint cannot make without Pango."""
    if os.environ.get("CI"):
        pytest.fail(f"WeasyPrint cannot load Pango: .ci/run installs libpango-1.0-0 ({exc})")
    pytest.skip(f"WeasyPrint cannot load Pango (apt-get install libpango-1.0-0): {exc}")


def pdf_renderer_require() -> None:
    """For a module's fixture: its PDFs need WeasyPrint with Pango."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        pdf_renderer_missing(exc)


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as a reader copies it, whitespace folded."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext is missing: .ci/run installs poppler-utils")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", "-enc", "UTF-8", str(path), "-"]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return [" ".join(page.split()) for page in out.stdout.split("\f") if page.strip()]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The whole document's text as a reader copies it, whitespace folded."""
    return " ".join(pdf_pages(pdf, tmp_path))
