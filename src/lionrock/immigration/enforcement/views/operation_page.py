"""The operation page and what its forms need (officers, premises and offences to choose, an existing
person's matches), shared by the pages that show it again with a form's errors."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, actor_for_request
from lionrock.immigration.enforcement import selectors
from lionrock.immigration.enforcement.forms import (
    ArrestForm,
    ExistingPersonForm,
    OperationStatusForm,
    PersonSearchForm,
    PremisesForm,
)
from lionrock.immigration.enforcement.models import Operation, Person
from lionrock.immigration.enforcement.summary import operation_summary


def officer_choices(actor: Actor, organisation_id: int) -> list[tuple[int, str]]:
    return [
        (user.pk, user.full_name or user.email)
        for user in selectors.enforcement_officers(actor=actor, organisation_id=organisation_id)
    ]


def offence_choices() -> list[tuple[str, str]]:
    """One choice per offence code; the row in force on the arrest date is chosen by the service."""
    seen: dict[str, str] = {}
    for offence in selectors.offences_catalogue():
        language = get_language()
        seen[offence.code] = _("%(section)s: %(offence)s") % {
            "section": offence.section_in(language),
            "offence": offence.title(language),
        }
    return list(seen.items())


def premises_choices(operation: Operation) -> list[tuple[int, str]]:
    return [(item.pk, item.address) for item in operation.premises.all()]


def operation_page(
    request: HttpRequest,
    operation: Operation,
    *,
    premises_form: PremisesForm | None = None,
    arrest_form: ArrestForm | None = None,
    search_form: PersonSearchForm | None = None,
    matches: list[Person] | None = None,
    chosen_person: Person | None = None,
    existing_form: ExistingPersonForm | None = None,
    status_form: OperationStatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_for_request(request)
    premises = list(operation.premises.all())
    arrests = selectors.operation_arrests(actor=actor, operation=operation)
    return render(
        request,
        "enforcement/operation_detail.html",
        {
            **person_matches_context(
                actor,
                operation,
                matches=matches,
                chosen_person=chosen_person,
                arrested_here={arrest.person_id for arrest in arrests},
                existing_form=existing_form,
            ),
            "search_form": search_form or PersonSearchForm(),
            "operation": operation,
            "premises": premises,
            "arrests": arrests,
            "summary": operation_summary(operation, premises, arrests),
            "possible_duplicates": selectors.persons_flagged_as_possible_duplicates(
                actor=actor, persons=[arrest.person for arrest in arrests]
            ),
            "reports": list(operation.reports.all()),
            "premises_form": premises_form or PremisesForm(),
            "arrest_form": arrest_form
            or ArrestForm(
                premises=premises_choices(operation),
                offences=offence_choices(),
                initial={"arrested_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
            ),
            "status_form": status_form or OperationStatusForm(operation=operation),
        },
        status=status,
    )


def person_matches_context(
    actor: Actor,
    operation: Operation,
    *,
    matches: list[Person] | None,
    chosen_person: Person | None = None,
    arrested_here: set[int] | None = None,
    existing_form: ExistingPersonForm | None = None,
) -> dict[str, object]:
    """What the "who was arrested" choice shows: the persons found (or the one chosen before a refusal),
    which may be recorded twice, which are already arrested in this operation, and the status at this
    arrest as last chosen."""
    persons = list(matches or [])
    if chosen_person is not None and all(person.pk != chosen_person.pk for person in persons):
        persons.insert(0, chosen_person)
    if arrested_here is None:
        arrested_here = set(operation.arrests.values_list("person_id", flat=True))
    return {
        "person_matches": persons,
        "searched": matches is not None,
        "search_limit": selectors.PERSON_SEARCH_LIMIT,
        "chosen_person_id": chosen_person.pk if chosen_person else None,
        "matches_flagged": selectors.persons_flagged_as_possible_duplicates(actor=actor, persons=persons),
        "arrested_here": arrested_here,
        "existing_form": existing_form or ExistingPersonForm(),
    }


def local_input(moment: datetime | None) -> str:
    """A moment as a datetime-local field shows it, in Hong Kong time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""
