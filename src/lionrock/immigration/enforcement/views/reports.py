"""Pages for the public report form and status, and the officers' triage queue of reports."""

from __future__ import annotations

import io
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import NotFound, actor_for_request, home_organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services, uploads
from lionrock.immigration.enforcement.forms import (
    HONEYPOT_FIELD,
    AssignForm,
    CloseForm,
    DuplicateForm,
    LinkOperationForm,
    NoteForm,
    OfficerReportForm,
    PriorityForm,
    PublicReportForm,
    QueueFilterForm,
    ReportStatusForm,
    submission_key_new,
    uploads_read,
)
from lionrock.immigration.enforcement.models import Report
from lionrock.immigration.enforcement.normalise import reference_normalise

logger = logging.getLogger(__name__)


# The department's published channels, shown on the public form (reference: hk-immigration-offences.md).
# The hotline is also given as a tel: address (E.164, Hong Kong +852) so a phone dials it with one tap.
PUBLISHED_CHANNELS = {
    "hotline": "3861 5000",
    "hotline_tel": "tel:+85238615000",
    "fax": "2824 1166",
    "email": "anti_crime@immd.gov.hk",
}


@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    """Where the public starts: the services open to anyone, and how else to reach the department."""
    return render(request, "enforcement/public_home.html", {"channels": PUBLISHED_CHANNELS})


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    """Anyone may report, without an account; anonymous reports are welcome."""
    organisation = selectors.reporting_organisation()
    posted = request.method == "POST"
    form = PublicReportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"submission": submission_key_new()},
    )
    status = 200
    if request.method == "POST" and organisation is not None and form.is_valid():
        if form.is_bot:
            logger.info("report form: honeypot filled; nothing stored")
            return render(request, "enforcement/report_thanks.html", {})
        try:
            report = services.report_submit(
                organisation=organisation,
                details=form.details(language=get_language() or ""),
                files=uploads_read(form.cleaned_data["attachments"]),
                submitter_address=request.META.get("REMOTE_ADDR", ""),
                submission_key=form.cleaned_data["submission"],
            )
        except services.RateLimited as exc:
            form.add_error(None, str(exc))
            status = 429
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. Your report has been received."))
            return redirect("report_status", reference=report.reference)
    if request.method == "POST" and not form.is_valid():
        status = 400 if status == 200 else status
    return render(
        request,
        "enforcement/report_form.html",
        {
            "form": form,
            "honeypot": form[HONEYPOT_FIELD],
            "channels": PUBLISHED_CHANNELS,
            "available": organisation is not None,
            "max_mb": uploads.MAX_FILE_BYTES // 1048576,
        },
        status=status,
    )


@never_cache
@require_GET
def report_status(request: HttpRequest, reference: str = "") -> HttpResponse:
    """The reference, when it arrived and a coarse status; nothing about what was found or who."""
    if not reference and "reference" in request.GET:
        form = ReportStatusForm(request.GET)
        reference = request.GET.get("reference", "")
    else:
        form = ReportStatusForm(initial={"reference": reference})
    report = selectors.report_public_status(reference=reference) if reference else None
    return render(
        request,
        "enforcement/report_status.html",
        {"form": form, "report": report, "asked": bool(reference), "channels": PUBLISHED_CHANNELS},
        status=404 if reference and report is None else 200,
    )


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queue = selectors.reports_queue(
        actor=actor,
        status=filters.get("status", "open") if form.is_bound else "open",
        priority=filters.get("priority"),
        channel=filters.get("channel", ""),
        assigned=filters.get("assigned", ""),
        query=filters.get("q", ""),
    )[:200]
    context = {"form": form, "reports": queue}
    if request.headers.get("HX-Request"):
        return render(request, "enforcement/partials/reports_table.html", context)
    return render(request, "enforcement/reports.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_log(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = home_organisation(actor, Role.ENFORCEMENT_OFFICER)
    form = OfficerReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_log(
                actor=actor,
                organisation=organisation,
                channel=form.cleaned_data["channel"],
                details=form.details(),
                received_at=form.cleaned_data.get("received_at"),
                files=uploads_read(form.cleaned_data["attachments"]),
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Report %(ref)s logged.") % {"ref": report.reference})
            return redirect("enforcement:report", reference=report.reference)
    return render(request, "enforcement/report_log.html", {"form": form})


def _detail_context(request: HttpRequest, report: Report) -> dict[str, object]:
    actor = actor_for_request(request)
    officers = [
        (user.pk, user.full_name or user.email)
        for user in selectors.enforcement_officers(actor=actor, organisation_id=report.organisation_id)
    ]
    return {
        "report": report,
        "events": selectors.report_history(actor=actor, report=report),
        "attachments": list(report.attachments.all()),
        "candidates": selectors.report_duplicate_candidates(actor=actor, report=report),
        "assign_form": AssignForm(initial={"assignee": report.assignee_id}, officers=officers),
        "priority_form": PriorityForm(initial={"priority": report.priority}),
        "note_form": NoteForm(),
        "duplicate_form": DuplicateForm(),
        "close_form": CloseForm(),
        "link_form": LinkOperationForm(
            operations=[
                (op.pk, f"{op.codename} ({timezone.localtime(op.planned_start):%Y-%m-%d})")
                for op in selectors.operations_open(actor=actor, organisation_id=report.organisation_id)
            ]
        ),
    }


@login_required
@require_GET
def report_detail(request: HttpRequest, reference: str) -> HttpResponse:
    report = selectors.report_get(actor=actor_for_request(request), reference=reference)
    return render(request, "enforcement/report_detail.html", _detail_context(request, report))


@login_required
@require_POST
def report_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """One triage step from the detail page: assign, prioritise, note, duplicate, close or reopen."""
    actor = actor_for_request(request)
    report = selectors.report_get(actor=actor, reference=reference)
    try:
        if action == "assign":
            officers = selectors.enforcement_officers(actor=actor, organisation_id=report.organisation_id)
            form = AssignForm(request.POST, officers=[(u.pk, u.full_name) for u in officers])
            if not form.is_valid():
                raise ValidationFailed(_("Choose an officer from the list."))
            chosen = form.cleaned_data["assignee"]
            services.report_assign(
                actor=actor, report=report, assignee=officers.get(pk=chosen) if chosen else None
            )
        elif action == "priority":
            priority_form = PriorityForm(request.POST)
            if not priority_form.is_valid():
                raise ValidationFailed(_("Choose a priority from the list."))
            services.report_prioritise(
                actor=actor, report=report, priority=priority_form.cleaned_data["priority"]
            )
        elif action == "note":
            note_form = NoteForm(request.POST)
            if not note_form.is_valid():
                raise ValidationFailed(_("Write the note first (at most 4000 characters)."))
            services.report_note_add(actor=actor, report=report, text=note_form.cleaned_data["text"])
        elif action == "duplicate":
            duplicate_form = DuplicateForm(request.POST)
            if not duplicate_form.is_valid():
                raise ValidationFailed(_("Give the reference of the report to keep."))
            try:
                original = selectors.report_get(
                    actor=actor,
                    reference=reference_normalise(duplicate_form.cleaned_data["original"]),
                )
            except NotFound as exc:
                raise ValidationFailed(_("There is no report with that reference.")) from exc
            services.report_mark_duplicate(actor=actor, report=report, original=original)
        elif action == "close":
            close_form = CloseForm(request.POST)
            if not close_form.is_valid():
                raise ValidationFailed(_("Choose an outcome from the list."))
            services.report_close(
                actor=actor,
                report=report,
                outcome=close_form.cleaned_data["outcome"],
                note=close_form.cleaned_data["note"],
            )
        elif action == "reopen":
            services.report_reopen(actor=actor, report=report)
        else:
            raise NotFound
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("enforcement:report", reference=report.reference)


@login_required
@require_POST
def report_contact(request: HttpRequest, reference: str) -> HttpResponse:
    """Reveals the reporter's name and contact on request; each reveal is an audited read."""
    actor = actor_for_request(request)
    report = selectors.report_get(actor=actor, reference=reference)
    contact = selectors.report_contact_reveal(actor=actor, report=report)
    context = {"report": report, "contact": contact}
    if request.headers.get("HX-Request"):
        return render(request, "enforcement/partials/reporter_contact.html", context)
    return render(request, "enforcement/report_contact.html", context)


@login_required
@require_GET
def report_attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """Officers only, as a download: never rendered inline, never guessed from the name."""
    actor = actor_for_request(request)
    report = selectors.report_get(actor=actor, reference=reference)
    attachment = selectors.report_attachment_get(actor=actor, report=report, attachment_id=attachment_id)
    try:
        handle = io.BytesIO(uploads.file_read(attachment.stored_name))
    except (OSError, ValueError) as exc:
        raise NotFound from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def report_link(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    report = selectors.report_get(actor=actor, reference=reference)
    choices = [
        (op.pk, op.codename)
        for op in selectors.operations_open(actor=actor, organisation_id=report.organisation_id)
    ]
    form = LinkOperationForm(request.POST, operations=choices)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose an operation from the list."))
        operation = selectors.operation_get(actor=actor, operation_id=form.cleaned_data["operation"])
        services.report_link_operation(actor=actor, report=report, operation=operation)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("enforcement:report", reference=report.reference)
