"""The operations list, the persons awaiting screening and the arrest list's duplicate flags at a
department's real size: a page at a time, and queries that do not grow with the records kept."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.models import Organisation
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.models import Operation
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    officer_make,
    operation_make,
)

pytestmark = pytest.mark.django_db


def _operations_make(officer, count: int) -> list[Operation]:
    """Operations planned an hour apart, the latest last."""
    start = timezone.now() - timedelta(days=30)
    return Operation.objects.bulk_create(
        Operation(
            organisation=Organisation.objects.get(pk=officer.primary_organisation_id),
            codename=f"Lotus-{n:03d}",
            planned_start=start + timedelta(hours=n),
            lead_officer=officer.user,
        )
        for n in range(count)
    )


def _shown(page: str) -> list[str]:
    return re.findall(r"Lotus-\d{3}", page)


def test_the_operations_list_shows_fifty_latest_first_and_the_older_link_shows_the_rest(
    django_assert_num_queries,
):
    officer = officer_make()
    operations = _operations_make(officer, 55)
    client = client_signed_in(officer)
    client.get("/enforcement/operations/")  # the session's first request settles its own writes
    with django_assert_num_queries(6):
        first = client.get("/enforcement/operations/").content.decode()
    latest = [operation.codename for operation in reversed(operations)]
    assert _shown(first) == latest[:50]
    older = f"?older={operations[5].pk}"
    assert f'<a href="{older}">' in first
    with django_assert_num_queries(7):  # one more: where the page before ended
        second = client.get(f"/enforcement/operations/{older}").content.decode()
    assert _shown(second) == latest[50:] and 'class="pagination"' not in second


def test_the_operations_list_counts_the_premises_and_arrests_of_each_operation_shown():
    officer = officer_make()
    busy = operation_make(officer, codename="Busy")
    operation_make(officer, codename="Quiet")
    for address in ("1 Nathan Road", "2 Nathan Road"):
        services.premises_add(
            actor=officer,
            operation=busy,
            address=address,
            district="yau_tsim_mong",
            premises_type="restaurant",
        )
    for _n in range(3):
        arrested_person_make(officer, busy)
    rows, older = selectors.operations_page(actor=officer)
    counts = {row.codename: (row.premises_count, row.arrests_count) for row in rows}
    assert counts == {"Busy": (2, 3), "Quiet": (0, 0)} and older is None


def test_the_persons_awaiting_screening_are_listed_a_page_at_a_time_soonest_due_first():
    officer = officer_make()
    operation = operation_make(officer)
    now = timezone.now()
    arrests = [
        arrested_person_make(officer, operation, arrested_at=now - timedelta(hours=hours))
        for hours in (1, 3, 2)
    ]
    soonest = sorted(arrests, key=lambda arrest: arrest.arrested_at)
    rows, after = selectors.screenings_owed_page(actor=officer, size=2)
    assert [row.arrest_id for row in rows] == [soonest[0].pk, soonest[1].pk]
    assert after == rows[-1].pk
    page = client_signed_in(officer).get(f"/enforcement/screening-owed/?after={after}").content.decode()
    assert soonest[2].person.name_en in page and soonest[0].person.name_en not in page


def test_the_arrest_list_flags_the_same_name_and_birth_date_but_not_the_same_name_alone(
    django_assert_num_queries,
):
    officer = officer_make()
    organisation = Organisation.objects.get(pk=officer.primary_organisation_id)

    def person(name: str, born: date | None, nationality: str = "PHL"):
        return services.person_create(
            actor=officer,
            organisation=organisation,
            name_en=name,
            date_of_birth=born,
            age_estimate=None if born else 30,
            nationality=nationality,
        )

    twin = person("SANTOS Maria", date(1990, 5, 1))
    person("SANTOS Maria", date(1990, 5, 1))
    namesake = person("SANTOS Maria", date(1985, 1, 1))
    undated = person("REYES Ana", None, "PHL")
    person("REYES Ana", None, "PHL")
    other_country = person("REYES Ana", None, "IDN")
    for n in range(20):  # many more of the same name, none recorded twice
        person("SANTOS Maria", date(1960, 1, 1) + timedelta(days=n))
    page = [twin, namesake, undated, other_country]
    with django_assert_num_queries(2):  # the documents, then the exact (name, birth date) pairs
        flagged = selectors.persons_flagged_as_possible_duplicates(actor=officer, persons=page)
    assert flagged == {twin.pk, undated.pk}
