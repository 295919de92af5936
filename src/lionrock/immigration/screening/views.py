"""Pages for screening officers and supervisors, and for support-service providers."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.services import ValidationFailed
from lionrock.core.csvsafe import csv_writer
from lionrock.immigration.screening import checklists, four_eyes, selectors, services
from lionrock.immigration.screening.explanation import explanation_sentences
from lionrock.immigration.screening.forms import (
    AssignForm,
    CaseForm,
    ChecklistImportForm,
    DebriefingForm,
    InitialScreeningForm,
    ProviderUpdateForm,
    ReasonForm,
    ReferralForm,
    ReviewForm,
    RouteForm,
    SupportDetailsForm,
)
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Debriefing,
    Indicator,
    Referral,
    ServiceKind,
)

UPLOAD_SESSION_KEY = "screening.checklist_upload"


def _language() -> str:
    return get_language() or "en"


def _home_organisation(actor: Actor) -> Organisation:
    organisations = sorted(actor.organisations_with(Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR))
    if actor.user is None or not organisations:
        raise NotFound
    return Organisation.objects.get(pk=organisations[0])


def _interview(data: dict[str, Any]) -> services.Interview:
    return services.Interview(
        started_at=data["started_at"],
        duration_minutes=data["duration_minutes"],
        location=data["location"],
        language=data["language"],
        interpreter=data.get("interpreter", ""),
        breaks_offered=data.get("breaks_offered") or 0,
        breaks_taken=data.get("breaks_taken") or 0,
        consent_given=data.get("consent_given", False),
        information_given=data.get("information_given", False),
    )


# --- Queue and cases ------------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Screenings owed with due times, debriefings assigned to me, decisions awaiting my approval."""
    actor = actor_for_request(request)
    return render(
        request,
        "screening/queue.html",
        {
            "owed": selectors.cases_owed(actor=actor),
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
    return render(
        request,
        "screening/cases.html",
        {
            "cases": selectors.cases_list(actor=actor, stage=stage),
            "stages": Case.Stage.choices,
            "stage": stage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Screening for anyone, arrested or not: a person who comes forward, a resident back from a job scam."""
    actor = actor_for_request(request)
    organisation = _home_organisation(actor)
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


def _offering_choices(actor: Actor) -> list[tuple[int, str]]:
    return [
        (o.pk, f"{o.get_kind_display()} — {o.organisation}")
        for o in selectors.offerings_catalogue(actor=actor)
    ]


def _case_page(
    request: HttpRequest, case: Case, *, referral_form: ReferralForm | None = None, status: int = 200
) -> HttpResponse:
    actor = actor_for_request(request)
    language = _language()
    initial = selectors.case_initial_screening(actor=actor, case=case)
    debriefings = selectors.case_debriefings(actor=actor, case=case)
    offerings = _offering_choices(actor)
    return render(
        request,
        "screening/case_detail.html",
        {
            "case": case,
            "masked": selectors.name_masked(case.name_en or case.name_zh),
            "initial": initial,
            "initial_answers": [
                (answer, answer.indicator.text(language))
                for answer in (initial.answers.all() if initial else [])
            ],
            "debriefings": debriefings,
            "referrals": selectors.case_referrals(actor=actor, case=case),
            "referral_form": referral_form or ReferralForm(offerings=offerings),
            "support_form": SupportDetailsForm(
                auto_id="support-%s",
                initial={
                    "preferred_language": case.preferred_language,
                    "needs": case.needs,
                    "contact": case.contact,
                },
            ),
            "revoke_form": ReasonForm(),
            "is_supervisor": actor.has_role(Role.SCREENING_SUPERVISOR, case.organisation_id),
        },
        status=status,
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """One case; opening it is an audited read. A hidden name stays masked until revealed."""
    case = selectors.case_get(actor=actor_for_request(request), reference=reference)
    return _case_page(request, case)


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


# --- Interviews ------------------------------------------------------------------------------------------


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
        language=_language(),
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
                interview=_interview(data),
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
    form = DebriefingForm(data, indicators=indicators, language=_language(), initial=initial)
    form.established = {code: answers for code, answers in established.items() if code in by_code}
    return form


@login_required
@require_http_methods(["GET", "POST"])
def debriefing(request: HttpRequest, debriefing_id: int) -> HttpResponse:
    """The standardised checklist by dimension; once submitted, the recommendation and its reasons."""
    actor = actor_for_request(request)
    item = selectors.debriefing_get(actor=actor, debriefing_id=debriefing_id)
    language = _language()
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
                    interview=_interview(data),
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


# --- Routing a decision to a supervisor (organisation administrators) ---------------------------------


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


# --- Referrals -------------------------------------------------------------------------------------------


@login_required
@require_POST
def referral_new(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    case = selectors.case_get(actor=actor, reference=reference, purpose="referral")
    catalogue = {o.pk: o for o in selectors.offerings_catalogue(actor=actor)}
    form = ReferralForm(request.POST, offerings=_offering_choices(actor))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_create(
                actor=actor,
                case=case,
                offering=catalogue[data["offering"]],
                needs=data["needs"],
                consent_given=data["consent_given"],
                override_reason=data["override_reason"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral sent."))
            return redirect("screening:case", reference=case.reference)
    return _case_page(request, case, referral_form=form, status=400)


@login_required
@require_POST
def referral_revoke(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    referral = selectors.referral_get(actor=actor, referral_id=referral_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Say why the referral is revoked."))
        services.referral_revoke(actor=actor, referral=referral, reason=form.cleaned_data["reason"])
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Referral revoked."))
    return redirect("screening:case", reference=referral.case.reference)


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """A provider's referrals: only those made to its organisation, only the fields its service needs."""
    actor = actor_for_request(request)
    return render(
        request, "screening/incoming.html", {"referrals": selectors.referrals_incoming(actor=actor)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def incoming_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    referral, view = selectors.referral_incoming_get(actor=actor, referral_id=referral_id)
    form = ProviderUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_update(
                actor=actor,
                referral=referral,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("screening:incoming_detail", referral_id=referral.pk)
    return render(
        request,
        "screening/incoming_detail.html",
        {"referral": view, "form": form},
        status=400 if form.errors else 200,
    )


# --- Checklists ------------------------------------------------------------------------------------------


@login_required
@require_GET
def checklist_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    return render(
        request,
        "screening/checklists.html",
        {
            "checklists": selectors.checklists_list(actor=actor),
            "form": ChecklistImportForm(),
            "is_supervisor": actor.has_role(Role.SCREENING_SUPERVISOR),
        },
    )


@login_required
@require_GET
def checklist_detail(request: HttpRequest, checklist_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    checklist = selectors.checklist_get(actor=actor, checklist_id=checklist_id)
    language = _language()
    groups: dict[str, list[Indicator]] = {}
    for indicator in checklist.indicators.all():
        groups.setdefault(str(Indicator.Dimension(indicator.dimension).label), []).append(indicator)
    return render(
        request,
        "screening/checklist_detail.html",
        {
            "checklist": checklist,
            "groups": [
                (label, [(i, i.text(language), i.questions(language)) for i in items])
                for label, items in groups.items()
            ],
            "rules": json.dumps(checklist.rules, indent=1, ensure_ascii=False),
            "used": selectors.checklist_is_used(checklist=checklist),
            "is_supervisor": actor.has_role(Role.SCREENING_SUPERVISOR),
        },
    )


@login_required
@require_POST
def checklist_activate(request: HttpRequest, checklist_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    checklist = selectors.checklist_get(actor=actor, checklist_id=checklist_id)
    services.checklist_activate(actor=actor, checklist=checklist)
    messages.success(request, _("New screenings will use this checklist."))
    return redirect("screening:checklist", checklist_id=checklist.pk)


@login_required
@require_POST
def checklist_import(request: HttpRequest) -> HttpResponse:
    """Two steps: upload and preview (nothing stored), then confirm to load the version whole."""
    actor = actor_for_request(request)
    if not actor.has_role(Role.SCREENING_SUPERVISOR):
        raise NotFound
    form = ChecklistImportForm(request.POST, request.FILES)
    if request.POST.get("confirm") == "1":
        upload = request.session.pop(UPLOAD_SESSION_KEY, None)
        if not upload:
            messages.error(request, _("Upload the file again."))
            return redirect("screening:checklists")
        try:
            checklist = services.checklist_import(
                actor=actor,
                content=upload["content"].encode("utf-8"),
                filename=upload["name"],
                activate=bool(upload.get("activate")),
            )
        except ValidationFailed as exc:
            messages.error(request, str(exc))
            return redirect("screening:checklists")
        messages.success(request, _("Checklist %(name)s loaded.") % {"name": str(checklist)})
        return redirect("screening:checklist", checklist_id=checklist.pk)
    problems: list[str] = []
    definition = None
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        content = upload_file.read(checklists.MAX_BYTES + 1)
        try:
            definition = checklists.checklist_parse(
                checklists.document_load(content, filename=upload_file.name or "")
            )
        except checklists.ChecklistInvalid as exc:
            problems = exc.problems
        else:
            request.session[UPLOAD_SESSION_KEY] = {
                "name": upload_file.name,
                "content": content.decode("utf-8"),
                "activate": form.cleaned_data["activate"],
            }
    else:
        problems = [str(error) for errors in form.errors.values() for error in errors]
    counts: dict[str, int] = {}
    if definition is not None:
        for item in definition.indicators:
            label = str(Indicator.Dimension(item.dimension).label)
            counts[label] = counts.get(label, 0) + 1
    return render(
        request,
        "screening/checklist_preview.html",
        {
            "definition": definition,
            "problems": problems,
            "counts": sorted(counts.items()),
            "rules": json.dumps(definition.rules, indent=1, ensure_ascii=False) if definition else "",
        },
        status=400 if problems else 200,
    )


# --- Statistics ------------------------------------------------------------------------------------------


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    years = selectors.years_available(actor=actor)
    try:
        year = int(request.GET.get("year", years[0]))
    except ValueError:
        year = years[0]
    stats = selectors.statistics_for_year(actor=actor, year=year)
    language = _language()
    frequency = [
        (
            row["indicator__code"],
            row["indicator__text_zh"] if language.startswith("zh") else row["indicator__text_en"],
            row["n"],
        )
        for row in stats["indicator_frequency"]
    ]
    top = max((n for _code, _text, n in frequency), default=0)
    return render(
        request,
        "screening/statistics.html",
        {
            "stats": stats,
            "years": years,
            "year": year,
            "frequency": [(code, text, n, round(100 * n / top) if top else 0) for code, text, n in frequency],
            "identified": [(Case.VictimType(k).label, v) for k, v in stats["identified"].items()],
            "referrals": [
                (ServiceKind(row["offering__kind"]).label, Referral.State(row["state"]).label, row["n"])
                for row in stats["referrals"]
            ],
            "is_supervisor": actor.has_role(Role.SCREENING_SUPERVISOR),
        },
    )


@login_required
@require_GET
def htcds_export(request: HttpRequest) -> HttpResponse:
    """Anonymised case rows shaped after the IOM HTCDS, as CSV; supervisors only, and audited."""
    actor = actor_for_request(request)
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError as exc:
        raise NotFound from exc
    rows = selectors.htcds_export(actor=actor, year=year)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="htcds-{year}.csv"'
    fields = [
        "case_number",
        "registration_year",
        "gender",
        "age_band",
        "citizenship",
        "trafficking_status",
        "type_of_exploitation",
        "methods_of_control",
        "referred_services",
    ]
    writer = csv_writer(response)
    writer.writerow(fields)
    for row in rows:
        joined = {
            **row,
            "methods_of_control": "|".join(row["methods_of_control"]),
            "referred_services": "|".join(row["referred_services"]),
        }
        writer.writerow([joined[name] for name in fields])
    return response
