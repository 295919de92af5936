"""A person's page, their identity documents, the case of each arrest, the subject-access export, and the
list of initial screenings owed."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.forms import (
    CaseForm,
    IdentityDocumentForm,
)
from lionrock.immigration.enforcement.person_sections import person_sections_for


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """One person's record; opening it is an audited read of personal data."""
    actor = actor_for_request(request)
    person = selectors.person_get(actor=actor, person_id=person_id)
    return render(
        request,
        "enforcement/person_detail.html",
        {
            "person": person,
            "documents": selectors.identity_documents_of(actor=actor, person=person),
            "duplicates": selectors.person_possible_duplicates(actor=actor, person=person),
            "sections": person_sections_for(actor=actor, person=person),
            "document_form": IdentityDocumentForm(),
            "case_forms": [
                (
                    arrest,
                    CaseForm(
                        initial={
                            "stage": arrest.stage,
                            "plea": arrest.plea,
                            "fine_hkd": arrest.fine_hkd,
                            "imprisonment_months": arrest.imprisonment_months,
                            "suspended": arrest.suspended,
                        },
                        prefix=f"arrest-{arrest.pk}",
                    ),
                )
                for arrest in person.arrests.all()
            ],
        },
    )


@login_required
@require_POST
def identity_document_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """Adds a document to a person; a malformed number is kept with the check's verdict (it may be forged)."""
    actor = actor_for_request(request)
    person = selectors.person_get(actor=actor, person_id=person_id, purpose="add identity document")
    form = IdentityDocumentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(
                _("Check the document details: %(errors)s") % {"errors": form.errors.as_text()}
            )
        document = services.identity_document_add(actor=actor, person=person, **form.cleaned_data)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        if document.format_check == document.Check.INVALID:
            messages.warning(
                request,
                _("Recorded, but the number is not well formed: %(note)s") % {"note": document.check_note},
            )
        else:
            messages.success(request, _("Document recorded."))
    return redirect("enforcement:person", person_id=person.pk)


@login_required
@require_POST
def arrest_case(request: HttpRequest, arrest_id: int) -> HttpResponse:
    """Records case progress and the court outcome of one arrest."""
    actor = actor_for_request(request)
    arrest = selectors.arrest_get(actor=actor, arrest_id=arrest_id)
    form = CaseForm(request.POST, prefix=f"arrest-{arrest.pk}")
    try:
        if not form.is_valid():
            raise ValidationFailed(
                _("Check the case details: %(errors)s") % {"errors": form.errors.as_text()}
            )
        data = form.cleaned_data
        services.arrest_case_update(
            actor=actor,
            arrest=arrest,
            stage=data["stage"],
            plea=data.get("plea") or "",
            fine_hkd=data.get("fine_hkd"),
            imprisonment_months=data.get("imprisonment_months"),
            suspended=data.get("suspended", False),
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("enforcement:person", person_id=arrest.person_id)


@never_cache
@login_required
@require_POST
def person_export(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything held on the person, as the API's export gives it, downloaded as a JSON file.

    POST, from a button: every export is an audited read of the whole record, and a link could be fetched
    without the officer meaning to (a prefetching browser, a tab restored from history). Another
    department's person, or one that does not exist, is "not found".
    """
    actor = actor_for_request(request)
    export = selectors.person_export(actor=actor, person_id=person_id)
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person_id}-export.json"'
    return response


@login_required
@require_GET
def screenings_owed(request: HttpRequest) -> HttpResponse:
    """Persons awaiting an initial trafficking / forced-labour screening, soonest due first."""
    actor = actor_for_request(request)
    after = request.GET.get("after", "")
    owed, more = selectors.screenings_owed_page(
        actor=actor, after=int(after) if after.isdigit() and len(after) < 12 else None
    )
    return render(
        request, "enforcement/screenings_owed.html", {"owed": owed, "next": more, "now": timezone.now()}
    )
