"""A reader of Traditional Chinese reads offences, countries and history in Chinese, whoever wrote them."""

import pytest
from django.conf import settings

from lionrock.immigration.enforcement.countries import country_name
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    officer_make,
    operation_make,
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
