"""Pages for the public report form and status, the officers' triage queue and the offence catalogue."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.services import ValidationFailed
from lionrock.core.csvsafe import csv_writer
from lionrock.immigration.enforcement import selectors, services, uploads
from lionrock.immigration.enforcement.employer_check import (
    EMPLOYER_DUTIES,
    DocumentCheck,
    hkid_check,
    zone_check,
)
from lionrock.immigration.enforcement.forms import (
    HONEYPOT_FIELD,
    ArrestForm,
    AssignForm,
    CaseForm,
    CloseForm,
    DuplicateForm,
    EmployerCheckForm,
    EmployerRecordForm,
    EmployerRecordLookupForm,
    ExistingPersonForm,
    IdentityDocumentForm,
    LinkOperationForm,
    NoteForm,
    OffenceDateForm,
    OfficerReportForm,
    OperationForm,
    OperationStatusForm,
    PersonSearchForm,
    PremisesForm,
    PriorityForm,
    PublicReportForm,
    QueueFilterForm,
    ReportStatusForm,
    StatisticsForm,
    submission_key_new,
    uploads_read,
)
from lionrock.immigration.enforcement.inspection_record import (
    InspectionRecord,
    PdfUnavailable,
    record_filename,
    record_make,
    record_pdf,
)
from lionrock.immigration.enforcement.lookups import lookup_failure_count, lookup_refused
from lionrock.immigration.enforcement.models import Operation, Person, Report
from lionrock.immigration.enforcement.person_sections import person_sections_for
from lionrock.immigration.enforcement.statistics import statistics_compute
from lionrock.immigration.enforcement.summary import operation_summary

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


# --- Public: report form and status ------------------------------------------------------------------


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


# --- Officers: triage queue --------------------------------------------------------------------------


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
    organisation = _home_organisation(actor)
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
                    reference=services.reference_normalise(duplicate_form.cleaned_data["original"]),
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
        handle = uploads.file_path(attachment.stored_name).open("rb")
    except (OSError, ValueError) as exc:
        raise NotFound from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Offence catalogue ---------------------------------------------------------------------------------


@login_required
@require_GET
def offences(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    _home_organisation(actor)
    form = OffenceDateForm(request.GET or None)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    rows = selectors.offences_in_force(on=on) if on else selectors.offences_catalogue()
    return render(
        request,
        "enforcement/offences.html",
        {"form": form, "offences": rows, "on": on, "today": timezone.localdate()},
    )


# --- Operations, persons, arrests ----------------------------------------------------------------------


def officer_choices(actor: Actor, organisation_id: int) -> list[tuple[int, str]]:
    return [
        (user.pk, user.full_name or user.email)
        for user in selectors.enforcement_officers(actor=actor, organisation_id=organisation_id)
    ]


def _home_organisation(actor: Actor) -> Organisation:
    organisations = sorted(actor.organisations_with(Role.ENFORCEMENT_OFFICER))
    if actor.user is None or not organisations:
        raise NotFound
    return Organisation.objects.get(pk=organisations[0])


@login_required
@require_GET
def operations(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    status = request.GET.get("status", "")
    rows = selectors.operations_list(actor=actor, status=status if status in Operation.Status.values else "")
    return render(
        request,
        "enforcement/operations.html",
        {"operations": rows[:200], "statuses": Operation.Status.choices, "status": status},
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = _home_organisation(actor)
    officers = officer_choices(actor, organisation.pk)
    form = OperationForm(
        request.POST or None,
        officers=officers,
        initial={"lead_officer": actor.user.pk if actor.user else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        users = {
            user.pk: user
            for user in selectors.enforcement_officers(actor=actor, organisation_id=organisation.pk)
        }
        try:
            operation = services.operation_create(
                actor=actor,
                organisation=organisation,
                codename=data["codename"],
                kind=data["kind"],
                planned_start=data["planned_start"],
                planned_end=data.get("planned_end"),
                lead_officer=users[data["lead_officer"]],
                team=[users[pk] for pk in data["team"] if pk in users],
                publicity=data["publicity"],
                notes=data["notes"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Operation %(codename)s planned.") % {"codename": operation.codename})
            return redirect("enforcement:operation", operation_id=operation.pk)
    return render(request, "enforcement/operation_form.html", {"form": form})


def _offence_choices() -> list[tuple[str, str]]:
    """One choice per offence code; the row in force on the arrest date is chosen by the service."""
    seen: dict[str, str] = {}
    for offence in selectors.offences_catalogue():
        language = get_language()
        seen[offence.code] = _("%(section)s: %(offence)s") % {
            "section": offence.section_in(language),
            "offence": offence.title(language),
        }
    return list(seen.items())


def _premises_choices(operation: Operation) -> list[tuple[int, str]]:
    return [(item.pk, item.address) for item in operation.premises.all()]


def operation_page(
    request: HttpRequest,
    operation: Operation,
    *,
    premises_form: PremisesForm | None = None,
    arrest_form: ArrestForm | None = None,
    search_form: PersonSearchForm | None = None,
    matches: list[Person] | None = None,
    chosen_person: Person | None = None,
    existing_form: ExistingPersonForm | None = None,
    status_form: OperationStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_for_request(request)
    premises = list(operation.premises.all())
    arrests = selectors.operation_arrests(actor=actor, operation=operation)
    return render(
        request,
        "enforcement/operation_detail.html",
        {
            **person_matches_context(
                actor,
                operation,
                matches=matches,
                chosen_person=chosen_person,
                arrested_here={arrest.person_id for arrest in arrests},
                existing_form=existing_form,
            ),
            "search_form": search_form or PersonSearchForm(),
            "operation": operation,
            "premises": premises,
            "arrests": arrests,
            "summary": operation_summary(operation, premises, arrests),
            "possible_duplicates": selectors.persons_flagged_as_possible_duplicates(
                actor=actor, persons=[arrest.person for arrest in arrests]
            ),
            "reports": list(operation.reports.all()),
            "premises_form": premises_form or PremisesForm(),
            "arrest_form": arrest_form
            or ArrestForm(
                premises=_premises_choices(operation),
                offences=_offence_choices(),
                initial={"arrested_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
            ),
            "status_form": status_form or OperationStatusForm(operation=operation),
        },
        status=status,
    )


@login_required
@require_GET
def operation_detail(request: HttpRequest, operation_id: int) -> HttpResponse:
    operation = selectors.operation_get(actor=actor_for_request(request), operation_id=operation_id)
    return operation_page(request, operation)


@login_required
@require_POST
def operation_status(request: HttpRequest, operation_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    form = OperationStatusForm(request.POST, operation=operation)
    if not form.is_valid():
        return operation_page(request, operation, status_form=form, status=400)
    if form.cleaned_data["status"] == operation.status:
        messages.info(request, _("The status is unchanged."))
        return redirect("enforcement:operation", operation_id=operation.pk)
    try:
        services.operation_status_set(
            actor=actor,
            operation=operation,
            status=form.cleaned_data["status"],
            before_planned_start_confirmed=bool(form.cleaned_data.get("started_early")),
        )
    except ValidationFailed as exc:
        operation.refresh_from_db()
        form.add_error(None, str(exc))
        return operation_page(request, operation, status_form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect("enforcement:operation", operation_id=operation.pk)


@login_required
@require_POST
def premises_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    form = PremisesForm(request.POST)
    if form.is_valid():
        try:
            services.premises_add(actor=actor, operation=operation, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Premises added."))
            return redirect("enforcement:operation", operation_id=operation.pk)
    return operation_page(request, operation, premises_form=form, status=400)


def person_matches_context(
    actor: Actor,
    operation: Operation,
    *,
    matches: list[Person] | None,
    chosen_person: Person | None = None,
    arrested_here: set[int] | None = None,
    existing_form: ExistingPersonForm | None = None,
) -> dict[str, object]:
    """What the "who was arrested" choice shows: the persons found (or the one chosen before a refusal),
    which may be recorded twice, which are already arrested in this operation, and the status at this
    arrest as last chosen."""
    persons = list(matches or [])
    if chosen_person is not None and all(person.pk != chosen_person.pk for person in persons):
        persons.insert(0, chosen_person)
    if arrested_here is None:
        arrested_here = set(operation.arrests.values_list("person_id", flat=True))
    return {
        "person_matches": persons,
        "searched": matches is not None,
        "search_limit": selectors.PERSON_SEARCH_LIMIT,
        "chosen_person_id": chosen_person.pk if chosen_person else None,
        "matches_flagged": selectors.persons_flagged_as_possible_duplicates(actor=actor, persons=persons),
        "arrested_here": arrested_here,
        "existing_form": existing_form or ExistingPersonForm(),
    }


@login_required
@require_POST
def arrest_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Records the arrest of a new person (created with their document, checked and encrypted) or of a
    person the department already holds, chosen from a search; all or nothing."""
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    form = ArrestForm(request.POST, premises=_premises_choices(operation), offences=_offence_choices())
    choice = ExistingPersonForm(request.POST)
    existing: Person | None = None
    if choice.is_valid() and choice.cleaned_data["existing_person"]:
        # Another department's person, or one that does not exist, is "not found": nothing is stored.
        existing = selectors.person_get(
            actor=actor, person_id=choice.cleaned_data["existing_person"], purpose="arrest"
        )
    status_before = existing.status_category if existing is not None else ""
    if form.is_valid() and not choice.is_valid():
        form.add_error(None, _("Choose the person again from the search results."))
    elif form.is_valid() and existing is not None and form.new_person_given():
        form.add_error(
            None,
            _(
                "You chose an existing person and also described a new one. Clear the new person's "
                "details, or choose “A new person”."
            ),
        )
    elif form.is_valid():
        data = form.cleaned_data
        try:
            arrest = services.arrest_record_with_person(
                actor=actor,
                operation=operation,
                person=existing
                or services.PersonDetails(
                    name_en=data["name_en"],
                    name_zh=data["name_zh"],
                    sex=data["sex"],
                    date_of_birth=data.get("date_of_birth"),
                    age_estimate=data.get("age_estimate"),
                    nationality=data["nationality"],
                    status_category=data["status_category"],
                ),
                document_kind=data.get("document_kind") or "",
                document_number=data.get("document_number") or "",
                check_digit=data.get("check_digit") or "",
                role=data["role"],
                arrested_at=data["arrested_at"],
                offence_codes=data["offences"],
                premises=operation.premises.filter(pk=data["premises"]).first()
                if data.get("premises")
                else None,
                work_type=data.get("work_type") or "",
                status_now=choice.cleaned_data["status_now"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
            if existing is not None:
                existing.refresh_from_db(fields=["status_category"])  # the refused arrest changed nothing
        else:
            messages.success(request, _("Arrest recorded."))
            if existing is not None and choice.cleaned_data["status_now"] not in ("", status_before):
                messages.info(
                    request,
                    _("Immigration status updated to: %(status)s.")
                    % {"status": existing.get_status_category_display()},
                )
            if hasattr(arrest, "screening_owed"):
                messages.info(
                    request, _("This person is owed an initial trafficking and forced-labour screening.")
                )
            return redirect("enforcement:operation", operation_id=operation.pk)
    return operation_page(
        request, operation, arrest_form=form, chosen_person=existing, existing_form=choice, status=400
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """One person's record; opening it is an audited read of personal data."""
    actor = actor_for_request(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    return render(
        request,
        "enforcement/person_detail.html",
        {
            "person": person,
            "documents": selectors.identity_documents_of(actor=actor, person=person),
            "duplicates": selectors.person_possible_duplicates(actor=actor, person=person),
            "sections": person_sections_for(actor=actor, person=person),
            "document_form": IdentityDocumentForm(),
            "case_forms": [
                (
                    arrest,
                    CaseForm(
                        initial={
                            "stage": arrest.stage,
                            "plea": arrest.plea,
                            "fine_hkd": arrest.fine_hkd,
                            "imprisonment_months": arrest.imprisonment_months,
                            "suspended": arrest.suspended,
                        },
                        prefix=f"arrest-{arrest.pk}",
                    ),
                )
                for arrest in person.arrests.all()
            ],
        },
    )


@login_required
@require_GET
def screenings_owed(request: HttpRequest) -> HttpResponse:
    """Persons awaiting an initial trafficking / forced-labour screening, soonest due first."""
    actor = actor_for_request(request)
    owed = selectors.screenings_owed_read(actor=actor)
    return render(request, "enforcement/screenings_owed.html", {"owed": owed, "now": timezone.now()})


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


@login_required
@require_POST
def arrest_case(request: HttpRequest, arrest_id: int) -> HttpResponse:
    """Records case progress and the court outcome of one arrest."""
    actor = actor_for_request(request)
    arrest = selectors.arrest_get(actor=actor, arrest_id=arrest_id)
    form = CaseForm(request.POST, prefix=f"arrest-{arrest.pk}")
    try:
        if not form.is_valid():
            raise ValidationFailed(
                _("Check the case details: %(errors)s") % {"errors": form.errors.as_text()}
            )
        data = form.cleaned_data
        services.arrest_case_update(
            actor=actor,
            arrest=arrest,
            stage=data["stage"],
            plea=data.get("plea") or "",
            fine_hkd=data.get("fine_hkd"),
            imprisonment_months=data.get("imprisonment_months"),
            suspended=data.get("suspended", False),
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("enforcement:person", person_id=arrest.person_id)


@login_required
@require_POST
def identity_document_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Adds a document to a person; a malformed number is kept with the check's verdict (it may be forged)."""
    actor = actor_for_request(request)
    person = selectors.person_get(actor=actor, person_id=person_id, purpose="add identity document")
    form = IdentityDocumentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(
                _("Check the document details: %(errors)s") % {"errors": form.errors.as_text()}
            )
        document = services.identity_document_add(actor=actor, person=person, **form.cleaned_data)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        if document.format_check == document.Check.INVALID:
            messages.warning(
                request,
                _("Recorded, but the number is not well formed: %(note)s") % {"note": document.check_note},
            )
        else:
            messages.success(request, _("Document recorded."))
    return redirect("enforcement:person", person_id=person.pk)


# --- Employers' document check (public) ----------------------------------------------------------------


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


# --- Statistics --------------------------------------------------------------------------------------------


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """The department's dashboard for a period (default: this year to date), with a CSV export."""
    actor = actor_for_request(request)
    _home_organisation(actor)
    today = timezone.localdate()
    form = StatisticsForm(
        request.GET or None, initial={"since": today.replace(month=1, day=1), "until": today}
    )
    data = form.cleaned_data if form.is_valid() else {}
    since = data.get("since") or today.replace(month=1, day=1)
    until = data.get("until") or today
    if since > until:
        since, until = until, since
    stats = statistics_compute(actor=actor, since=since, until=until)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="enforcement-{since}-{until}.csv"'
        writer = csv_writer(response)
        writer.writerow(["table", "label", "count"])
        for series in stats.series:
            for label, count in series.rows:
                writer.writerow([series.key, label, count])
        return response
    return render(
        request,
        "enforcement/statistics.html",
        {
            "form": form,
            "stats": stats,
            "csv_query": urlencode({"since": since.isoformat(), "until": until.isoformat(), "format": "csv"}),
        },
    )
