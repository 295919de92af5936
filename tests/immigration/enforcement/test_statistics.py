from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.statistics import statistics_compute
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    department_make,
    officer_make,
    operation_make,
    report_make,
)

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")
WHEN = datetime(2026, 3, 10, 10, tzinfo=HK)


def _world():
    officer = officer_make()
    operation = operation_make(officer, planned_start=WHEN)
    services.premises_add(
        actor=officer, operation=operation, address="1 Road", district="kwai_tsing", premises_type="warehouse"
    )
    for age, sex in ((22, "M"), (24, "M"), (40, "F")):
        arrested_person_make(officer, operation, age=age, sex=sex, offences=("s38aa",), arrested_at=WHEN)
    employer = arrested_person_make(
        officer, operation, role="employer", age=50, status="resident", offences=("s17i",), arrested_at=WHEN
    )
    services.arrest_case_update(actor=officer, arrest=employer, stage="convicted", imprisonment_months=15)
    report_make()
    return officer


def _rows(stats, key):
    return dict(next(series for series in stats.series if series.key == key).rows)


def test_the_dashboard_counts_arrests_by_role_sex_and_age_band_and_sets_sentences_against_maxima():
    officer = _world()
    stats = statistics_compute(actor=officer, since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert _rows(stats, "arrests_by_role") == {"Suspected illegal worker": 3, "Suspected employer": 1}
    assert _rows(stats, "arrests_by_sex") == {"Male": 3, "Female": 1}
    assert _rows(stats, "arrests_by_age_band") == {"18-25": 2, "36-45": 1, "46-55": 1}
    assert _rows(stats, "operations_by_district") == {"Kwai Tsing": 1}
    assert _rows(stats, "operations_by_month") == {"2026-03": 1}
    [row] = stats.sentences
    assert (row.section, row.convictions, row.mean_imprisonment_months, row.max_imprisonment_months) == (
        "s.17I",
        1,
        15.0,
        120,
    )


def test_another_departments_officer_counts_nothing_of_ours():
    _world()
    outsider = officer_make(department_make())
    stats = statistics_compute(actor=outsider, since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert all(series.rows == [] for series in stats.series)


def test_the_dashboard_page_and_its_csv_export(django_assert_max_num_queries):
    officer = _world()
    client = client_signed_in(officer)
    with django_assert_max_num_queries(20):
        page = client.get("/enforcement/statistics/", {"since": "2026-01-01", "until": "2026-12-31"})
    assert page.status_code == 200 and "Arrests by role" in page.content.decode()
    csv_text = client.get(
        "/enforcement/statistics/", {"since": "2026-01-01", "until": "2026-12-31", "format": "csv"}
    ).content.decode()
    assert csv_text.splitlines()[0] == "table,label,count"
    assert "arrests_by_role,Suspected illegal worker,3" in csv_text
