"""Home, language switching, health and the friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.access import actor_for_request
from lionrock.core.audit import services as audit
from lionrock.core.shell import health
from lionrock.core.shell.registry import panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    return render(request, "shell/home.html", {"panels": panels_for(actor), "modules": actor.modules()})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switch, plus remembering the choice on the account of a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    actor = actor_for_request(request)
    if actor.user is not None:
        account_services.user_language_set(actor=actor, language=language)
    return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = health.database_state()
    queue = health.task_queue_state()
    healthy = database["ok"] and queue["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "task_queue": queue},
        status=200 if healthy else 503,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    audit.record(
        actor=None,
        action="security.csrf",
        outcome="denied",
        actor_label=str(getattr(request.user, "email", "") or ""),
        ip_address=request.META.get("REMOTE_ADDR"),
        summary=f"{request.method} {request.path}"[:500],
    )
    return render(
        request,
        "shell/error.html",
        {
            "title": _("This form has expired"),
            "message": _(
                "For your security the form could not be accepted. Go back, reload the page and try again. "
                "Nothing was saved."
            ),
        },
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "shell/error.html",
        {"title": _("Not found"), "message": _("There is nothing here, or you do not have access to it.")},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shell/error.html",
        {
            "title": _("Something went wrong"),
            "message": _("The error has been logged. Please try again later."),
        },
        status=500,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "shell/error.html",
        {
            "title": _("Bad request"),
            "message": _("The request could not be understood. Nothing was changed."),
        },
        status=400,
    )
