"""The audit trail for administrators: a filtered, paginated list; nothing here can change an entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.audit import selectors
from lionrock.core.audit.forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.audit_entries_filter(actor=actor, **{k: v for k, v in filters.items() if v})
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "audit/partials/entries_table.html" if request.headers.get("HX-Request") else "audit/entries.html"
    )
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})
