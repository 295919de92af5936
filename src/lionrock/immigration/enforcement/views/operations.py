"""Operations: the list, planning a new one, its page and status, editing the plan and the record after
execution, and the reports linked to it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request, home_organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.forms import (
    OperationForm,
    OperationPlanForm,
    OperationRecordForm,
    OperationStatusForm,
    ReportReferenceForm,
)
from lionrock.immigration.enforcement.models import Operation
from lionrock.immigration.enforcement.normalise import reference_normalise
from lionrock.immigration.enforcement.views.operation_page import (
    local_input,
    officer_choices,
    operation_page,
)


@login_required
@require_GET
def operations(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    status = request.GET.get("status", "")
    status = status if status in Operation.Status.values else ""
    older = request.GET.get("older", "")
    rows, more = selectors.operations_page(
        actor=actor, status=status, older_than=int(older) if older.isdigit() and len(older) < 12 else None
    )
    return render(
        request,
        "enforcement/operations.html",
        {"operations": rows, "older": more, "statuses": Operation.Status.choices, "status": status},
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    organisation = home_organisation(actor, Role.ENFORCEMENT_OFFICER)
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


def _plan_initial(operation: Operation) -> dict[str, object]:
    return {
        "codename": operation.codename,
        "kind": operation.kind,
        "planned_start": local_input(operation.planned_start),
        "planned_end": local_input(operation.planned_end),
        "lead_officer": operation.lead_officer_id,
        "team": [user.pk for user in operation.team.all()],
        "publicity": list(operation.publicity),
        "notes": operation.notes,
        "version": services.operation_version(operation),
    }


def _record_initial(operation: Operation) -> dict[str, object]:
    return {
        "actual_start": local_input(operation.actual_start),
        "actual_end": local_input(operation.actual_end),
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
                actor=actor, reference=reference_normalise(form.cleaned_data["reference"])
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
