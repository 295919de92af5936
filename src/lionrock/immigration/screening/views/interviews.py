"""Interviews: the initial screening, the full debriefing with its drafts, the supervisor's review, and
routing a decision to a supervisor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import four_eyes, selectors, services
from lionrock.immigration.screening.explanation import explanation_sentences
from lionrock.immigration.screening.forms import (
    AssignForm,
    DebriefingForm,
    InitialScreeningForm,
    ReviewForm,
    RouteForm,
)
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Debriefing,
    Indicator,
)
from lionrock.immigration.screening.views.shared import (
    interview_from,
    page_language,
)


def _officer_choices(actor: Actor, case: Case) -> list[tuple[int, str]]:
    return [
        (u.pk, u.full_name or u.email)
        for u in selectors.screeners_of(actor=actor, organisation_id=case.organisation_id)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def initial_screening(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    case = selectors.case_get(actor=actor, reference=reference, purpose="initial screening")
    if case.stage != Case.Stage.AWAITING_SCREENING:
        messages.info(request, _("This person's initial screening has already been recorded."))
        return redirect("screening:case", reference=case.reference)
    checklist = selectors.checklist_active()
    if checklist is None:
        messages.error(request, _("No checklist is in use; a supervisor must activate one."))
        return redirect("screening:case", reference=case.reference)
    form = InitialScreeningForm(
        request.POST or None,
        indicators=selectors.indicators_of(checklist=checklist, stage=Indicator.Stage.INITIAL),
        language=page_language(),
        officers=_officer_choices(actor, case),
        initial={
            "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "debriefer": actor.user.pk if actor.user else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        debriefer = next(
            (
                u
                for u in selectors.screeners_of(actor=actor, organisation_id=case.organisation_id)
                if u.pk == data.get("debriefer")
            ),
            None,
        )
        try:
            screening = services.initial_screening_record(
                actor=actor,
                case=case,
                interview=interview_from(data),
                answers=form.answers(),
                reasons=data["reasons"],
                debriefer=debriefer,
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            if screening.outcome == screening.Outcome.DEBRIEFING_REQUIRED:
                messages.warning(
                    request,
                    _("An indicator is present: a full debriefing is required and has been assigned."),
                )
            else:
                messages.success(request, _("No indicator is present: the person is screened out."))
            return redirect("screening:case", reference=case.reference)
    return render(
        request,
        "screening/initial_form.html",
        {
            "case": case,
            "form": form,
            "checklist": checklist,
            "masked": selectors.name_masked(case.name_en or case.name_zh),
        },
        status=400 if form.errors else 200,
    )


def _dimension_groups(form: DebriefingForm) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for row in form.indicator_rows():
        groups.setdefault(str(Indicator.Dimension(row.indicator.dimension).label), []).append(row)
    return list(groups.items())


DRAFT_DETAILS = (
    "started_at",
    "duration_minutes",
    "breaks_offered",
    "breaks_taken",
    "location",
    "language",
    "interpreter",
    "consent_given",
    "information_given",
    "exploitation",
    "decision",
    "decision_reasons",
)


def _debriefing_form(actor: Actor, item: Debriefing, data: Any = None) -> DebriefingForm:
    """The debriefing form filled with the saved draft, and with what the initial screening established
    for the indicators not yet answered (marked on the page)."""
    indicators = selectors.indicators_of(checklist=item.checklist, stage=Indicator.Stage.DEBRIEFING)
    previous = selectors.debriefing_answers(actor=actor, debriefing=item)
    established = selectors.debriefing_prefill(actor=actor, debriefing=item)
    started = item.started_at or timezone.now()
    initial: dict[str, Any] = {
        "started_at": timezone.localtime(started).strftime("%Y-%m-%dT%H:%M"),
        "exploitation": item.exploitation,
    }
    for name in DRAFT_DETAILS[1:]:
        value = getattr(item, name)
        if value not in (None, ""):
            initial[name] = value
    by_code = {indicator.code: indicator for indicator in indicators}
    for code in established:
        if code in by_code and code not in previous:
            initial[f"answer_{code}"] = by_code[code].answer_for(Answer.Presence.PRESENT)
    for code, answer in previous.items():
        initial[f"answer_{code}"] = answer.value
        initial[f"note_{code}"] = answer.note
    form = DebriefingForm(data, indicators=indicators, language=page_language(), initial=initial)
    form.established = {code: answers for code, answers in established.items() if code in by_code}
    return form


@login_required
@require_http_methods(["GET", "POST"])
def debriefing(request: HttpRequest, debriefing_id: int) -> HttpResponse:
    """The standardised checklist by dimension; once submitted, the recommendation and its reasons."""
    actor = actor_for_request(request)
    item = selectors.debriefing_get(actor=actor, debriefing_id=debriefing_id)
    language = page_language()
    indicators_all = {i.code: i for i in item.checklist.indicators.all()}
    editable = item.state in (Debriefing.State.ASSIGNED, Debriefing.State.RETURNED)
    form = None
    if editable:
        form = _debriefing_form(actor, item, request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.debriefing_record(
                    actor=actor,
                    debriefing=item,
                    interview=interview_from(data),
                    exploitation=data["exploitation"],
                    answers=form.answers(),
                    decision=data["decision"],
                    decision_reasons=data["decision_reasons"],
                )
            except ValidationFailed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Debriefing submitted for a supervisor's approval."))
                return redirect("screening:debriefing", debriefing_id=item.pk)
    elif request.method == "POST":
        raise NotFound
    answers = (
        []
        if editable
        else list(
            item.answers.select_related("indicator").filter(
                presence__in=[Answer.Presence.PRESENT, Answer.Presence.UNKNOWN]
            )
        )
    )
    refusal = (
        four_eyes.review_refusal(actor=actor, debriefing=item)
        if item.state == Debriefing.State.SUBMITTED
        and actor.has_role(Role.SCREENING_SUPERVISOR, item.case.organisation_id)
        else None
    )
    return render(
        request,
        "screening/debriefing.html",
        {
            "item": item,
            "case": item.case,
            "masked": selectors.name_masked(item.case.name_en or item.case.name_zh),
            "form": form,
            "groups": _dimension_groups(form) if form else [],
            "explanation": explanation_sentences(item.explanation, indicators_all, language),
            "answers": [(a, a.indicator.text(language)) for a in answers],
            "review_form": ReviewForm(),
            "assign_form": (
                AssignForm(
                    officers=_officer_choices(actor, item.case), initial={"assignee": item.assigned_to_id}
                )
                if editable and actor.has_role(Role.SCREENING_SUPERVISOR, item.case.organisation_id)
                else None
            ),
            "can_review": (
                item.state == Debriefing.State.SUBMITTED
                and actor.has_role(Role.SCREENING_SUPERVISOR, item.case.organisation_id)
                and refusal is None
            ),
            "review_refusal": refusal,
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def debriefing_draft(request: HttpRequest, debriefing_id: int) -> HttpResponse:
    """Saves what is entered so far (htmx as the officer goes, or the Save draft button); nothing is
    checked for completeness and nothing is submitted."""
    actor = actor_for_request(request)
    item = selectors.debriefing_get(actor=actor, debriefing_id=debriefing_id)
    if item.state not in (Debriefing.State.ASSIGNED, Debriefing.State.RETURNED):
        raise NotFound
    form = _debriefing_form(actor, item, request.POST)
    form.is_valid()
    data = form.cleaned_data
    answers = {
        indicator.code: (data.get(f"answer_{indicator.code}") or "", data.get(f"note_{indicator.code}") or "")
        for indicator in form.indicators
    }
    details = {name: data[name] for name in DRAFT_DETAILS if name in data}
    try:
        item = services.debriefing_draft_save(
            actor=actor, debriefing=item, draft=services.DebriefingDraft(answers=answers, details=details)
        )
    except ValidationFailed as exc:
        if request.headers.get("HX-Request"):
            # Shown in the page's status line (htmx swaps only successful responses).
            return render(request, "screening/partials/draft_status.html", {"item": item, "error": str(exc)})
        messages.error(request, str(exc))
    else:
        if request.headers.get("HX-Request"):
            return render(request, "screening/partials/draft_status.html", {"item": item})
        messages.success(request, _("Draft saved. Nothing is submitted until you submit for approval."))
    return redirect("screening:debriefing", debriefing_id=item.pk)


@login_required
@require_POST
def debriefing_review(request: HttpRequest, debriefing_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    item = selectors.debriefing_get(actor=actor, debriefing_id=debriefing_id)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose to approve or to return the decision."))
        services.debriefing_review(
            actor=actor, debriefing=item, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"]
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("screening:debriefing", debriefing_id=item.pk)


@login_required
@require_POST
def debriefing_assign(request: HttpRequest, debriefing_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    item = selectors.debriefing_get(actor=actor, debriefing_id=debriefing_id)
    officers = selectors.screeners_of(actor=actor, organisation_id=item.case.organisation_id)
    form = AssignForm(request.POST, officers=[(u.pk, u.full_name or u.email) for u in officers])
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose a screening officer from the list."))
        chosen = next(u for u in officers if u.pk == form.cleaned_data["assignee"])
        services.debriefing_assign(actor=actor, debriefing=item, assignee=chosen)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("screening:debriefing", debriefing_id=item.pk)


def _route_choices(row: selectors.DecisionToRoute) -> list[tuple[int, str]]:
    return [(u.pk, u.full_name or u.email) for u in row.reviewers]


@login_required
@require_GET
def decisions_route(request: HttpRequest) -> HttpResponse:
    """Decisions awaiting approval, for an organisation administrator to route one to a supervisor when the
    department's only supervisor recorded it; references and staff only, no person's details."""
    actor = actor_for_request(request)
    rows = selectors.decisions_to_route(actor=actor)
    return render(
        request,
        "screening/route.html",
        {
            "rows": [
                (row, RouteForm(supervisors=_route_choices(row), prefix=str(row.debriefing.pk)))
                for row in rows
            ]
        },
    )


@login_required
@require_POST
def decision_route(request: HttpRequest, debriefing_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    row = selectors.decision_to_route_get(actor=actor, debriefing_id=debriefing_id)
    form = RouteForm(request.POST, supervisors=_route_choices(row), prefix=str(debriefing_id))
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose a supervisor from the list."))
        chosen = next(u for u in row.reviewers if u.pk == form.cleaned_data["supervisor"])
        services.debriefing_route(actor=actor, debriefing=row.debriefing, supervisor=chosen)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Decision %(ref)s routed to %(name)s for review.")
            % {"ref": row.reference, "name": chosen.full_name or chosen.email},
        )
    return redirect("screening:decisions_route")
