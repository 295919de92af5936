"""What the screening pages share: the page language, an interview from a form, the case page (shown again
with a form's errors) and the support services that may be chosen on it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from lionrock.core.accounts.access import Actor, actor_for_request
from lionrock.core.accounts.roles import Role
from lionrock.immigration.screening import selectors, services
from lionrock.immigration.screening.forms import (
    ReasonForm,
    ReferralForm,
    SupportDetailsForm,
)
from lionrock.immigration.screening.models import (
    Case,
)


def page_language() -> str:
    return get_language() or "en"


def interview_from(data: dict[str, Any]) -> services.Interview:
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


def case_page(
    request: HttpRequest, case: Case, *, referral_form: ReferralForm | None = None, status: int = 200
) -> HttpResponse:
    actor = actor_for_request(request)
    language = page_language()
    initial = selectors.case_initial_screening(actor=actor, case=case)
    debriefings = selectors.case_debriefings(actor=actor, case=case)
    offerings = offering_choices(actor)
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


def offering_choices(actor: Actor) -> list[tuple[int, str]]:
    return [
        (o.pk, f"{o.get_kind_display()} — {o.organisation}")
        for o in selectors.offerings_catalogue(actor=actor)
    ]
