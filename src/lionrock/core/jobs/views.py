"""The periodic jobs page: what runs, when, and how its last run went."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.jobs import selectors


@login_required
@require_GET
def jobs(request: HttpRequest) -> HttpResponse:
    try:
        registered = selectors.jobs_visible(actor=actor_for_request(request))
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "jobs/list.html", {"jobs": registered})
