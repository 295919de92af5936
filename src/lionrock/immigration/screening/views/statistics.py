"""Screening statistics and the HTCDS export, from the records themselves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.accounts.roles import Role
from lionrock.core.csvsafe import csv_writer
from lionrock.immigration.screening import selectors
from lionrock.immigration.screening.models import (
    Case,
    Referral,
    ServiceKind,
)
from lionrock.immigration.screening.views.shared import (
    page_language,
)


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
    language = page_language()
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
