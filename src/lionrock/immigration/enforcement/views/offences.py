"""The offence catalogue: the offences in force and their earlier versions, readable by officers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import actor_for_request, home_organisation
from lionrock.core.accounts.roles import Role
from lionrock.immigration.enforcement import selectors
from lionrock.immigration.enforcement.forms import (
    OffenceDateForm,
)


@login_required
@require_GET
def offences(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    home_organisation(actor, Role.ENFORCEMENT_OFFICER)
    form = OffenceDateForm(request.GET or None)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    rows = selectors.offences_in_force(on=on) if on else selectors.offences_catalogue()
    return render(
        request,
        "enforcement/offences.html",
        {"form": form, "offences": rows, "on": on, "today": timezone.localdate()},
    )
