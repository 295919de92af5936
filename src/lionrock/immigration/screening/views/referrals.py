"""Referrals to support services: making and revoking one, and the provider's incoming list and page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import selectors, services
from lionrock.immigration.screening.forms import (
    ProviderUpdateForm,
    ReasonForm,
    ReferralForm,
)
from lionrock.immigration.screening.views.shared import (
    case_page,
    offering_choices,
)


@login_required
@require_POST
def referral_new(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for_request(request)
    case = selectors.case_get(actor=actor, reference=reference, purpose="referral")
    catalogue = {o.pk: o for o in selectors.offerings_catalogue(actor=actor)}
    form = ReferralForm(request.POST, offerings=offering_choices(actor))
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
    return case_page(request, case, referral_form=form, status=400)


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
