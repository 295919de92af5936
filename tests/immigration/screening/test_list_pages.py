"""The case list and the queue at a department's real size: a page at a time, newest (or soonest due)
first, each page costing the same queries whatever the number of cases."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lionrock.core.accounts.models import Organisation
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.screening import selectors
from lionrock.immigration.screening.models import Case
from tests.immigration.screening.factories import client_signed_in, owed_case_make, supervisor_make

pytestmark = pytest.mark.django_db


def _cases_make(organisation: Organisation, count: int) -> list[Case]:
    """Cases of people who came forward, one a minute apart, the newest last."""
    start = timezone.now() - timedelta(days=1)
    return Case.objects.bulk_create(
        Case(
            organisation=organisation,
            reference=f"SC-2026-{n + 100:05d}",
            origin=Case.Origin.CAME_FORWARD,
            name_en=f"Person {n}",
            due_at=start + timedelta(days=2),
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    )


def _shown(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"SC-2026-\d{5}", page)))


def test_the_case_list_shows_fifty_newest_first_and_the_older_link_shows_the_rest(
    django_assert_num_queries,
):
    supervisor = supervisor_make()
    cases = _cases_make(Organisation.objects.get(pk=supervisor.primary_organisation_id), 55)
    client = client_signed_in(supervisor)
    client.get(reverse("screening:cases"))  # the session's first request settles its own writes
    audit_lock = 1 if connection.vendor == "postgresql" else 0  # the read's audit row takes the chain's lock
    with django_assert_num_queries(10 + audit_lock):
        first = client.get(reverse("screening:cases")).content.decode()
    newest = [case.reference for case in reversed(cases)]
    assert _shown(first) == newest[:50]
    older = f"?older={cases[5].pk}"
    assert f'<a href="{older}">' in first
    with django_assert_num_queries(11 + audit_lock):  # one more: where the page before ended
        second = client.get(f"{reverse('screening:cases')}{older}").content.decode()
    assert _shown(second) == newest[50:] and 'class="pagination"' not in second


def test_a_page_of_cases_records_as_read_only_the_cases_it_shows():
    supervisor = supervisor_make()
    cases = _cases_make(Organisation.objects.get(pk=supervisor.primary_organisation_id), 3)
    rows, older = selectors.cases_page(actor=supervisor, size=2)
    assert [case.pk for case in rows] == [cases[2].pk, cases[1].pk] and older == cases[1].pk
    entry = AuditEntry.objects.get(action="screening.case.read", summary="case list")
    assert entry.target_id == "2 records"  # the third, fetched to know a next page exists, is not shown
    rows, older = selectors.cases_page(actor=supervisor, size=2, older_than=cases[1].pk)
    assert [case.pk for case in rows] == [cases[0].pk] and older is None


def test_the_queue_pages_the_owed_screenings_soonest_due_first():
    first, second = owed_case_make(), owed_case_make()
    Case.objects.filter(pk=second.pk).update(due_at=first.due_at - timedelta(hours=1))
    supervisor = supervisor_make(Organisation.objects.get(pk=first.organisation_id))
    rows, after = selectors.cases_owed_page(actor=supervisor, size=1)
    assert [case.pk for case in rows] == [second.pk] and after == second.pk
    page = client_signed_in(supervisor).get(f"{reverse('screening:queue')}?after={after}").content.decode()
    assert first.reference in page and second.reference not in page


def test_the_case_list_is_read_in_order_from_an_index_not_sorted_after_reading_every_case():
    """With SQLite's sampled statistics a department's cases looked few, and the list read all of them
    through the organisation index and sorted them (144 ms at 80,000 cases)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the plan asserted is SQLite's; PostgreSQL chooses with its own statistics")
    supervisor = supervisor_make()
    query = selectors.cases_visible(actor=supervisor).order_by("-created_at", "-pk").values("pk")[:51].query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "case_list_idx" in plan and "TEMP B-TREE" not in plan
