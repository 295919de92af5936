"""Enforcement statistics for officers, from the records themselves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import actor_for_request, home_organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.csvsafe import csv_writer
from lionrock.immigration.enforcement.forms import (
    StatisticsForm,
)
from lionrock.immigration.enforcement.statistics import statistics_compute


@login_required
@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """The department's dashboard for a period (default: this year to date), with a CSV export."""
    actor = actor_for_request(request)
    home_organisation(actor, Role.ENFORCEMENT_OFFICER)
    today = timezone.localdate()
    form = StatisticsForm(
        request.GET or None, initial={"since": today.replace(month=1, day=1), "until": today}
    )
    data = form.cleaned_data if form.is_valid() else {}
    since = data.get("since") or today.replace(month=1, day=1)
    until = data.get("until") or today
    if since > until:
        since, until = until, since
    stats = statistics_compute(actor=actor, since=since, until=until)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="enforcement-{since}-{until}.csv"'
        writer = csv_writer(response)
        writer.writerow(["table", "label", "count"])
        for series in stats.series:
            for label, count in series.rows:
                writer.writerow([series.key, label, count])
        return response
    return render(
        request,
        "enforcement/statistics.html",
        {
            "form": form,
            "stats": stats,
            "csv_query": urlencode({"since": since.isoformat(), "until": until.isoformat(), "format": "csv"}),
        },
    )
