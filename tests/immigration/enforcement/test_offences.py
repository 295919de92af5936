from datetime import date

import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.immigration.enforcement import selectors
from lionrock.immigration.enforcement.models import Offence
from tests.immigration.enforcement.factories import client_signed_in, department_make, officer_make

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_seeded_from_the_published_penalties():
    codes = set(Offence.objects.values_list("code", flat=True))
    assert codes == {"s17i", "s17i-officer", "s17j", "s38aa", "s41", "aiding-abetting", "forged-id-card"}
    assert Offence.objects.filter(code="s17i").count() == 2
    s17j = Offence.objects.get(code="s17j")
    assert (s17j.max_fine_hkd, s17j.max_imprisonment_months) == (150_000, 12)
    assert all(offence.title_zh for offence in Offence.objects.all())


def test_an_employer_arrested_before_august_2021_faces_the_old_s17i_maximum():
    offence = selectors.offence_in_force(code="s17i", on=date(2021, 7, 31))
    assert (offence.max_fine_hkd, offence.max_imprisonment_months) == (350_000, 36)


def test_an_employer_arrested_from_august_2021_faces_the_increased_s17i_maximum():
    offence = selectors.offence_in_force(code="s17i", on=date(2021, 8, 1))
    assert (offence.max_fine_hkd, offence.max_imprisonment_months) == (500_000, 120)


def test_company_officers_cannot_be_charged_under_s17i_before_the_2021_amendment():
    with pytest.raises(NotFound):
        selectors.offence_in_force(code="s17i-officer", on=date(2020, 1, 1))
    assert selectors.offence_in_force(code="s17i-officer", on=date(2022, 1, 1)).section == "s.17I (officers)"


def test_exactly_one_version_of_each_offence_is_in_force_on_any_day():
    for day in (date(2019, 5, 1), date(2021, 7, 31), date(2021, 8, 1), date(2026, 1, 1)):
        codes = list(selectors.offences_in_force(on=day).values_list("code", flat=True))
        assert len(codes) == len(set(codes))


def test_aiding_and_abetting_carries_the_penalty_of_the_principal_offence():
    offence = selectors.offence_in_force(code="aiding-abetting", on=date(2026, 1, 1))
    assert offence.penalty_as_principal and offence.max_fine_hkd is None


def test_officers_see_the_catalogue_on_a_chosen_date():
    client = client_signed_in(officer_make())
    response = client.get("/enforcement/offences/", {"on": "2020-06-01"})
    assert response.status_code == 200
    assert b"350,000" in response.content and b"500,000" not in response.content


def test_people_without_an_enforcement_role_do_not_find_the_catalogue_page():
    from lionrock.core.accounts.access import actor_for_user
    from tests.immigration.enforcement.factories import person_make

    user = person_make(["press_officer"], department_make())
    response = client_signed_in(actor_for_user(user)).get("/enforcement/offences/")
    assert response.status_code == 404


def test_the_api_lists_the_rows_in_force_on_a_date():
    client = client_signed_in(officer_make())
    rows = client.get("/api/enforcement/offences", {"on": "2021-08-01"}).json()
    s17i = [row for row in rows if row["code"] == "s17i"]
    assert len(s17i) == 1 and s17i[0]["max_fine_hkd"] == 500_000
    officers = next(row for row in rows if row["code"] == "s17i-officer")
    assert (officers["section"], officers["section_zh"]) == ("s.17I (officers)", "第17I條（公司高級人員）")  # noqa: RUF001


def test_penalties_read_as_the_ordinance_states_them():
    s17i = selectors.offence_in_force(code="s17i", on=date(2021, 8, 1))
    s17j = Offence.objects.get(code="s17j")
    old_s17i = selectors.offence_in_force(code="s17i", on=date(2021, 7, 31))
    assert s17i.penalty_display() == "HK$500,000 and imprisonment for 10 years"
    assert s17j.penalty_display() == "HK$150,000 and imprisonment for 1 year"
    assert old_s17i.penalty_display() == "HK$350,000 and imprisonment for 3 years"
    assert Offence(max_imprisonment_months=18).penalty_display() == "imprisonment for 18 months"
    assert Offence(penalty_as_principal=True).penalty_display() == "as for the principal offence"


def test_the_catalogue_page_shows_fines_with_separators_and_terms_in_years():
    response = client_signed_in(officer_make()).get("/enforcement/offences/")
    assert response.status_code == 200
    assert "HK$500,000" in response.text and "10 years" in response.text
    assert "120 months" not in response.text
