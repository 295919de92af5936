"""The employers' document check (public, no account): checking documents, saving the inspection record
and downloading it again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from lionrock.core.accounts.access import NotFound
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.employer_check import (
    EMPLOYER_DUTIES,
    DocumentCheck,
    hkid_check,
    zone_check,
)
from lionrock.immigration.enforcement.forms import (
    EmployerCheckForm,
    EmployerRecordForm,
    EmployerRecordLookupForm,
)
from lionrock.immigration.enforcement.inspection_record import (
    InspectionRecord,
    PdfUnavailable,
    record_filename,
    record_make,
    record_pdf,
)
from lionrock.immigration.enforcement.lookups import lookup_failure_count, lookup_refused


@never_cache
@sensitive_post_parameters("hkid", "zone")
@require_http_methods(["GET", "POST"])
def employer_check(request: HttpRequest) -> HttpResponse:
    """Format checks on a job seeker's documents and the steps the law still asks; nothing is stored.

    POST, so that numbers never appear in addresses or server logs.
    """
    form = EmployerCheckForm(request.POST if request.method == "POST" else None)
    results: list[DocumentCheck] = []
    if request.method == "POST" and form.is_valid():
        results = _employer_checks(form.cleaned_data)
    return _employer_check_page(request, form, results)


def _employer_checks(data: dict[str, Any]) -> list[DocumentCheck]:
    today = timezone.localdate()
    results = []
    if data.get("hkid"):
        results.append(hkid_check(data["hkid"], today=today))
    if data.get("zone"):
        results.append(zone_check(data["zone"], today=today))
    return results


def _employer_check_page(
    request: HttpRequest,
    form: EmployerCheckForm,
    results: list[DocumentCheck],
    *,
    record_form: EmployerRecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    recordable = bool(results) and all(result.usable for result in results)
    if recordable and record_form is None:
        record_form = EmployerRecordForm(
            initial={"hkid": form.data.get("hkid"), "zone": form.data.get("zone")}
        )
    return render(
        request,
        "enforcement/employer_check.html",
        {
            "form": form,
            "results": results,
            "duties": EMPLOYER_DUTIES,
            "penalties": selectors.offences_for_employers(on=timezone.localdate()),
            "checked_at": timezone.localtime(),
            "record_form": record_form if recordable else None,
        },
        status=status,
    )


def _inspection_pdf_response(request: HttpRequest, record: InspectionRecord) -> HttpResponse:
    try:
        pdf = record_pdf(record)
    except PdfUnavailable:
        message = _(
            "This server cannot make PDF files at the moment. Your check results are still valid: print the "
            "check page instead, or try again later."
        )
        return render(
            request,
            "shell/error.html",
            {"title": _("The inspection record cannot be made now"), "message": message},
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{record_filename(record)}"'
    return response


@never_cache
@sensitive_post_parameters("hkid", "zone", "business_name", "job_seeker_name", "enquiries")
@require_POST
def employer_check_record(request: HttpRequest) -> HttpResponse:
    """The dated inspection record as a PDF; saved (encrypted) only when the employer presses "Save".

    The check is made again from what the page sent back: nothing was kept between the two requests.
    """
    record_form = EmployerRecordForm(request.POST)
    form = EmployerCheckForm(request.POST)
    if not record_form.is_valid():
        return _employer_check_page(request, form, [], status=400)
    results = _employer_checks(record_form.cleaned_data)
    if not all(result.well_formed for result in results):
        messages.error(
            request,
            _(
                "No inspection record was made: a number or zone did not pass the format checks. "
                "Correct it first."
            ),
        )
        return _employer_check_page(request, form, results, status=400)
    if not all(result.usable for result in results):
        messages.error(
            request,
            _(
                "No inspection record was made: the travel document has expired. Inspect a valid "
                "travel document."
            ),
        )
        return _employer_check_page(request, form, results, status=400)
    data = record_form.cleaned_data
    record = record_make(
        checks=results,
        checked_at=timezone.now(),
        duties_done=data["duties_done"],
        business_name=data["business_name"],
        job_seeker_name=data["job_seeker_name"],
        enquiries=data["enquiries"],
    )
    if request.POST.get("action") != "save":
        return _inspection_pdf_response(request, record)
    try:
        _row, code, saved = services.employer_record_save(record=record)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
        return _employer_check_page(request, form, results, record_form=record_form, status=400)
    return render(
        request,
        "enforcement/employer_record_saved.html",
        {
            "record": saved,
            "code": code,
            "form": EmployerRecordLookupForm(initial={"reference": saved.reference, "code": code}),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def employer_record_download(request: HttpRequest) -> HttpResponse:
    """A saved inspection record again, for its reference and retrieval code; a wrong code is not found.

    POST, so the code never lands in an address or a log. Failed look-ups are limited per connection.
    """
    form = EmployerRecordLookupForm(request.POST or None)
    address = request.META.get("REMOTE_ADDR", "")
    status, not_found = 200, False
    if request.method == "POST":
        if lookup_refused(scope="employer-record", address=address):
            context = {"form": form, "refused": True}
            return render(request, "enforcement/employer_record_lookup.html", context, status=429)
        if form.is_valid():
            try:
                record = selectors.employer_record_get(
                    reference=form.cleaned_data["reference"], code=form.cleaned_data["code"]
                )
            except NotFound:
                lookup_failure_count(scope="employer-record", address=address)
                status, not_found = 404, True
            else:
                return _inspection_pdf_response(request, record)
        else:
            status = 400
    return render(
        request,
        "enforcement/employer_record_lookup.html",
        {"form": form, "not_found": not_found},
        status=status,
    )
