"""Pages of major events: the list, an event with its services, assets and roster, readiness, the watch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.accounts.models import Organisation
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.events import selectors, services
from lionrock.cyber.events.forms import (
    AlertLevelForm,
    AssetForm,
    EventForm,
    LessonsForm,
    ParticipantForm,
    ReadinessForm,
    RosterForm,
    ServiceForm,
    ShiftLogForm,
)
from lionrock.cyber.events.models import Event
from lionrock.cyber.events.sharing import MANAGER_ROLES
from lionrock.cyber.incidents.forms import uploads_read


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if not selectors.event_organisations(actor):
        raise NotFound
    return actor


def _error(form: Any, exc: ValidationFailed) -> None:
    name = getattr(exc, "field", None)
    message = getattr(exc, "message", str(exc))
    form.add_error(name if name in form.fields else None, message)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    events = list(selectors.events_visible(actor=actor).order_by("-starts_on"))
    now = timezone.now()
    for event in events:
        event.watching = event.watch_starts_at <= now <= event.watch_ends_at  # type: ignore[attr-defined]
        event.over = now > event.watch_ends_at  # type: ignore[attr-defined]
    may_create = bool(actor.organisations_with(*MANAGER_ROLES))
    return render(request, "events/list.html", {"events": events, "may_create": may_create})


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not actor.organisations_with(*MANAGER_ROLES):
        raise NotFound
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=actor, draft=form.draft())
        except ValidationFailed as exc:
            _error(form, exc)
        else:
            return redirect("events:detail", slug=event.slug)
    return render(request, "events/form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    if not selectors.event_may_manage(actor=actor, event=event):
        raise NotFound
    initial = {
        name: getattr(event, name)
        for name in ("slug", "name_en", "name_zh", "starts_on", "ends_on", "venues", "description")
    }
    initial["watch_starts_at"] = timezone.localtime(event.watch_starts_at)
    initial["watch_ends_at"] = timezone.localtime(event.watch_ends_at)
    form = EventForm(request.POST or None, initial=initial)
    form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=actor, event=event, draft=form.draft())
        except ValidationFailed as exc:
            _error(form, exc)
        else:
            return redirect("events:detail", slug=event.slug)
    return render(request, "events/form.html", {"form": form, "event": event})


def _org_choices(request: HttpRequest, actor: Actor, event: Event) -> list[tuple[str, str]]:
    return [
        (str(org.pk), org.display_name(request.LANGUAGE_CODE))
        for org in selectors.participant_organisations(actor=actor, event=event)
    ]


def _service_choices(actor: Actor, event: Event) -> list[tuple[str, str]]:
    return [
        (str(s.pk), f"{s.organisation}: {s.name}") for s in selectors.event_services(actor=actor, event=event)
    ]


@login_required
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    orgs = _org_choices(request, actor, event)
    may_manage = selectors.event_may_manage(actor=actor, event=event)
    context: dict[str, Any] = {
        "event": event,
        "name": event.display_name(request.LANGUAGE_CODE),
        "may_manage": may_manage,
        "is_coordinator": selectors.event_is_coordinator(actor=actor, event=event),
        "participants": selectors.event_participants(actor=actor, event=event),
        "services": selectors.event_services(actor=actor, event=event),
        "roster": selectors.event_roster(actor=actor, event=event),
        "venues": [line for line in event.venues.splitlines() if line.strip()],
        "service_form": ServiceForm(organisations=orgs) if orgs else None,
        "asset_form": AssetForm(services=_service_choices(actor, event)) if orgs else None,
        "roster_form": RosterForm(organisations=orgs) if orgs else None,
    }
    if may_manage:
        invite = [
            (str(o.pk), o.display_name(request.LANGUAGE_CODE))
            for o in selectors.organisations_to_invite(actor=actor, event=event)
        ]
        context["participant_form"] = ParticipantForm(organisations=invite)
    return render(request, "events/detail.html", context)


@login_required
@require_POST
def event_act(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    """Every change to an event is a POST here; the service decides who may make it."""
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    target = "events:detail"
    try:
        target = _act(request, actor, event, action)
    except ValidationFailed as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect(target, slug=event.slug)


def _invalid(form: Any) -> ValidationFailed:
    first = next(iter(form.errors.items()), ("", [_("Check the form.")]))
    return ValidationFailed(
        f"{form.fields[first[0]].label if first[0] in form.fields else ''}: {first[1][0]}"
    )


def _act(request: HttpRequest, actor: Actor, event: Event, action: str) -> str:
    orgs = _org_choices(request, actor, event)
    if action == "participant":
        invite = [(str(o.pk), str(o)) for o in selectors.organisations_to_invite(actor=actor, event=event)]
        form: Any = ParticipantForm(request.POST, organisations=invite)
        if not form.is_valid():
            raise _invalid(form)
        organisation = selectors.organisations_to_invite(actor=actor, event=event).get(
            pk=form.cleaned_data["organisation"]
        )
        services.participant_add(
            actor=actor,
            event=event,
            organisation=organisation,
            coordinator=form.cleaned_data["coordinator"],
            responsibility=form.cleaned_data["responsibility"],
        )
        messages.success(request, _("Organisation added."))
    elif action == "service":
        form = ServiceForm(request.POST, organisations=orgs)
        if not form.is_valid():
            raise _invalid(form)
        organisation = selectors.participant_organisations(actor=actor, event=event).get(
            pk=form.cleaned_data["organisation"]
        )
        services.service_register(
            actor=actor,
            event=event,
            organisation=organisation,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("Service registered."))
    elif action == "asset":
        form = AssetForm(request.POST, services=_service_choices(actor, event))
        if not form.is_valid():
            raise _invalid(form)
        service = selectors.event_service_get(actor=actor, event=event, pk=int(form.cleaned_data["service"]))
        services.asset_add(
            actor=actor, service=service, kind=form.cleaned_data["kind"], value=form.cleaned_data["value"]
        )
        messages.success(request, _("Asset registered."))
    elif action == "roster":
        form = RosterForm(request.POST, organisations=orgs)
        if not form.is_valid():
            raise _invalid(form)
        data = dict(form.cleaned_data)
        organisation = selectors.participant_organisations(actor=actor, event=event).get(
            pk=data.pop("organisation")
        )
        services.roster_shift_add(actor=actor, event=event, organisation=organisation, **data)
        messages.success(request, _("Shift added to the roster."))
    elif action == "readiness":
        items = [
            (i.code, i.title(request.LANGUAGE_CODE)) for i in selectors.checklist(event.checklist_version)
        ]
        form = ReadinessForm(request.POST, request.FILES, organisations=orgs, items=items)
        if not form.is_valid():
            raise _invalid(form)
        organisation = selectors.participant_organisations(actor=actor, event=event).get(
            pk=form.cleaned_data["organisation"]
        )
        services.readiness_set(
            actor=actor,
            event=event,
            organisation=organisation,
            item=selectors.readiness_item_get(actor=actor, event=event, code=form.cleaned_data["item"]),
            status=form.cleaned_data["status"],
            evidence=form.cleaned_data["evidence"],
            evidence_files=uploads_read(form.cleaned_data["evidence_files"]),
        )
        messages.success(request, _("Readiness saved."))
        return "events:readiness"
    elif action == "alert":
        form = AlertLevelForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.alert_level_set(
            actor=actor, event=event, level=form.cleaned_data["level"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("Alert level set."))
        return "events:watch"
    elif action == "log":
        form = ShiftLogForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.shift_log_add(actor=actor, event=event, text=form.cleaned_data["text"])
        return "events:watch"
    elif action == "lessons":
        form = LessonsForm(request.POST)
        if not form.is_valid():
            raise _invalid(form)
        services.event_lessons_set(actor=actor, event=event, lessons=form.cleaned_data["lessons"])
        messages.success(request, _("Lessons learned saved."))
        return "events:summary"
    else:
        raise NotFound
    return "events:detail"


@login_required
def readiness(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    items = selectors.checklist(event.checklist_version)
    orgs = _org_choices(request, actor, event)
    context = {
        "event": event,
        "name": event.display_name(request.LANGUAGE_CODE),
        "items": [
            (item, item.title(request.LANGUAGE_CODE), selectors.item_due(event, item)) for item in items
        ],
        "rows": selectors.readiness_rows(actor=actor, event=event),
        "sectors": selectors.readiness_by_sector(actor=actor, event=event)
        if selectors.event_is_coordinator(actor=actor, event=event)
        else [],
        "form": ReadinessForm(
            organisations=orgs, items=[(i.code, i.title(request.LANGUAGE_CODE)) for i in items]
        )
        if orgs
        else None,
    }
    return render(request, "events/readiness.html", context)


@dataclass(frozen=True)
class BoardIncident:
    url: str
    reference: str
    title: str
    organisation: str
    status: str
    serious: bool


@dataclass(frozen=True)
class BoardSighting:
    url: str
    name: str
    organisation: str
    count: int
    last_seen: str
    reason: str


def _board_context(request: HttpRequest, actor: Actor, event: Event) -> dict[str, Any]:
    """The board with its rows formatted once here: the template only prints (every 30 s, per reader)."""
    from lionrock.cyber.incidents.models import Incident

    situation = selectors.situation_board(actor=actor, event=event)
    incident_url = reverse("incidents:detail", args=[1]).removesuffix("1/")
    object_url = reverse("intel:object", args=["x"]).removesuffix("x/")
    statuses = dict(Incident.Status.choices)
    reasons = {"asset": _("names a registered asset"), "participant": _("reported by a participant")}
    return {
        "event": event,
        "situation": situation,
        "incidents": [
            BoardIncident(
                url=f"{incident_url}{i.pk}/",
                reference=i.reference or "",
                title=i.title,
                organisation=str(i.reporting_organisation),
                status=str(statuses.get(i.status, i.status)),
                serious=i.serious,
            )
            for i in situation.incidents
        ],
        "sightings": [
            BoardSighting(
                url=f"{object_url}{quote(s.indicator_id)}/",
                name=Truncator(s.indicator_name).chars(80),
                organisation=s.organisation,
                count=s.count,
                last_seen=formats.date_format(timezone.localtime(s.last_seen), "SHORT_DATETIME_FORMAT"),
                reason=reasons.get(s.reason, ""),
            )
            for s in situation.sightings
        ],
    }


@login_required
def watch(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    if not selectors.event_is_coordinator(actor=actor, event=event):
        raise NotFound
    context = _board_context(request, actor, event)
    context.update(
        name=event.display_name(request.LANGUAGE_CODE),
        may_manage=selectors.event_may_manage(actor=actor, event=event),
        alert_form=AlertLevelForm(initial={"level": event.alert_level}),
        log_form=ShiftLogForm(),
        log=selectors.shift_log(actor=actor, event=event),
        days=_watch_days(event),
    )
    return render(request, "events/watch.html", context)


def _watch_days(event: Event) -> list[Any]:
    from datetime import timedelta

    first = timezone.localtime(event.watch_starts_at).date()
    last = min(timezone.localtime(event.watch_ends_at).date(), timezone.localdate())
    return [first + timedelta(days=n) for n in range((last - first).days + 1)] if last >= first else []


@login_required
def watch_board(request: HttpRequest, slug: str) -> HttpResponse:
    """The board alone, for htmx polling."""
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    return render(request, "events/partials/board.html", _board_context(request, actor, event))


@login_required
def summary(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    if not selectors.event_is_coordinator(actor=actor, event=event):
        raise NotFound
    context = {
        "event": event,
        "name": event.display_name(request.LANGUAGE_CODE),
        "summary": selectors.event_summary(actor=actor, event=event),
        "may_manage": selectors.event_may_manage(actor=actor, event=event),
        "lessons_form": LessonsForm(initial={"lessons": event.lessons}),
    }
    return render(request, "events/summary.html", context)


@login_required
def summary_export(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    if not selectors.event_is_coordinator(actor=actor, event=event):
        raise NotFound
    result = selectors.event_summary(actor=actor, event=event)
    situation = selectors.situation_board(actor=actor, event=event, limit=10_000)
    payload = {
        "event": {"slug": event.slug, "name_en": event.name_en, "name_zh": event.name_zh},
        "watch": [event.watch_starts_at.isoformat(), event.watch_ends_at.isoformat()],
        "incidents": [
            {
                "reference": i.reference,
                "title": i.title,
                "classification": i.classification,
                "aware_at": i.aware_at.isoformat(),
            }
            for i in situation.incidents
        ],
        "sightings": [
            {
                "indicator": s.indicator_id,
                "organisation": s.organisation,
                "count": s.count,
                "last_seen": s.last_seen.isoformat(),
            }
            for s in situation.sightings
        ],
        "totals": {"incidents": result.incidents, "serious": result.serious, "sightings": result.sightings},
        "lessons": event.lessons,
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-summary.json"'
    return response


def sitrep_context(actor: Actor, event: Event, day: Any) -> dict[str, Any]:
    """What a daily situation report says: the day's board, readiness, the shift log and who is on duty.

    Labels are printed in both languages (the report goes to English and Chinese readers alike).
    """
    from django.utils import translation

    situation = selectors.situation_board(actor=actor, event=event, day=day, limit=200)
    start, end = situation.window
    sectors = selectors.readiness_by_sector(actor=actor, event=event)
    labels = dict(Organisation.Sector.choices)
    rows = []
    for sector in sectors:
        with translation.override("en"):
            sector_en = str(labels.get(sector.code, sector.code))
        with translation.override("zh-hant"):
            sector_zh = str(labels.get(sector.code, sector.code))
        rows.append(
            {
                "sector_en": sector_en,
                "sector_zh": sector_zh,
                "done": sector.done,
                "total": sector.total,
                "late": sector.late,
            }
        )
    with translation.override("zh-hant"):
        alert_level_zh = str(Event.AlertLevel(event.alert_level).label)
    return {
        "event": event,
        "day": day,
        "situation": situation,
        "sectors": rows,
        "alert_level_zh": alert_level_zh,
        "log": [e for e in selectors.shift_log(actor=actor, event=event, limit=500) if start <= e.at < end],
        "roster": [
            r
            for r in selectors.event_roster(actor=actor, event=event)
            if r.starts_at < end and r.ends_at > start
        ],
    }


@login_required
def sitrep(request: HttpRequest, slug: str, day: str) -> HttpResponse:
    """The daily situation report for one day of the watch: a bilingual PDF from the documents service."""
    from datetime import date

    from lionrock.core.documents import Document, Letterhead, PdfUnavailable, pdf_render

    actor = _actor(request)
    event = selectors.event_get(actor=actor, slug=slug)
    if not selectors.event_is_coordinator(actor=actor, event=event):
        raise NotFound
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise NotFound from None
    reference = f"SITREP-{event.slug.upper()}-{when:%Y%m%d}"
    try:
        pdf = pdf_render(
            Document(
                template="events/situation_report.html",
                context=sitrep_context(actor, event, when),
                language=request.LANGUAGE_CODE,
                title=f"{event.name_en} — {when:%Y-%m-%d}",
                letterhead=Letterhead.of(event.organiser),
                reference=reference,
            )
        )
    except PdfUnavailable:
        return render(
            request,
            "shell/error.html",
            {
                "title": _("The situation report cannot be made now"),
                "message": _(
                    "This server cannot make PDF files at the moment; the watch page shows the same."
                ),
            },
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{reference.lower()}.pdf"'
    return response
