"""The public's pages, no sign-in: the press release index, one page per release, its PDF, statistics."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import NotFound
from lionrock.publishing import selectors, wording


def _language(request: HttpRequest) -> str:
    """The release's language: ?lang=en|zh-hant, else the page's."""
    asked = request.GET.get("lang", "")
    if asked in (wording.ENGLISH, wording.CHINESE):
        return asked
    return wording.CHINESE if wording.is_chinese(get_language() or "") else wording.ENGLISH


def _html_lang(language: str) -> str:
    return "zh-Hant-HK" if wording.is_chinese(language) else "en-HK"


@require_GET
def press_index(request: HttpRequest) -> HttpResponse:
    language = _language(request)
    versions = selectors.releases_public()[:100]
    rows = [(version, version.title(language)) for version in versions]
    return render(
        request,
        "publishing/public/index.html",
        {"rows": rows, "language": language, "content_lang": _html_lang(language)},
    )


@require_GET
def press_release(request: HttpRequest, reference: str) -> HttpResponse:
    language = _language(request)
    version, versions = selectors.release_public_get(reference=reference)
    paragraphs = [block for block in version.body(language).split("\n\n") if block.strip()]
    other = wording.ENGLISH if wording.is_chinese(language) else wording.CHINESE
    return render(
        request,
        "publishing/public/release.html",
        {
            "version": version,
            "versions": versions,
            "release": version.release,
            "title": version.title(language),
            "paragraphs": paragraphs,
            "language": language,
            "other_language": other,
            "content_lang": _html_lang(language),
            "other_lang": _html_lang(other),
            "corrections": [v for v in versions if v.number > 1],
        },
    )


@require_GET
def press_release_pdf(request: HttpRequest, reference: str, language: str) -> HttpResponse:
    if language not in (wording.ENGLISH, wording.CHINESE):
        raise NotFound(language)
    version, _versions = selectors.release_public_get(reference=reference)
    from lionrock.core.documents import PdfUnavailable
    from lionrock.publishing.pdf import release_pdf

    try:
        pdf = release_pdf(version=version, language=language)
    except PdfUnavailable:
        return HttpResponse(
            _("The PDF cannot be made on this server; the page itself holds the full text."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{reference}-{language}.pdf"'
    return response


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    from lionrock.publishing.configuration import suppression_threshold
    from lionrock.publishing.statistics import public_statistics

    return render(
        request,
        "publishing/public/statistics.html",
        {"tables": public_statistics(), "threshold": suppression_threshold()},
    )


@require_GET
def statistics_csv(request: HttpRequest, table: str) -> HttpResponse:
    from lionrock.publishing.statistics import public_statistics, table_csv

    found = next((item for item in public_statistics() if item.key == table), None)
    if found is None:
        raise NotFound(table)
    response = HttpResponse(table_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lionrock-{table}.csv"'
    return response
