"""The inbox: the list, opening one (marks it read and follows its link), marking all read, preferences."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.errors import ValidationFailed
from lionrock.core.notifications import selectors, services
from lionrock.core.notifications.forms import PreferenceForm

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    page = Paginator(selectors.notifications_visible(actor=actor), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    items = [
        {"pk": n.pk, "line": n.subject_line(), "at": n.created_at, "unread": n.read_at is None} for n in page
    ]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(
        actor=actor_for_request(request), notification_id=notification_id
    )
    # The link was checked to be a path inside Lionrock when the notification was made.
    return redirect(notification.link)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(actor=actor_for_request(request))
    if count:
        messages.success(request, _("All notifications marked as read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    assert actor.user is not None
    initial = {"email": selectors.email_preference(user_id=actor.user.pk)}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(actor=actor, email=form.cleaned_data["email"])
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200
    )
