"""Pages: a stakeholder's match runs and uploads, and the policy office's sightings dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lionrock.core.accounts import selectors as account_selectors
from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.monitoring import selectors, services
from lionrock.cyber.monitoring.chart import bar_chart
from lionrock.cyber.monitoring.forms import MatchRunForm, WatchForm


def _choices(request: HttpRequest) -> dict[str, list[tuple[int, str]] | list[tuple[str, str]]]:
    actor = actor_for_request(request)
    orgs = actor.organisations_with(Role.MONITORING_OPERATOR)
    if not orgs:
        raise NotFound
    organisations = [
        (org.pk, org.display_name(request.LANGUAGE_CODE))
        for org in account_selectors.organisations_of(actor=actor).filter(pk__in=orgs)
    ]
    collections = [(str(c.pk), c.title) for c in selectors.sighting_collections(actor=actor)]
    return {"organisations": organisations, "collections": collections}


@login_required
@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    form = MatchRunForm(request.POST or None, request.FILES or None, **_choices(request))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        organisation = account_selectors.organisations_of(actor=actor).get(
            pk=form.cleaned_data["organisation"]
        )
        collection = (
            selectors.sighting_collections(actor=actor).filter(pk=form.cleaned_data["collection"]).first()
        )
        if collection is None:
            raise NotFound
        try:
            run = services.match_run_create(
                actor=actor,
                organisation=organisation,
                collection=collection,
                tlp=form.cleaned_data["tlp"],
                uploads=[(upload.name, upload) for upload in form.cleaned_data["logs"]],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The logs are queued for matching."))
            return redirect("monitoring:run", run_id=run.pk)
    page = selectors.match_runs_visible(actor=actor)[:50]
    return render(request, "monitoring/runs.html", {"form": form, "runs": page})


@login_required
def run_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    actor = actor_for_request(request)
    run = selectors.match_run_get(actor=actor, run_id=run_id)
    context = {"run": run, "files": run.files.all(), "finished": run.finished_at is not None}
    if request.headers.get("HX-Request"):
        # A poll: when the run has finished, the page's status region also says so, for screen readers.
        return render(request, "monitoring/partials/run_progress.html", {**context, "polled": True})
    return render(request, "monitoring/run.html", context)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The policy office's view: indicators seen across stakeholders, over time, with alerts."""
    actor = actor_for_request(request)
    if not intel_selectors.intel_organisations(actor):
        raise NotFound
    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 365)
    except ValueError:
        days = 30
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "days": days,
            "rows": selectors.indicators_sighted(actor=actor, days=days),
            "chart": bar_chart(selectors.sightings_per_day(actor=actor, days=days)),
            "alerts": selectors.alerts_open(actor=actor),
        },
    )


@login_required
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    actor = actor_for_request(request)
    sightings = selectors.indicator_sightings(actor=actor, indicator_id=indicator_id)
    obj = intel_selectors.stix_object_get(actor=actor, stix_id=indicator_id)
    return render(
        request,
        "monitoring/indicator.html",
        {
            "indicator": obj,
            "sightings": sightings[:200],
            "chart": bar_chart(selectors.sightings_per_day(actor=actor, days=30, indicator_id=indicator_id)),
        },
    )


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    services.alert_acknowledge(actor=actor, alert=selectors.alert_get(actor=actor, alert_id=alert_id))
    return redirect("monitoring:dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def watched(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    form = WatchForm(request.POST or None, **_choices(request))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        organisation = account_selectors.organisations_of(actor=actor).get(
            pk=form.cleaned_data["organisation"]
        )
        collection = (
            selectors.sighting_collections(actor=actor).filter(pk=form.cleaned_data["collection"]).first()
        )
        if collection is None:
            raise NotFound
        try:
            services.watched_directory_create(
                actor=actor,
                organisation=organisation,
                path=form.cleaned_data["path"],
                collection=collection,
                tlp=form.cleaned_data["tlp"],
            )
        except ValidationFailed as exc:
            form.add_error("path", str(exc))
        else:
            messages.success(request, _("New files in that directory will be matched automatically."))
            return redirect("monitoring:watched")
    return render(
        request,
        "monitoring/watched.html",
        {"form": form, "directories": selectors.watched_directories_visible(actor=actor)},
    )
