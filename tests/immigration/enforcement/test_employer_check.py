from datetime import date

import pytest

from lionrock.immigration.enforcement.employer_check import hkid_check, zone_check

TODAY = date(2026, 11, 25)
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
# The specimen with its expiry moved to 15 April 2034 and the check digits recomputed: a current passport.
CURRENT_PASSPORT = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F3404159ZE184226B<<<<<16"
)
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"


def test_a123456_3_is_a_well_formed_identity_card_number():
    result = hkid_check("A123456(3)", today=TODAY)
    assert result.well_formed and result.document_number == "A123456(3)"


def test_a_wrong_identity_card_check_character_is_explained():
    result = hkid_check("A123456(7)", today=TODAY)
    assert not result.well_formed and "check character" in result.message


def test_the_icao_specimen_passport_zone_passes_every_check_digit_and_is_expired():
    result = zone_check(SPECIMEN, today=TODAY)
    assert result.well_formed and result.kind == "td3"
    assert [line.ok for line in result.lines] == [True] * 5
    assert (result.document_type, result.document_number, result.issuing_country) == (
        "Passport",
        "L898902C3",
        "UTO",
    )
    assert result.expiry == date(2012, 4, 15) and result.expired is True


def test_a_pasted_zone_with_spaces_lower_case_and_blank_lines_is_read():
    messy = "\n  " + SPECIMEN.lower().replace("<<<<<", "<< <<<") + "  \n\n"
    assert zone_check(messy, today=TODAY).well_formed


def test_a_zone_pasted_without_its_line_breaks_is_cut_back_into_lines():
    assert zone_check(SPECIMEN.replace("\n", " "), today=TODAY).well_formed
    assert zone_check(TD1.replace("\n", ""), today=TODAY).kind == "td1"


def test_one_changed_character_fails_the_check_digits_that_cover_it():
    tampered = SPECIMEN.replace("L898902C3", "L898902C4")
    result = zone_check(tampered, today=TODAY)
    failed = [line.label for line in result.lines if not line.ok]
    assert not result.well_formed and failed == ["Document number check digit", "Composite check digit"]


def test_an_identity_card_zone_of_three_lines_is_checked():
    result = zone_check(TD1, today=TODAY)
    assert result.kind == "td1" and result.well_formed and result.document_type == "Identity card"


@pytest.mark.parametrize(
    "text", ["", "hello", "P<UTO" * 9, "<script>alert(1)</script>\n" * 2, "L898902C3\n" * 3]
)
def test_anything_that_is_not_a_zone_gets_a_clear_message_and_no_crash(text):
    result = zone_check(text, today=TODAY)
    assert not result.well_formed and result.message


def test_forbidden_characters_in_a_zone_of_the_right_shape_are_refused_cleanly():
    result = zone_check(SPECIMEN.replace("ERIKSSON", "ERIK$SON"), today=TODAY)
    assert not result.well_formed and result.message


@pytest.mark.django_db
def test_an_employer_checks_a123456_3_and_the_specimen_zone_on_the_public_page_and_nothing_is_kept():
    from django.test import Client

    from lionrock.core.audit.models import AuditEntry

    client = Client()
    assert client.get("/employer-check/").status_code == 200
    before = AuditEntry.objects.count()
    response = client.post("/employer-check/", {"hkid": "A123456(3)", "zone": SPECIMEN})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A123456(3)" in html and "L898902C3" in html and "Inspect the original identity card" in html
    assert "expired" in html and " style=" not in html
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_the_employer_page_asks_for_something_to_check():
    from django.test import Client

    html = Client().post("/employer-check/", {"hkid": "", "zone": ""}).content.decode()
    assert "Enter an identity card number or a machine-readable zone." in html


@pytest.mark.django_db
def test_the_employer_check_api_needs_no_account_and_answers_with_each_check():
    from django.test import Client

    response = Client().post(
        "/api/enforcement/employer-check",
        {"hkid": "A123456(4)", "zone": SPECIMEN},
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200
    assert [doc["well_formed"] for doc in body["documents"]] == [False, True]
    assert body["documents"][1]["expired"] is True and len(body["employer_duties"]) == 5
    empty = Client().post("/api/enforcement/employer-check", {}, content_type="application/json")
    assert empty.status_code == 422


def test_a_current_passport_passes_and_has_not_expired():
    result = zone_check(CURRENT_PASSPORT, today=TODAY)
    assert result.well_formed and result.expired is False and result.usable


def test_an_expired_passport_is_well_formed_but_not_usable_and_says_when_it_expired():
    result = zone_check(SPECIMEN, today=TODAY)
    assert result.well_formed and not result.usable
    assert "expired on" in result.message


@pytest.mark.django_db
def test_the_page_marks_an_expired_passport_as_expired_not_green_and_offers_no_record():
    from django.test import Client

    html = Client().post("/employer-check/", {"zone": SPECIMEN}).content.decode()
    assert '<span class="badge ok">Well formed</span>' not in html
    assert '<span class="badge bad">Expired</span>' in html
    assert "This travel document expired on 15 April 2012" in html
    assert 'action="/employer-check/record/"' not in html
    current = Client().post("/employer-check/", {"zone": CURRENT_PASSPORT}).content.decode()
    assert '<span class="badge ok">Well formed</span>' in current
    assert 'action="/employer-check/record/"' in current


@pytest.mark.django_db
def test_no_inspection_record_is_made_of_an_expired_document_on_the_page_or_through_the_api():
    from django.test import Client

    page = Client().post("/employer-check/record/", {"zone": SPECIMEN, "action": "download"})
    assert page.status_code == 400 and "expired" in page.content.decode()
    api = Client().post(
        "/api/enforcement/employer-check/record.pdf", {"zone": SPECIMEN}, content_type="application/json"
    )
    assert api.status_code in (400, 422) and "expired" in api.content.decode()


@pytest.mark.django_db
def test_the_employer_page_states_the_penalties_from_the_offence_catalogue_in_force():
    from django.test import Client

    from lionrock.immigration.enforcement.models import Offence

    html = Client().get("/employer-check/").content.decode()
    assert "HK$500,000 and imprisonment for 10 years" in html
    assert "s.17I (officers)" in html and "Director, manager, secretary or partner" in html
    assert "s.17J" in html and "HK$150,000 and imprisonment for 1 year" in html
    # The figures come from the catalogue: a change in the law shows without touching the page.
    Offence.objects.filter(code="s17i", effective_until__isnull=True).update(max_fine_hkd=600_000)
    assert "HK$600,000 and imprisonment for 10 years" in Client().get("/employer-check/").content.decode()


@pytest.mark.django_db
def test_the_penalties_on_the_employer_page_are_in_chinese_for_a_chinese_reader():
    from django.test import Client

    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hant").get("/employer-check/").content.decode()
    assert "第17I條（公司高級人員）" in html and "僱主公司的董事" in html  # noqa: RUF001
    assert "Director, manager, secretary" not in html
