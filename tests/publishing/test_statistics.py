"""Public statistics: small counts withheld everywhere they appear, larger ones shown, no sign-in."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lionrock.publishing.statistics import public_statistics, table_csv
from tests.publishing.factories import EMPLOYER, operation_with_arrests_make, workers

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


@pytest.fixture
def records():  # type: ignore[no-untyped-def]
    # January: four workers and one employer; February: two workers.
    operation_with_arrests_make(day=date(2026, 1, 15), people=[*workers(4), (EMPLOYER, "M", 45, ("s17i",))])
    operation_with_arrests_make(day=date(2026, 2, 10), people=workers(2), codename="Second")


def _table(key: str):  # type: ignore[no-untyped-def]
    return next(table for table in public_statistics(today=TODAY) if table.key == key)


def test_counts_below_the_threshold_are_shown_as_less_than_it(records) -> None:  # type: ignore[no-untyped-def]
    rows = dict(_table("arrests-by-month").rows)
    january, february = rows["2026-01"], rows["2026-02"]
    assert [cell.display for cell in january][:2] == ["4", "<3"]
    assert [cell.display for cell in february][:2] == ["<3", "0"]
    assert dict(_table("arrests-by-year").rows)["2026"][0].display == "6"


def test_the_threshold_is_configurable(records, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIONROCK_STATISTICS_MIN_COUNT = 5
    rows = dict(_table("arrests-by-month").rows)
    assert rows["2026-01"][0].display == "<5"
    settings.LIONROCK_STATISTICS_MIN_COUNT = 1
    assert dict(_table("arrests-by-month").rows)["2026-01"][1].display == "1"


def test_a_withheld_count_is_withheld_in_the_chart_and_the_csv_too(records) -> None:  # type: ignore[no-untyped-def]
    table = _table("arrests-by-month")
    labels = [bar["label"] for bar in table.chart()["bars"]]
    assert any(label.endswith(": <3") for label in labels)
    assert not any(label.endswith(": 1") or label.endswith(": 2") for label in labels)
    lines = table_csv(table).splitlines()
    assert lines[1].startswith("2026-01,4,<3") and lines[2].startswith("2026-02,<3,0")


def test_the_public_page_and_csv_need_no_sign_in_and_show_no_small_count(records) -> None:  # type: ignore[no-untyped-def]
    page = Client().get("/statistics/")
    html = page.content.decode()
    assert page.status_code == 200 and "&lt;3" in html and "<svg" in html and 'role="img"' in html
    csv = Client().get("/statistics/arrests-by-year.csv")
    assert csv["Content-Type"].startswith("text/csv") and "2026,6,<3" in csv.content.decode()
    assert Client().get("/statistics/nothing.csv").status_code == 404
