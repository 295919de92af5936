"""Pages of the incident desk: the list with its clocks, reporting, the incident page with triage, sharing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound, actor_for_request
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.incidents import selectors, services, stix
from lionrock.cyber.incidents.forms import (
    AssignForm,
    AttachForm,
    ClockForm,
    CloseForm,
    IncidentForm,
    IndicatorShareForm,
    LinkForm,
    RecipientsForm,
    RegimeEditForm,
    RegimeForm,
    ShareForm,
    StatusForm,
    TextForm,
    emails_parse,
    uploads_read,
)
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.incidents.services import IncidentInvalid, handler_steps
from lionrock.cyber.incidents.taxonomy import classification_label
from lionrock.cyber.intel import selectors as intel_selectors


def _actor(request: HttpRequest) -> Actor:
    actor = actor_for_request(request)
    if not selectors.incident_organisations(actor):
        raise NotFound
    return actor


def _form_error(form: Any, exc: ValidationFailed) -> None:
    name = getattr(exc, "field", None)
    message = getattr(exc, "message", str(exc))
    if name in form.fields:
        form.add_error(name, message)
    elif name and name.startswith("observables"):
        form.add_error("iocs", message)
    elif name and name.startswith("recipients") and "recipients" in form.fields:
        form.add_error("recipients", message)
    else:
        form.add_error(None, message)


@dataclass(frozen=True)
class DeskRow:
    """One line of the desk, formatted once here: the template only prints (100 rows, every poll)."""

    url: str
    reference: str
    title: str
    serious: bool
    reporting_organisation: str
    status: str
    aware_at: str
    notify_by: str
    overdue: bool
    due_soon: bool
    handler: str


def _short(moment: datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def _desk_before(value: str) -> tuple[datetime, int] | None:
    """The "Older" link's position (`<awareness>,<id>` of the page's last incident); anything else: none."""
    stamp, _sep, pk = value.rpartition(",")
    try:
        moment = datetime.fromisoformat(stamp)
        key = int(pk)
    except ValueError:
        return None
    if timezone.is_naive(moment) or not 0 < key < 2**63:
        return None
    return moment, key


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    filters = selectors.DeskFilter(status=request.GET.get("status", ""), query=request.GET.get("q", ""))
    page = selectors.DESK_PAGE
    incidents = selectors.incidents_desk(
        actor=actor, filters=filters, limit=page + 1, before=_desk_before(request.GET.get("before", ""))
    )
    older = None
    if len(incidents) > page:
        incidents = incidents[:page]
        last = incidents[-1]
        position = f"{last.aware_at.isoformat()},{last.pk}"
        older = {"status": filters.status, "q": filters.query, "before": position}
    now = timezone.now()
    detail = reverse("incidents:detail", args=[1]).removesuffix("1/")
    statuses = dict(Incident.Status.choices)
    rows = [
        DeskRow(
            url=f"{detail}{row.pk}/",
            reference=row.reference or _("draft"),
            title=Truncator(row.title).chars(80),
            serious=row.serious,
            reporting_organisation=str(row.reporting_organisation),
            status=str(statuses.get(row.status, row.status)),
            aware_at=_short(row.aware_at),
            notify_by=_short(row.notify_by),
            overdue=selectors.incident_overdue(row, now),
            due_soon=bool(
                row.status == Incident.Status.DRAFT
                and row.notify_by
                and now <= row.notify_by < now + timedelta(hours=24)
            ),
            handler=row.assigned_to.full_name if row.assigned_to else "",
        )
        for row in incidents
    ]
    context = {
        "rows": rows,
        "filters": filters,
        "older": urlencode({k: v for k, v in (older or {}).items() if v}) if older else "",
        "statuses": Incident.Status.choices,
        "may_see_times": bool(selectors.handler_organisations(actor)),
        "may_report": bool(selectors.incident_organisations(actor, write=True)),
    }
    return render(request, "incidents/list.html", context)


@login_required
def drill_reports(request: HttpRequest) -> HttpResponse:
    """A team's own drill reports, apart from the real desk and under the exercise banner."""
    actor = _actor(request)
    rows = selectors.exercise_reports_own(actor=actor)
    return render(request, "incidents/drill_reports.html", {"rows": rows})


@login_required
def handling_times(request: HttpRequest) -> HttpResponse:
    """Time to acknowledge, contain and resolve, per reporting sector: the handling CERT's own measure."""
    actor = _actor(request)
    if not selectors.handler_organisations(actor):
        raise NotFound
    return render(request, "incidents/times.html", {"times": selectors.handling_times_by_sector(actor=actor)})


@login_required
@require_http_methods(["GET", "POST"])
def incident_report(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    orgs = selectors.incident_organisations(actor, write=True)
    if not orgs:
        raise NotFound
    drills = selectors.exercises_to_report_in(actor=actor, organisation_id=min(orgs))
    form = IncidentForm(
        request.POST or None,
        request.FILES or None,
        exercises=[(str(ref.pk), f"{ref.pk}: {ref.name}") for ref in drills],
    )
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(
                actor=actor,
                draft=form.draft(),
                organisation=min(orgs),
                submit="submit" in request.POST,
                exercise=form.cleaned_data.get("exercise"),
            )
        except ValidationFailed as exc:
            _form_error(form, exc)
        else:
            if incident.reference:
                messages.success(request, _("Report %(ref)s submitted.") % {"ref": incident.reference})
            else:
                messages.success(request, _("Draft saved. Submit it before the deadline."))
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/report.html", {"form": form, "incident": None})


@login_required
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    incident = selectors.incident_get(actor=actor, pk=pk)
    if not selectors.incident_may_edit(actor=actor, incident=incident):
        raise NotFound
    form = IncidentForm(request.POST or None, initial=IncidentForm.initial_for(incident))
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update(actor=actor, incident=incident, draft=form.draft())
            if "submit" in request.POST and incident.status == Incident.Status.DRAFT:
                services.incident_submit(actor=actor, incident=incident)
        except ValidationFailed as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Report updated."))
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, "incidents/report.html", {"form": form, "incident": incident})


def _status_choices(incident: Incident) -> list[tuple[str, str]]:
    return [(value, str(Incident.Status(value).label)) for value in handler_steps(incident)]


def _people(actor: Actor, incident: Incident) -> list[tuple[str, str]]:
    return [
        (str(u.pk), u.full_name or u.email) for u in selectors.handlers_of(actor=actor, incident=incident)
    ]


def _share_choices(request: HttpRequest, incident: Incident) -> list[tuple[str, str]]:
    rows = selectors.share_candidates(actor=actor_for_request(request), incident=incident)
    return [(str(org.pk), org.display_name(request.LANGUAGE_CODE)) for org in rows]


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    incident = selectors.incident_get(actor=actor, pk=pk)
    may_handle = selectors.incident_may_handle(actor=actor, incident=incident)
    may_edit = selectors.incident_may_edit(actor=actor, incident=incident)
    entries = list(selectors.incident_entries(actor=actor, incident=incident))
    context: dict[str, Any] = {
        "incident": incident,
        "classification": classification_label(incident.classification),
        "may_handle": may_handle,
        "may_edit": may_edit,
        "is_reporter": selectors.incident_is_reporter(actor=actor, incident=incident),
        "overdue": selectors.incident_overdue(incident),
        "thread": [e for e in entries if e.kind != e.Kind.CHANGE],
        "history": [e for e in entries if e.kind == e.Kind.CHANGE],
        "seen": selectors.observables_seen_elsewhere(actor=actor, incident=incident),
        "links": selectors.incident_links(actor=actor, incident=incident),
        "shares": selectors.incident_shares(actor=actor, incident=incident),
        "text_form": TextForm(),
        "attachments": list(incident.attachments.all()),
        "spans": _spans(incident),
        "attach_form": AttachForm() if may_handle or may_edit else None,
        "recipients": selectors.incident_recipients(actor=actor, incident=incident)
        if incident.tlp == "red"
        else [],
        "recipients_form": RecipientsForm() if incident.tlp == "red" and (may_handle or may_edit) else None,
    }
    if may_handle:
        context.update(
            status_form=StatusForm(allowed=_status_choices(incident)),
            assign_form=AssignForm(
                people=_people(actor, incident),
                initial={"user": str(incident.assigned_to_id or "")},
            ),
            close_form=CloseForm(),
            link_form=LinkForm(),
        )
    if (may_handle or may_edit) and incident.status != Incident.Status.DRAFT:
        context["share_form"] = ShareForm(
            organisations=_share_choices(request, incident),
            initial={"community": incident.shared_with_community},
        )
    return render(request, "incidents/detail.html", context)


def _spans(incident: Incident) -> dict[str, timedelta | None]:
    """Time to acknowledge, contain and resolve, from submission (None until the step happens)."""
    start = incident.submitted_at
    return {
        name: (getattr(incident, f"{name}_at") - start) if start and getattr(incident, f"{name}_at") else None
        for name in ("acknowledged", "contained", "resolved")
    }


_TEXT_ACTIONS = {
    "request": services.incident_request_information,
    "reply": services.incident_reply,
    "note": services.incident_note_add,
}


@login_required
@require_POST
def incident_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Every triage and reporting action is a POST here; the service decides who may do it."""
    actor = _actor(request)
    incident = selectors.incident_get(actor=actor, pk=pk)
    try:
        _act(request, actor, incident, action)
    except ValidationFailed as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("incidents:detail", pk=incident.pk)


def _act(request: HttpRequest, actor: Actor, incident: Incident, action: str) -> None:
    if action in _TEXT_ACTIONS:
        form = TextForm(request.POST)
        if not form.is_valid():
            raise IncidentInvalid("text", _("Write something first."))
        _TEXT_ACTIONS[action](actor=actor, incident=incident, text=form.cleaned_data["text"])
        messages.success(request, _("Added to the thread."))
    elif action == "submit":
        services.incident_submit(actor=actor, incident=incident)
        messages.success(request, _("Report %(ref)s submitted.") % {"ref": incident.reference})
    elif action == "acknowledge":
        services.incident_acknowledge(actor=actor, incident=incident)
        messages.success(request, _("Acknowledged."))
    elif action == "status":
        status_form = StatusForm(request.POST, allowed=_status_choices(incident))
        if not status_form.is_valid():
            raise IncidentInvalid("status", _("Choose a status from the list."))
        services.incident_status_set(
            actor=actor,
            incident=incident,
            status=status_form.cleaned_data["status"],
            note=status_form.cleaned_data["note"],
        )
        messages.success(request, _("Status changed."))
    elif action == "assign":
        assign_form = AssignForm(request.POST, people=_people(actor, incident))
        if not assign_form.is_valid():
            raise IncidentInvalid("assigned_to", _("Choose a handler of the handling organisation."))
        user_id = assign_form.cleaned_data["user"]
        user = (
            selectors.handlers_of(actor=actor, incident=incident).filter(pk=user_id).first()
            if user_id
            else None
        )
        services.incident_assign(actor=actor, incident=incident, user=user)
        messages.success(request, _("Assignment saved."))
    elif action == "close":
        close_form = CloseForm(request.POST)
        if not close_form.is_valid():
            raise IncidentInvalid("summary", _("Write a closing summary."))
        services.incident_close(actor=actor, incident=incident, **close_form.cleaned_data)
        messages.success(request, _("Incident closed."))
    elif action == "link":
        link_form = LinkForm(request.POST)
        if not link_form.is_valid():
            raise IncidentInvalid("other", _("Give the other incident's reference."))
        other = selectors.incident_by_reference(
            actor=actor, reference=link_form.cleaned_data["reference"].strip()
        )
        services.incident_link(actor=actor, incident=incident, other=other)
        messages.success(request, _("Incidents linked."))
    elif action == "share":
        share_form = ShareForm(request.POST, organisations=_share_choices(request, incident))
        if not share_form.is_valid():
            raise IncidentInvalid("organisations", _("Choose organisations from the list."))
        organisations = selectors.share_candidates(actor=actor, incident=incident).filter(
            pk__in=share_form.cleaned_data["organisations"]
        )
        services.incident_share(
            actor=actor,
            incident=incident,
            organisations=organisations,
            community=share_form.cleaned_data["community"],
        )
        messages.success(request, _("Sharing saved."))
    elif action == "recipients":
        recipients_form = RecipientsForm(request.POST)
        if not recipients_form.is_valid():
            raise IncidentInvalid("recipients", _("Give at least one e-mail address."))
        services.incident_recipients_add(
            actor=actor, incident=incident, emails=emails_parse(recipients_form.cleaned_data["recipients"])
        )
        messages.success(request, _("The people named may now see this incident."))
    elif action == "attach":
        attach_form = AttachForm(request.POST, request.FILES)
        if not attach_form.is_valid():
            raise IncidentInvalid("attachments", _("Choose at least one file."))
        services.incident_attachments_add(
            actor=actor, incident=incident, files=uploads_read(attach_form.cleaned_data["attachments"])
        )
        messages.success(request, _("Evidence attached."))
    elif action == "written-report":
        services.incident_written_report_record(actor=actor, incident=incident)
        messages.success(request, _("Written report recorded."))
    else:
        raise NotFound


@login_required
@require_http_methods(["GET", "POST"])
def indicators_share(request: HttpRequest, pk: int) -> HttpResponse:
    """One step from incident to sharing: preview the indicators, then create them in a collection."""
    actor = _actor(request)
    incident = selectors.incident_get(actor=actor, pk=pk)
    candidates = [
        o
        for o in selectors.incident_observables(actor=actor, incident=incident)
        if o.ioc and not o.indicator_stix_id
    ]
    collections = [(str(c.pk), c.title) for c in intel_selectors.collections_writable(actor=actor)]
    form = IndicatorShareForm(
        request.POST or None,
        observables=[(str(o.pk), o.value) for o in candidates],
        collections=collections,
        initial={
            "observables": [str(o.pk) for o in candidates],
            "tlp": incident.tlp if incident.tlp != "red" else "amber+strict",
        },
    )
    chosen = [
        int(x)
        for x in (request.POST.getlist("observables") if form.is_bound else [o.pk for o in candidates])
        if str(x).isdigit()
    ]
    previews = (
        services.observables_preview(actor=actor, incident=incident, observable_ids=chosen) if chosen else []
    )
    if request.method == "POST" and "confirm" in request.POST and form.is_valid():
        collection = (
            intel_selectors.collections_writable(actor=actor)
            .filter(pk=form.cleaned_data["collection"])
            .first()
        )
        if collection is None:
            raise NotFound
        try:
            created = services.observables_share(
                actor=actor,
                incident=incident,
                collection=collection,
                tlp=form.cleaned_data["tlp"],
                observable_ids=[int(x) for x in form.cleaned_data["observables"]],
                include_flagged=form.cleaned_data["include_flagged"],
            )
        except ValidationFailed as exc:
            form.add_error(None, getattr(exc, "message", str(exc)))
        else:
            messages.success(request, _("%(n)s indicators shared.") % {"n": len(created)})
            return redirect("incidents:detail", pk=incident.pk)
    return render(
        request,
        "incidents/indicators.html",
        {
            "incident": incident,
            "form": form,
            "previews": previews,
            "shared": [o for o in incident.observables.all() if o.indicator_stix_id],
        },
    )


def _download(payload: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def incident_stix(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    incident = selectors.incident_get(actor=actor, pk=pk)
    bundle = stix.incident_bundle(
        incident, list(selectors.incident_observables(actor=actor, incident=incident))
    )
    return _download(bundle, f"{incident.reference or incident.pk}.stix.json")


@login_required
def incident_misp(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    incident = selectors.incident_get(actor=actor, pk=pk)
    event = stix.incident_misp_event(
        incident, list(selectors.incident_observables(actor=actor, incident=incident))
    )
    return _download(event, f"{incident.reference or incident.pk}.misp.json")


@login_required
@require_http_methods(["GET", "POST"])
def clocks(request: HttpRequest) -> HttpResponse:
    """The platform administrator keeps the statutory clocks: a new rule from a date, old ones kept."""
    actor = actor_for_request(request)
    access.require(actor, Role.PLATFORM_ADMIN)
    regimes = list(selectors.regimes_available(actor=actor))
    form = ClockForm(
        request.POST or None, regimes=[(str(r.pk), r.display_name(request.LANGUAGE_CODE)) for r in regimes]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        regime = next(r for r in regimes if str(r.pk) == data["regime"])
        try:
            services.notification_clock_add(
                actor=actor,
                regime=regime,
                serious=data["serious"],
                notify_within=timedelta(hours=data["notify_hours"]),
                written_report_within=timedelta(days=data["report_days"]) if data["report_days"] else None,
                effective_from=data["effective_from"],
                source=data["source"],
            )
        except ValidationFailed as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The new rule is saved."))
            return redirect("incidents:clocks")
    rows = selectors.notification_clocks(actor=actor)
    context = {
        "form": form,
        "rows": rows,
        "regimes": regimes,
        "regime_form": RegimeForm(prefix="regime", organisations=_regime_handlers(request, actor)),
    }
    return render(request, "incidents/clocks.html", context)


def _regime_handlers(request: HttpRequest, actor: Actor) -> list[tuple[str, str]]:
    return [
        (str(org.pk), org.display_name(request.LANGUAGE_CODE))
        for org in selectors.regime_handler_candidates(actor=actor)
    ]


@login_required
@require_POST
def regime_create(request: HttpRequest) -> HttpResponse:
    """The platform administrator adds a reporting regime; its clock rules follow on the clocks page."""
    actor = actor_for_request(request)
    candidates = {str(org.pk): org for org in selectors.regime_handler_candidates(actor=actor)}
    form = RegimeForm(request.POST, prefix="regime", organisations=_regime_handlers(request, actor))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.regime_create(
                actor=actor,
                code=data["code"],
                name_en=data["name_en"],
                name_zh=data["name_zh"],
                description=data["description"],
                handling_organisation=candidates[data["handling_organisation"]],
                effective_from=data["effective_from"],
                effective_until=data["effective_until"],
                is_default=data["is_default"],
            )
        except ValidationFailed as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The regime is saved. Add its clock rules below."))
            return redirect("incidents:clocks")
    regimes = list(selectors.regimes_available(actor=actor))
    context = {
        "form": ClockForm(regimes=[(str(r.pk), r.display_name(request.LANGUAGE_CODE)) for r in regimes]),
        "rows": selectors.notification_clocks(actor=actor),
        "regimes": regimes,
        "regime_form": form,
    }
    return render(request, "incidents/clocks.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def regime_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Names, description and the span in force of one regime; its code and handler stay."""
    actor = actor_for_request(request)
    regime = selectors.regime_get(actor=actor, pk=pk)
    initial = {
        name: getattr(regime, name)
        for name in ("name_en", "name_zh", "description", "effective_from", "effective_until")
    }
    form = RegimeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.regime_update(actor=actor, regime=regime, **form.cleaned_data)
        except ValidationFailed as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The regime is saved."))
            return redirect("incidents:clocks")
    return render(request, "incidents/regime.html", {"form": form, "regime": regime})
