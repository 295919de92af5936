"""Pages that change an operation after it is planned: the plan, the record after execution, premises,
linked reports, and the search for an existing person at an arrest.

Kept apart from views.py, which had passed 800 lines; the operation page itself stays there.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.forms import (
    OperationPlanForm,
    OperationRecordForm,
    PersonSearchForm,
    PremisesForm,
    ReportReferenceForm,
)
from lionrock.immigration.enforcement.models import Operation
from lionrock.immigration.enforcement.views import (
    officer_choices,
    operation_page,
    person_matches_context,
)


def _local_input(moment: datetime | None) -> str:
    """A moment as a datetime-local field shows it, in Hong Kong time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _plan_initial(operation: Operation) -> dict[str, object]:
    return {
        "codename": operation.codename,
        "kind": operation.kind,
        "planned_start": _local_input(operation.planned_start),
        "planned_end": _local_input(operation.planned_end),
        "lead_officer": operation.lead_officer_id,
        "team": [user.pk for user in operation.team.all()],
        "publicity": list(operation.publicity),
        "notes": operation.notes,
        "version": services.operation_version(operation),
    }


def _record_initial(operation: Operation) -> dict[str, object]:
    return {
        "actual_start": _local_input(operation.actual_start),
        "actual_end": _local_input(operation.actual_end),
        "notes": operation.notes,
        "version": services.operation_version(operation),
    }


@login_required
@require_http_methods(["GET", "POST"])
def operation_edit(request: HttpRequest, operation_id: int) -> HttpResponse:
    """The whole plan while the operation is planned; once executed, what happened (actual times, notes)
    and closing it. A closed operation is history and is not changed."""
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    if operation.status == Operation.Status.CLOSED:
        messages.error(request, _("This operation is closed and can no longer be changed."))
        return redirect("enforcement:operation", operation_id=operation.pk)
    if operation.status == Operation.Status.PLANNED:
        return _plan_edit(request, actor, operation)
    return _record_edit(request, actor, operation)


def _plan_edit(request: HttpRequest, actor: Actor, operation: Operation) -> HttpResponse:
    officers = officer_choices(actor, operation.organisation_id)
    form = OperationPlanForm(request.POST or None, officers=officers, initial=_plan_initial(operation))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            users = {
                user.pk: user
                for user in selectors.enforcement_officers(
                    actor=actor, organisation_id=operation.organisation_id
                )
            }
            try:
                services.operation_plan_update(
                    actor=actor,
                    operation=operation,
                    codename=data["codename"],
                    kind=data["kind"],
                    planned_start=data["planned_start"],
                    planned_end=data.get("planned_end"),
                    lead_officer=users[data["lead_officer"]],
                    team=[users[pk] for pk in data["team"] if pk in users],
                    publicity=data["publicity"],
                    notes=data["notes"],
                    version=data["version"],
                )
            except services.OperationChanged as exc:
                if operation.status != Operation.Status.PLANNED:
                    messages.error(request, str(exc))
                    return redirect("enforcement:operation_edit", operation_id=operation.pk)
                form = OperationPlanForm(officers=officers, initial=_plan_initial(operation))
                return _edit_page(request, operation, plan_form=form, conflict=str(exc), status=409)
            except ValidationFailed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Changes to the plan saved."))
                return redirect("enforcement:operation", operation_id=operation.pk)
    return _edit_page(request, operation, plan_form=form, status=status)


def _record_edit(request: HttpRequest, actor: Actor, operation: Operation) -> HttpResponse:
    form = OperationRecordForm(request.POST or None, initial=_record_initial(operation))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.operation_record_update(
                    actor=actor,
                    operation=operation,
                    actual_start=data["actual_start"],
                    actual_end=data.get("actual_end"),
                    notes=data["notes"],
                    close=data["close"],
                    version=data["version"],
                )
            except services.OperationChanged as exc:
                if operation.status != Operation.Status.EXECUTED:
                    messages.error(request, str(exc))
                    return redirect("enforcement:operation", operation_id=operation.pk)
                form = OperationRecordForm(initial=_record_initial(operation))
                return _edit_page(request, operation, record_form=form, conflict=str(exc), status=409)
            except ValidationFailed as exc:
                form.add_error(None, str(exc))
            else:
                closed = operation.status == Operation.Status.CLOSED
                messages.success(request, _("Operation closed.") if closed else _("Changes saved."))
                return redirect("enforcement:operation", operation_id=operation.pk)
    return _edit_page(request, operation, record_form=form, status=status)


def _edit_page(
    request: HttpRequest,
    operation: Operation,
    *,
    plan_form: OperationPlanForm | None = None,
    record_form: OperationRecordForm | None = None,
    link_form: ReportReferenceForm | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "enforcement/operation_edit.html",
        {
            "operation": operation,
            "plan_form": plan_form,
            "record_form": record_form,
            "premises": list(operation.premises.all()),
            "reports": list(operation.reports.order_by("received_at")),
            "link_form": link_form or ReportReferenceForm(),
            "conflict": conflict,
        },
        status=status,
    )


@login_required
@require_POST
def operation_report_link(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Links a report, by its reference, to the operation that will act on it."""
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    form = ReportReferenceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Give the reference of the report to link."))
        try:
            report = selectors.report_get(
                actor=actor, reference=services.reference_normalise(form.cleaned_data["reference"])
            )
        except NotFound as exc:
            raise ValidationFailed(_("There is no report with that reference.")) from exc
        if operation.status == Operation.Status.CLOSED:
            raise ValidationFailed(_("This operation is closed."))
        services.report_link_operation(actor=actor, report=report, operation=operation)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Report %(ref)s linked.") % {"ref": report.reference})
    return redirect("enforcement:operation_edit", operation_id=operation.pk)


@login_required
@require_POST
def operation_report_unlink(request: HttpRequest, operation_id: int, reference: str) -> HttpResponse:
    """Takes a report off a planned operation; only a report linked to this operation is found here."""
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    report = selectors.report_get(actor=actor, reference=reference)
    if report.operation_id != operation.pk:
        raise NotFound(reference)
    try:
        services.report_unlink_operation(actor=actor, report=report)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Report %(ref)s unlinked.") % {"ref": report.reference})
    return redirect("enforcement:operation_edit", operation_id=operation.pk)


@login_required
@require_http_methods(["GET", "POST"])
def premises_edit(request: HttpRequest, operation_id: int, premises_id: int) -> HttpResponse:
    """Corrects one place of the operation, and offers to remove it when no arrest was made there."""
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    premises = selectors.premises_get(actor=actor, operation=operation, premises_id=premises_id)
    if operation.status == Operation.Status.CLOSED:
        messages.error(request, _("This operation is closed and can no longer be changed."))
        return redirect("enforcement:operation", operation_id=operation.pk)
    form = PremisesForm(
        request.POST or None,
        initial={
            "address": premises.address,
            "district": premises.district,
            "premises_type": premises.premises_type,
            "business_name": premises.business_name,
            "visited_at": _local_input(premises.visited_at),
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.premises_update(actor=actor, premises=premises, **form.cleaned_data)
            except ValidationFailed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Premises saved."))
                return redirect("enforcement:operation", operation_id=operation.pk)
    return render(
        request,
        "enforcement/premises_edit.html",
        {
            "operation": operation,
            "premises": premises,
            "form": form,
            "arrests_count": premises.arrests.count(),
        },
        status=status,
    )


@login_required
@require_POST
def premises_remove(request: HttpRequest, operation_id: int, premises_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    premises = selectors.premises_get(actor=actor, operation=operation, premises_id=premises_id)
    try:
        services.premises_remove(actor=actor, premises=premises)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
        return redirect("enforcement:premises_edit", operation_id=operation.pk, premises_id=premises.pk)
    messages.success(request, _("Premises removed."))
    return redirect("enforcement:operation", operation_id=operation.pk)


@login_required
@require_POST
def person_search(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Finds persons the department already holds, to choose one at an arrest.

    POST, so that a document number typed here never appears in an address, the browser history or a
    server log. With htmx only the list of matches is replaced, keeping what was typed in the arrest form.
    """
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    form = PersonSearchForm(request.POST)
    matches = (
        selectors.persons_search(
            actor=actor, organisation_id=operation.organisation_id, query=form.cleaned_data["find"]
        )
        if form.is_valid()
        else []
    )
    if request.headers.get("HX-Request"):
        context = {
            **person_matches_context(actor, operation, matches=matches),
            "search_form": form,
            "partial": True,
        }
        return render(request, "enforcement/partials/person_matches.html", context)
    return operation_page(request, operation, search_form=form, matches=matches)
