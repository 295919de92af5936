"""Pages: the import wizard (upload, preview with flags, confirm), exports, and TAXII feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.exchange import exporting, flags, selectors, services
from lionrock.cyber.exchange.feed_urls import FeedUrlRefused
from lionrock.cyber.exchange.forms import ExportForm, FeedForm, ImportForm
from lionrock.cyber.exchange.models import ImportRun
from lionrock.cyber.intel.selectors import intel_organisations

PREVIEW_ROWS = 100


def _intel_actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if not intel_organisations(actor):
        raise NotFound
    return actor


@login_required
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Upload a file to import (step 1 of the wizard), choose an export, see recent imports."""
    actor = _intel_actor(request)
    form = ImportForm(request.POST or None, request.FILES or None, actor=actor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size and upload.size > services.max_import_bytes():
                form.add_error(
                    "file",
                    _("The file is larger than the import limit of %(limit)s MB.")
                    % {"limit": services.max_import_bytes() // 1048576},
                )
            else:
                try:
                    run = services.import_draft_create(
                        actor=actor,
                        collection=form.cleaned_data["collection"],
                        data=upload.read(),
                        name=upload.name or "upload",
                        format=form.cleaned_data["format"],
                        tlp=form.cleaned_data["tlp"],
                    )
                except ValidationFailed as error:
                    form.add_error(None, str(error))
                else:
                    return redirect("exchange:import", run_id=run.pk)
        status = 400
    else:
        flags.warm()
    return render(
        request,
        "exchange/home.html",
        {
            "form": form,
            "export_form": ExportForm(actor=actor),
            "imports": selectors.imports_of(actor=actor, limit=20),
            "max_mb": services.max_import_bytes() // 1048576,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    """Step 2: what will be created and what is flagged; confirm or cancel. Afterwards, the outcome."""
    actor = _intel_actor(request)
    run = selectors.import_get(actor=actor, run_id=str(run_id))
    if request.method == "POST" and run.status == ImportRun.Status.DRAFT:
        if request.POST.get("action") == "cancel":
            services.import_cancel(actor=actor, run=run)
            messages.info(request, _("Import cancelled; nothing was stored."))
            return redirect("exchange:home")
        try:
            services.import_confirm(actor=actor, run=run)
        except ValidationFailed as error:
            messages.error(request, _("Nothing was stored: %(reason)s") % {"reason": error})
        else:
            messages.success(
                request,
                _("Imported %(added)s object(s); %(duplicates)s were already there.")
                % {"added": run.added, "duplicates": run.duplicates},
            )
        return redirect("exchange:import", run_id=run.pk)
    preview = exporting.preview_rows(run, limit=PREVIEW_ROWS) if run.status == ImportRun.Status.DRAFT else []
    return render(
        request,
        "exchange/import_detail.html",
        {"run": run, "rows": preview, "total": sum(run.counts.values()), "shown": PREVIEW_ROWS},
    )


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Streams an export of what the user may see in a collection."""
    actor = _intel_actor(request)
    form = ExportForm(request.GET, actor=actor)
    if not form.is_valid():
        return render(
            request,
            "exchange/home.html",
            {
                "form": ImportForm(actor=actor),
                "export_form": form,
                "imports": selectors.imports_of(actor=actor, limit=20),
                "max_mb": services.max_import_bytes() // 1048576,
            },
            status=400,
        )
    job = exporting.export_open(
        actor=actor,
        collection=form.cleaned_data["collection"],
        fmt=form.cleaned_data["format"],
        kind=form.cleaned_data["kind"],
        include_warninglisted=form.cleaned_data["include_warninglisted"],
    )
    response = StreamingHttpResponse(job.chunks, content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response[exporting.WARNINGLISTED_HEADER] = str(job.warninglisted)
    if job.warninglisted:
        # Shown on the next page the person opens: the download itself leaves this page in place.
        messages.info(
            request,
            ngettext(
                "%(count)d value on MISP warninglists was left out of the export.",
                "%(count)d values on MISP warninglists were left out of the export.",
                job.warninglisted,
            )
            % {"count": job.warninglisted},
        )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def feeds(request: HttpRequest) -> HttpResponse:
    actor = _intel_actor(request)
    form = FeedForm(request.POST or None, actor=actor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                feed = services.feed_create(
                    actor=actor,
                    collection=data["collection"],
                    name=data["name"],
                    url=data["url"],
                    auth=data["auth"],
                    username=data["username"],
                    secret=data["secret"],
                    secret_env=data["secret_env"],
                    interval_minutes=data["interval_minutes"],
                    verify_tls=data["verify_tls"],
                )
            except ValidationFailed as error:
                form.add_error("url" if isinstance(error, FeedUrlRefused) else None, str(error))
            else:
                messages.success(request, _("Feed added; its first poll is due now."))
                return redirect("exchange:feed", feed_id=feed.pk)
        status = 400
    return render(
        request,
        "exchange/feeds.html",
        {
            "form": form,
            "feeds": selectors.feeds_visible(actor=actor),
            "can_add": form.can_add,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def feed_detail(request: HttpRequest, feed_id: int) -> HttpResponse:
    actor = _intel_actor(request)
    feed = selectors.feed_get(actor=actor, feed_id=feed_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "poll":
            services.feed_poll_request(actor=actor, feed=feed)
            messages.success(request, _("The feed will be polled within a minute."))
        elif action in ("pause", "resume"):
            try:
                services.feed_update(actor=actor, feed=feed, is_active=action == "resume")
            except ValidationFailed as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Feed resumed.") if action == "resume" else _("Feed paused."))
        return redirect("exchange:feed", feed_id=feed.pk)
    context = {"feed": feed, "polls": selectors.feed_polls(actor=actor, feed=feed)}
    if request.headers.get("HX-Request"):
        return render(request, "exchange/partials/polls_table.html", context)
    return render(request, "exchange/feed_detail.html", context)
