"""Screening queue and cases: the queue, the case list, opening a case, and the case page's actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import NotFound, actor_for_request, home_organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import selectors, services
from lionrock.immigration.screening.forms import (
    CaseForm,
    SupportDetailsForm,
)
from lionrock.immigration.screening.models import (
    Case,
)
from lionrock.immigration.screening.views.shared import (
    case_page,
)


def _case_id(text: str | None) -> int | None:
    """The case a list page continues after, from its link; anything else starts from the beginning."""
    return int(text) if text and text.isdigit() and len(text) < 12 else None


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Screenings owed with due times, debriefings assigned to me, decisions awaiting my approval."""
    actor = actor_for_request(request)
    owed, owed_next = selectors.cases_owed_page(actor=actor, after=_case_id(request.GET.get("after")))
    return render(
        request,
        "screening/queue.html",
        {
            "owed": owed,
            "owed_next": owed_next,
            "debriefings": list(selectors.debriefings_assigned(actor=actor)),
            "reviews": list(selectors.debriefings_for_review(actor=actor)),
            "waiting": list(selectors.debriefings_awaiting_other_supervisor(actor=actor)),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    stage = request.GET.get("stage", "")
    stage = stage if stage in Case.Stage.values else ""
    rows, older = selectors.cases_page(
        actor=actor, stage=stage, older_than=_case_id(request.GET.get("older"))
    )
    return render(
        request,
        "screening/cases.html",
        {
            "cases": rows,
            "older": older,
            "stages": Case.Stage.choices,
            "stage": stage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Screening for anyone, arrested or not: a person who comes forward, a resident back from a job scam."""
    actor = actor_for_request(request)
    organisation = home_organisation(actor, Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=actor,
                organisation=organisation,
                origin=data["origin"],
                details=services.CaseDetails(
                    name_en=data["name_en"],
                    name_zh=data["name_zh"],
                    sex=data["sex"],
                    age=data.get("age"),
                    nationality=data["nationality"],
                    preferred_language=data["preferred_language"],
                    contact=data["contact"],
                    needs=data["needs"],
                ),
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("screening:case", reference=case.reference)
    return render(request, "screening/case_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One case; opening it is an audited read. A hidden name stays masked until revealed."""
    case = selectors.case_get(actor=actor_for_request(request), reference=reference)
    return case_page(request, case)


@login_required
@require_POST
def case_reveal(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    case = selectors.case_get(actor=actor, reference=reference)
    name = selectors.case_name_reveal(actor=actor, case=case)
    context = {"case": case, "name": name}
    if request.headers.get("HX-Request"):
        return render(request, "screening/partials/revealed_name.html", context)
    return render(request, "screening/case_name.html", context)


@login_required
@require_POST
def case_hide(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    case = selectors.case_get(actor=actor, reference=reference)
    try:
        services.case_hide_name_set(actor=actor, case=case, hide=request.POST.get("hide") == "1")
    except NotFound:
        messages.error(request, _("Only a screening supervisor can change this."))
    return redirect("screening:case", reference=case.reference)


@login_required
@require_POST
def case_support(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    case = selectors.case_get(actor=actor, reference=reference)
    form = SupportDetailsForm(request.POST)
    if form.is_valid():
        services.case_support_details_set(actor=actor, case=case, **form.cleaned_data)
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Check the support details."))
    return redirect("screening:case", reference=case.reference)
