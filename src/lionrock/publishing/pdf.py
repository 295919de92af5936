"""A published version of a release as a PDF, through the core documents service (letterhead in both
languages, the reference and version at the foot of every page)."""

from __future__ import annotations

from lionrock.core.documents import Document, Letterhead, pdf_render
from lionrock.publishing import wording
from lionrock.publishing.models import ReleaseVersion

__all__ = ["release_pdf"]


def release_pdf(*, version: ReleaseVersion, language: str) -> bytes:
    """The version exactly as published, in one language. Raises PdfUnavailable without Pango."""
    release = version.release
    paragraphs = [block for block in version.body(language).split("\n\n") if block.strip()]
    return pdf_render(
        Document(
            template="publishing/release_pdf.html",
            context={"paragraphs": paragraphs, "version": version, "chinese": wording.is_chinese(language)},
            language=language,
            title=version.title(language),
            letterhead=Letterhead.of(release.organisation),
            reference=f"{release.reference} v{version.number}",
        )
    )
