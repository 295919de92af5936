"""A reader of Traditional Chinese reads offences, countries and history in Chinese, whoever wrote them."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.countries import country_name
from lionrock.immigration.enforcement.models import ReportEvent
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    immigration_make,
    officer_make,
    operation_make,
    report_make,
)

pytestmark = pytest.mark.django_db


def _in_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    return client


@pytest.mark.parametrize(
    ("code", "english", "chinese"),
    [("VNM", "Vietnam", "越南"), ("PHL", "Philippines", "菲律賓"), ("IDN", "Indonesia", "印尼")],
)
def test_a_nationality_code_is_named_in_the_readers_language(code, english, chinese):
    assert country_name(code, "en") == english
    assert country_name(code, "zh-hant") == chinese


def test_a_code_no_country_has_is_shown_as_recorded():
    assert country_name("UTO", "zh-hant") == "UTO"


def test_the_operation_and_person_pages_in_chinese_name_the_country_and_the_offence_in_chinese():
    officer = officer_make()
    operation = operation_make(officer)
    arrest = arrested_person_make(
        officer, operation, role="company_officer", status="resident", offences=("s17i-officer",)
    )
    client = _in_chinese(client_signed_in(officer))
    operation_page = client.get(f"/enforcement/operations/{operation.pk}/").content.decode()
    person_page = client.get(f"/enforcement/persons/{arrest.person.pk}/").content.decode()
    for page in (operation_page, person_page):
        assert "菲律賓" in page and ">PHL<" not in page
        assert "第17I條（公司高級人員）" in page  # noqa: RUF001
        assert "s.17I (officers)" not in page


def test_the_offence_catalogue_and_the_arrest_form_in_chinese_use_the_chinese_names():
    officer = officer_make()
    operation = operation_make(officer)
    client = _in_chinese(client_signed_in(officer))
    catalogue = client.get("/enforcement/offences/").content.decode()
    assert "第17I條（公司高級人員）" in catalogue and "僱主公司的董事" in catalogue  # noqa: RUF001
    assert "Director, manager, secretary" not in catalogue and "Immigration Ordinance" not in catalogue
    form = client.get(f"/enforcement/operations/{operation.pk}/").content.decode()
    assert "第41條：違反逗留條件" in form and "s.41: Breach" not in form  # noqa: RUF001


def test_the_arrest_statistics_in_chinese_count_nationalities_by_country_name():
    officer = officer_make()
    operation = operation_make(officer)
    arrested_person_make(officer, operation)
    page = _in_chinese(client_signed_in(officer)).get("/enforcement/statistics/").content.decode()
    assert "菲律賓" in page


def _history(client, report, language="en") -> str:
    page = client.get(f"/enforcement/reports/{report.reference}/").content.decode()
    with translation.override(language):
        caption = translation.gettext("History of the report")
    return page.split(caption, 1)[1].split("</table>", 1)[0]


def test_a_priority_change_made_in_english_reads_in_chinese_and_in_english():
    organisation = immigration_make()
    officer = officer_make(organisation)
    report = report_make(organisation)
    with translation.override("en"):
        services.report_prioritise(actor=officer, report=report, priority=3)
    chinese = _history(_in_chinese(client_signed_in(officer)), report, "zh-hant")
    english = _history(client_signed_in(officer), report)
    assert "一般 → 高" in chinese and "Normal" not in chinese and "Online form" not in chinese
    assert "Normal → High" in english and "一般" not in english


def test_a_history_written_by_a_chinese_reader_reads_in_english():
    organisation = immigration_make()
    officer = officer_make(organisation)
    report = report_make(organisation)
    with translation.override("zh-hant"):
        services.report_prioritise(actor=officer, report=report, priority=3)
        services.report_close(actor=officer, report=report, outcome="no_offence", note="地址不存在")
    english = _history(client_signed_in(officer), report)
    assert "Normal → High" in english and "No offence found: 地址不存在" in english


def test_history_entries_stored_as_sentences_are_moved_to_facts_in_either_language():
    migration = importlib.import_module("lionrock.immigration.enforcement.migrations.0009_report_event_facts")
    organisation = immigration_make()
    officer_make(organisation)
    report = report_make(organisation)
    ReportEvent.objects.filter(report=report).delete()
    stored = [
        ("received", "Hotline"),
        ("prioritised", "Normal → High"),
        ("prioritised", "一般 → 高"),
        ("assigned", "無人"),
        ("closed", "No offence found: the address does not exist"),
        ("note", "R-2026-000001 merged into this report"),
        ("note", "Seen on site at 6 am"),
    ]
    for kind, detail in stored:
        ReportEvent.objects.create(report=report, kind=kind, detail=detail)
    migration.forwards(apps, None)
    events = list(ReportEvent.objects.filter(report=report).order_by("pk"))
    assert [event.data for event in events] == [
        {"channel": "hotline"},
        {"before": 2, "after": 3},
        {"before": 2, "after": 3},
        {"assignee": None, "name": ""},
        {"outcome": "no_offence"},
        {"merged": "R-2026-000001"},
        {},
    ]
    assert events[4].detail == "the address does not exist" and events[6].detail == "Seen on site at 6 am"
    with translation.override("zh-hant"):
        assert [event.detail_display() for event in events[:4]] == ["熱線", "一般 → 高", "一般 → 高", "無人"]


def test_chinese_pages_put_full_width_colons_after_labels_and_never_double_punctuation():
    import re

    organisation = immigration_make()
    officer = officer_make(organisation)
    operation = operation_make(officer, publicity=["leaflets", "talks"])
    arrest = arrested_person_make(officer, operation)
    report = report_make(organisation)
    services.report_prioritise(actor=officer, report=report, priority=3)
    client = _in_chinese(client_signed_in(officer))
    pages = [
        client.get(f"/enforcement/operations/{operation.pk}/").content.decode(),
        client.get(f"/enforcement/persons/{arrest.person.pk}/").content.decode(),
        client.get(f"/enforcement/reports/{report.reference}/").content.decode(),
        client.get("/enforcement/offences/").content.decode(),
        client.get("/report/").content.decode(),
        client.post("/report/", {}).content.decode(),
        client.post("/employer-check/", {"zone": "L898902C3"}).content.decode(),
        client.post("/employer-check/records/", {"reference": "", "code": ""}).content.decode(),
    ]
    for page in pages:
        text = re.sub(r"<[^>]+>", "", page.split("<main", 1)[1])
        assert not re.search(r"[\u3400-\u9fff][:,] ", text)
        assert not re.search("[，。：；？！][，。：；？！]", text)  # noqa: RUF001
