"""Public cyber statistics: incidents reported (never drafts, never drill reports) and major-event readiness,
with small counts and thinly backed shares withheld."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from lionrock.cyber.events import services as events
from lionrock.cyber.events.models import ReadinessEntry, ReadinessItem
from lionrock.cyber.incidents.models import Incident
from lionrock.publishing.statistics import Table, public_statistics
from tests.cyber.events.factories import stage_make
from tests.cyber.incidents.factories import desk_make

pytestmark = pytest.mark.django_db


def _table(key: str) -> Table:
    return next(table for table in public_statistics() if table.key == key)


def _month() -> str:
    today = timezone.localdate()
    return f"{today.year}-{today.month:02d}"


@pytest.fixture
def desk():  # type: ignore[no-untyped-def]
    desk = desk_make()
    for n in range(3):
        desk.report(title=f"Reported {n}")
    desk.report(title="Red", tlp="red", recipients=[desk.handler.user.email])
    desk.report(title="Still a draft", submit=False)
    drill = desk.report(title="Filed during a drill")
    Incident.objects.filter(pk=drill.pk).update(is_exercise=True)
    return desk


def test_incidents_are_counted_by_month_without_drafts_or_drill_reports_and_red_ones_included(desk) -> None:  # type: ignore[no-untyped-def]
    assert dict(_table("cyber-incidents-by-month").rows)[_month()][0].display == "4"


def test_incidents_are_counted_by_sector_of_the_reporting_organisation(desk) -> None:  # type: ignore[no-untyped-def]
    table = _table("cyber-incidents-by-sector")
    year = str(timezone.localdate().year)
    assert table.columns == [year]
    label = desk.isp.get_sector_display()
    assert dict(table.rows)[label][0].display == "4"


def test_a_small_incident_count_is_withheld_in_the_table_the_chart_and_the_csv(desk, settings) -> None:  # type: ignore[no-untyped-def]
    settings.LIONROCK_STATISTICS_MIN_COUNT = 5
    cell = dict(_table("cyber-incidents-by-month").rows)[_month()][0]
    assert cell.display == "<5"
    assert cell.plotted == 0
    csv = Client().get("/statistics/cyber-incidents-by-month.csv").content.decode()
    assert f"{_month()},<5" in csv
    page = Client().get("/statistics/").content.decode()
    assert "Cyber incidents reported, by month" in page


def test_readiness_shares_are_given_per_sector_and_withheld_where_too_few_organisations_stand_behind_them(
    settings,
) -> None:  # type: ignore[no-untyped-def]
    stage = stage_make()
    items = list(ReadinessItem.objects.filter(version=stage.event.checklist_version).order_by("order"))
    events.readiness_set(
        actor=stage.isp,
        event=stage.event,
        organisation=stage.isp_org,
        item=items[0],
        status=ReadinessEntry.Status.DONE,
    )
    withheld = dict(_table(f"readiness-{stage.event.slug}").rows)
    label = stage.isp_org.get_sector_display()
    assert withheld[label][0].display == "—"
    settings.LIONROCK_STATISTICS_MIN_COUNT = 1
    shown = dict(_table(f"readiness-{stage.event.slug}").rows)
    assert shown[label][0].display == f"{round(100 / len(items))}%"
