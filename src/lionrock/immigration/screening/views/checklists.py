"""Screening checklists: the versions, one version's questions, activating one, importing a new one."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lionrock.core.accounts.access import NotFound, actor_for_request
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import checklists, selectors, services
from lionrock.immigration.screening.forms import (
    ChecklistImportForm,
)
from lionrock.immigration.screening.models import (
    Indicator,
)
from lionrock.immigration.screening.views.shared import (
    page_language,
)

UPLOAD_SESSION_KEY = "screening.checklist_upload"


@login_required
@require_GET
def checklist_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for_request(request)
    return render(
        request,
        "screening/checklists.html",
        {
            "checklists": selectors.checklists_list(actor=actor),
            "form": ChecklistImportForm(),
            "is_supervisor": actor.has_role(Role.SCREENING_SUPERVISOR),
        },
    )


@login_required
@require_GET
def checklist_detail(request: HttpRequest, checklist_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    checklist = selectors.checklist_get(actor=actor, checklist_id=checklist_id)
    language = page_language()
    groups: dict[str, list[Indicator]] = {}
    for indicator in checklist.indicators.all():
        groups.setdefault(str(Indicator.Dimension(indicator.dimension).label), []).append(indicator)
    return render(
        request,
        "screening/checklist_detail.html",
        {
            "checklist": checklist,
            "groups": [
                (label, [(i, i.text(language), i.questions(language)) for i in items])
                for label, items in groups.items()
            ],
            "rules": json.dumps(checklist.rules, indent=1, ensure_ascii=False),
            "used": selectors.checklist_is_used(checklist=checklist),
            "is_supervisor": actor.has_role(Role.SCREENING_SUPERVISOR),
        },
    )


@login_required
@require_POST
def checklist_activate(request: HttpRequest, checklist_id: int) -> HttpResponse:
    actor = actor_for_request(request)
    checklist = selectors.checklist_get(actor=actor, checklist_id=checklist_id)
    services.checklist_activate(actor=actor, checklist=checklist)
    messages.success(request, _("New screenings will use this checklist."))
    return redirect("screening:checklist", checklist_id=checklist.pk)


@login_required
@require_POST
def checklist_import(request: HttpRequest) -> HttpResponse:
    """Two steps: upload and preview (nothing stored), then confirm to load the version whole."""
    actor = actor_for_request(request)
    if not actor.has_role(Role.SCREENING_SUPERVISOR):
        raise NotFound
    form = ChecklistImportForm(request.POST, request.FILES)
    if request.POST.get("confirm") == "1":
        upload = request.session.pop(UPLOAD_SESSION_KEY, None)
        if not upload:
            messages.error(request, _("Upload the file again."))
            return redirect("screening:checklists")
        try:
            checklist = services.checklist_import(
                actor=actor,
                content=upload["content"].encode("utf-8"),
                filename=upload["name"],
                activate=bool(upload.get("activate")),
            )
        except ValidationFailed as exc:
            messages.error(request, str(exc))
            return redirect("screening:checklists")
        messages.success(request, _("Checklist %(name)s loaded.") % {"name": str(checklist)})
        return redirect("screening:checklist", checklist_id=checklist.pk)
    problems: list[str] = []
    definition = None
    if form.is_valid():
        upload_file = form.cleaned_data["file"]
        content = upload_file.read(checklists.MAX_BYTES + 1)
        try:
            definition = checklists.checklist_parse(
                checklists.document_load(content, filename=upload_file.name or "")
            )
        except checklists.ChecklistInvalid as exc:
            problems = exc.problems
        else:
            request.session[UPLOAD_SESSION_KEY] = {
                "name": upload_file.name,
                "content": content.decode("utf-8"),
                "activate": form.cleaned_data["activate"],
            }
    else:
        problems = [str(error) for errors in form.errors.values() for error in errors]
    counts: dict[str, int] = {}
    if definition is not None:
        for item in definition.indicators:
            label = str(Indicator.Dimension(item.dimension).label)
            counts[label] = counts.get(label, 0) + 1
    return render(
        request,
        "screening/checklist_preview.html",
        {
            "definition": definition,
            "problems": problems,
            "counts": sorted(counts.items()),
            "rules": json.dumps(definition.rules, indent=1, ensure_ascii=False) if definition else "",
        },
        status=400 if problems else 200,
    )
