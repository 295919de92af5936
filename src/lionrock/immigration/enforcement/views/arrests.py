"""On an operation's page: its premises and its arrests, with the search for a person met before."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.forms import (
    ArrestForm,
    ExistingPersonForm,
    PersonSearchForm,
    PremisesForm,
)
from lionrock.immigration.enforcement.models import Operation, Person
from lionrock.immigration.enforcement.views.operation_page import (
    local_input,
    offence_choices,
    operation_page,
    person_matches_context,
    premises_choices,
)


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
            "visited_at": local_input(premises.visited_at),
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
def arrest_add(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Records the arrest of a new person (created with their document, checked and encrypted) or of a
    person the department already holds, chosen from a search; all or nothing."""
    actor = actor_for_request(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    form = ArrestForm(request.POST, premises=premises_choices(operation), offences=offence_choices())
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
