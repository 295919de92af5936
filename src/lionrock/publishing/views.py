"""The press officers' pages: releases from draft to publication, their sources, templates, meetings."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.accounts.models import Organisation
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills.models import Capability
from lionrock.immigration.enforcement.models import Arrest, Person
from lionrock.publishing import selectors, services
from lionrock.publishing.configuration import suppression_threshold
from lionrock.publishing.forms import MeetingForm, ReleaseEditForm, ReleaseNewForm, ReturnForm, TemplateForm
from lionrock.publishing.generator import template_current
from lionrock.publishing.law import law_paragraph
from lionrock.publishing.models import PressRelease
from lionrock.publishing.operation_facts import law_codes, operation_record_read

_LOCAL_INPUT = "%Y-%m-%dT%H:%M"


@login_required
@require_GET
def releases(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    rows = selectors.releases_visible(actor=actor).select_related("organisation", "drafted_by")
    state = request.GET.get("state", "")
    if state in PressRelease.State.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "publishing/releases.html",
        {"releases": rows[:200], "state": state, "states": PressRelease.State.choices},
    )


def _source_choices(request: HttpRequest) -> list[tuple[str, str]]:
    actor = actor_for_request(request)
    choices = [
        (
            f"operation:{op.pk}",
            _("Operation %(codename)s, %(date)s")
            % {
                "codename": op.codename,
                "date": timezone.localtime(op.actual_start or op.planned_start).date(),
            },
        )
        for op in selectors.operations_for_release(actor=actor)[:100]
    ]
    choices += [
        (
            f"meeting:{meeting.pk}",
            _("Meeting: %(name)s, %(date)s") % {"name": meeting.name_en, "date": meeting.held_on},
        )
        for meeting in selectors.meetings_visible(actor=actor)[:100]
    ]
    choices += [
        (
            f"drill:{exercise.pk}",
            _("Drill: %(name)s, %(date)s")
            % {"name": exercise.name_en, "date": timezone.localtime(exercise.starts_at).date()},
        )
        for exercise in selectors.exercises_for_release(actor=actor)[:100]
    ]
    choices += [
        (
            f"event:{event.pk}",
            _("Major event: %(name)s, %(date)s") % {"name": event.name_en, "date": event.starts_on},
        )
        for event in selectors.events_for_release(actor=actor)[:100]
    ]
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def release_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    choices = _source_choices(request)
    initial = {"release_at": timezone.localtime().replace(second=0, microsecond=0).strftime(_LOCAL_INPUT)}
    if request.GET.get("source"):
        initial["source"] = request.GET["source"]
    form = ReleaseNewForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind, _sep, pk = form.cleaned_data["source"].partition(":")
        try:
            if kind == "operation":
                operation = selectors.operation_for_release(actor=actor, reference=int(pk))
                release = services.release_draft_create(
                    actor=actor,
                    operation=operation,
                    release_at=form.cleaned_data["release_at"],
                    place_en=form.cleaned_data["place_en"],
                    place_zh=form.cleaned_data["place_zh"],
                )
            elif kind == "drill":
                release = services.release_draft_create(
                    actor=actor,
                    exercise=selectors.exercise_for_release(actor=actor, exercise_id=int(pk)),
                    release_at=form.cleaned_data["release_at"],
                )
            elif kind == "event":
                release = services.release_draft_create(
                    actor=actor,
                    event=selectors.event_for_release(actor=actor, event_id=int(pk)),
                    release_at=form.cleaned_data["release_at"],
                )
            else:
                meeting = selectors.meeting_get(actor=actor, meeting_id=int(pk))
                release = services.release_draft_create(
                    actor=actor, meeting=meeting, release_at=form.cleaned_data["release_at"]
                )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Draft %(reference)s generated in English and Chinese.") % {"reference": release.reference},
            )
            return redirect("publishing:release", release_id=release.pk)
    return render(request, "publishing/release_new.html", {"form": form})


@login_required
@require_GET
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    assert actor.user is not None
    may_approve = release.state == PressRelease.State.SUBMITTED and selectors.release_may_decide(
        actor=actor, release=release
    )
    generated = release.generated or {}
    return render(
        request,
        "publishing/release_detail.html",
        {
            "release": release,
            "versions": release.versions.select_related("approved_by").order_by("-number"),
            "generated_en": generated.get("en", {}),
            "generated_zh": generated.get("zh-hant", {}),
            "may_approve": may_approve,
            "return_form": ReturnForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def release_edit(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    initial = {
        "title_en": release.title_en,
        "body_en": release.body_en,
        "title_zh": release.title_zh,
        "body_zh": release.body_zh,
        "release_at": timezone.localtime(release.release_at).strftime(_LOCAL_INPUT),
        "change_note_en": release.change_note_en,
        "change_note_zh": release.change_note_zh,
    }
    form = ReleaseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.release_update(actor=actor, release=release, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("publishing:release", release_id=release.pk)
    return render(
        request,
        "publishing/release_edit.html",
        {"release": release, "form": form, "correction": release.versions.exists()},
    )


@login_required
@require_POST
def release_action(request: HttpRequest, release_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    action = request.POST.get("action", "")
    try:
        if action == "submit":
            services.release_submit(actor=actor, release=release)
            messages.success(request, _("Submitted for approval by a second press officer."))
        elif action == "approve":
            version = services.release_approve(actor=actor, release=release)
            messages.success(
                request,
                _("Approved: version %(number)s is public from %(when)s.")
                % {
                    "number": version.number,
                    "when": timezone.localtime(version.published_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
        elif action == "return":
            form = ReturnForm(request.POST)
            services.release_return(
                actor=actor, release=release, reason=form.data.get("reason", "") if form.is_bound else ""
            )
            messages.success(request, _("Returned to its drafter."))
        elif action == "publish":
            services.release_publish_now(actor=actor, release=release)
            messages.success(request, _("Published now."))
        elif action == "correct":
            services.release_correction_start(actor=actor, release=release)
            messages.success(request, _("Correction started: edit the text and say what changed."))
            return redirect("publishing:release_edit", release_id=release.pk)
        elif action == "regenerate":
            services.release_regenerate(actor=actor, release=release)
            messages.success(request, _("Generated again from the record as it stands."))
        else:
            messages.error(request, _("Unknown action."))
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    return redirect("publishing:release", release_id=release.pk)


@login_required
@require_GET
def operation_source(request: HttpRequest, operation_id: int) -> HttpResponse:
    """Where every figure of an operation's release comes from: counted rows, never names."""
    actor = actor_for_request(request)
    operation = selectors.operation_for_release(actor=actor, reference=operation_id)
    record = operation_record_read(operation)
    audit.record_read(
        actor=actor,
        target_type="enforcement.arrest",
        target_ids=[row.number for row in record.arrests],
        purpose="press release sources",
    )
    on_text = request.GET.get("on", "")
    try:
        on = date.fromisoformat(on_text) if on_text else timezone.localdate()
    except ValueError:
        on = timezone.localdate()
    template = template_current(kind="operation", language="en", organisation=operation.organisation)
    law = law_paragraph(
        codes=law_codes(record, template.phrases or {}), on=on, language="en", phrases=template.phrases or {}
    )
    return render(
        request,
        "publishing/operation_source.html",
        {
            "operation": operation,
            "record": record,
            "offences": law.offences,
            "on": on,
            "roles": [
                (role, Arrest.Role(role).label, count)
                for role, count in sorted(Counter(row.role for row in record.arrests).items())
            ],
            "rows": [
                (row, Arrest.Role(row.role).label, Person.Sex(row.sex).label, Arrest.Stage(row.stage).label)
                for row in record.arrests
            ],
        },
    )


@login_required
@require_GET
def meetings(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    return render(request, "publishing/meetings.html", {"meetings": selectors.meetings_visible(actor=actor)})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """The press officer records a meeting, with quotes they wrote, to draft its release from."""
    actor = actor_for_request(request)
    organisations = list(selectors.press_organisations(actor=actor))
    if not organisations:
        raise NotFound
    form = MeetingForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        quotes = [
            {key: data[f"{key}_{n}"] for key in ("speaker_en", "speaker_zh", "quote_en", "quote_zh")}
            for n in (1, 2)
            if any(data[f"{key}_{n}"] for key in ("speaker_en", "speaker_zh", "quote_en", "quote_zh"))
        ]
        organisation = next(org for org in organisations if org.pk == int(data["organisation"]))
        try:
            meeting = services.meeting_create(
                actor=actor,
                organisation=organisation,
                details=services.MeetingDetails(
                    held_on=data["held_on"],
                    name_en=data["name_en"],
                    name_zh=data["name_zh"],
                    convened_by_en=data["convened_by_en"],
                    convened_by_zh=data["convened_by_zh"],
                    attendees_en=data["attendees_en"],
                    attendees_zh=data["attendees_zh"],
                    topics_en=data["topics_en"],
                    topics_zh=data["topics_zh"],
                    follow_up_en=data["follow_up_en"],
                    follow_up_zh=data["follow_up_zh"],
                    quotes=tuple(quotes),
                ),
                attendees=[org for org in Organisation.objects.filter(pk__in=data["attendees"])],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Meeting recorded: you can now draft its release."))
            return redirect("publishing:meeting", meeting_id=meeting.pk)
    return render(request, "publishing/meeting_new.html", {"form": form})


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    meeting = selectors.meeting_get(actor=actor, meeting_id=meeting_id)
    return render(request, "publishing/meeting_detail.html", {"meeting": meeting})


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    rows = selectors.templates_visible(actor=actor).select_related("organisation", "created_by")
    return render(request, "publishing/templates.html", {"templates": rows})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Shows one version; saving makes the agency's next version, after the placeholder check."""
    actor = actor_for_request(request)
    template = selectors.templates_visible(actor=actor).filter(pk=template_id).first()
    if template is None:
        raise NotFound(template_id)
    initial = {
        "title": template.title,
        "body": template.body,
        "phrases": json.dumps(template.phrases, ensure_ascii=False, indent=2),
        "note": "",
    }
    form = TemplateForm(request.POST or None, initial=initial)
    organisation = (
        template.organisation
        or selectors.press_organisations(actor=actor)
        .filter(pk__in=actor.organisations_with("press_officer"))
        .first()
    )
    if request.method == "POST" and form.is_valid() and organisation is not None:
        try:
            saved = services.template_save(
                actor=actor,
                kind=template.kind,
                language=template.language,
                organisation=organisation,
                **form.cleaned_data,
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": saved.version})
            return redirect("publishing:template", template_id=saved.pk)
    return render(request, "publishing/template_edit.html", {"template": template, "form": form})


@login_required
@require_GET
def drill_source(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Where every figure of a drill's release comes from: counts and kinds, never a team's result."""
    actor = actor_for_request(request)
    exercise = selectors.exercise_for_release(actor=actor, exercise_id=exercise_id)
    record = selectors.drill_record_read(actor=actor, exercise=exercise)
    sectors = dict(Organisation.Sector.choices)
    capabilities = dict(Capability.choices)
    return render(
        request,
        "publishing/drill_source.html",
        {
            "record": record,
            "sectors": [sectors.get(code, code) for code in record.sectors],
            "capabilities": [capabilities.get(code, code) for code in record.capabilities],
        },
    )


@login_required
@require_GET
def event_source(request: HttpRequest, event_id: int) -> HttpResponse:
    """Where every figure of a major event's summary comes from: counts, with small ones withheld."""
    actor = actor_for_request(request)
    event = selectors.event_for_release(actor=actor, event_id=event_id)
    record = selectors.event_record_read(actor=actor, event=event)
    return render(
        request,
        "publishing/event_source.html",
        {"record": record, "threshold": suppression_threshold()},
    )
