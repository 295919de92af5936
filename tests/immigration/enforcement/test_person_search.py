from datetime import date, timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.models import Organisation
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.models import Arrest, IdentityDocument, Operation, Person
from tests.immigration.enforcement.factories import (
    client_signed_in,
    department_make,
    officer_make,
    operation_make,
)

pytestmark = pytest.mark.django_db


def _person(officer, name_en: str = "CHAN Tai Man", name_zh: str = "", **values: object) -> Person:
    return services.person_create(
        actor=officer,
        organisation=Organisation.objects.get(pk=officer.primary_organisation_id),
        name_en=name_en,
        name_zh=name_zh,
        **values,
    )


def _search(officer, query: str) -> list[Person]:
    return selectors.persons_search(
        actor=officer, organisation_id=officer.primary_organisation_id, query=query
    )


# --- The search ---------------------------------------------------------------------------------------


def test_a_person_is_found_by_english_name_in_any_order_and_case_or_by_chinese_name():
    officer = officer_make()
    chan = _person(officer, "CHAN Tai Man", "陳大文")
    _person(officer, "WONG Siu Ming")
    assert _search(officer, "tai-man chan") == [chan]
    assert _search(officer, "Chan") == [chan]
    assert _search(officer, "陳大文") == [chan]


def test_a_person_is_found_by_a_document_number_typed_another_way_without_decrypting_any():
    officer = officer_make()
    holder = _person(officer)
    services.identity_document_add(actor=officer, person=holder, kind="hkid", number="A123456(3)")
    passport = _person(officer, "SANTOS Maria")
    services.identity_document_add(actor=officer, person=passport, kind="travel_document", number="L898902C3")
    assert _search(officer, "a 123456 3") == [holder]
    assert _search(officer, "l898902c3") == [passport]
    assert _search(officer, "A123456(4)") == []


def test_a_number_recorded_before_a_key_change_is_found_before_the_rotation_has_run(settings):
    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    officer = officer_make()
    holder = _person(officer)
    services.identity_document_add(actor=officer, person=holder, kind="hkid", number="A123456(3)")
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"
    assert _search(officer, "A123456(3)") == [holder]


def test_persons_of_another_department_are_never_found():
    officer = officer_make()
    outsider = officer_make(department_make())
    theirs = _person(outsider, "CHAN Tai Man")
    services.identity_document_add(actor=outsider, person=theirs, kind="hkid", number="A123456(3)")
    assert _search(officer, "Chan") == [] and _search(officer, "A123456(3)") == []


def test_showing_matches_is_an_audited_read_and_a_one_letter_search_finds_nobody():
    officer = officer_make()
    chan = _person(officer)
    assert _search(officer, "c") == []
    assert not AuditEntry.objects.filter(action="enforcement.person.read").exists()
    _search(officer, "chan")
    entry = AuditEntry.objects.get(action="enforcement.person.read")
    assert entry.target_id == str(chan.pk) and "existing person" in entry.summary


# --- The arrest form --------------------------------------------------------------------------------


def _arrest_form(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "sex": "X",
        "status_category": "other",
        "role": "illegal_worker",
        "work_type": "construction",
        "arrested_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "offences": ["s38aa"],
    }
    data.update(values)
    return data


def test_without_javascript_the_search_lists_matches_to_choose_on_the_operation_page():
    officer = officer_make()
    chan = _person(officer, "CHAN Tai Man", "陳大文", date_of_birth=date(1990, 5, 1), nationality="VNM")
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/person-search/", {"find": "chan"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" in page
    assert f'name="existing_person" value="{chan.pk}" form="arrest-form"' in page
    assert "陳大文" in page and "VNM" in page


def test_with_htmx_the_search_answers_only_the_list_of_matches():
    officer = officer_make()
    _person(officer, "CHAN Tai Man")
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/person-search/", {"find": "x"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" not in page and 'id="person-matches"' in page and "at least 2 characters" in page
    found = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/person-search/", {"find": "chan"}, HTTP_HX_REQUEST="true"
    )
    assert "CHAN Tai Man" in found.content.decode()


def test_the_search_takes_no_document_number_in_the_address():
    officer = officer_make()
    operation = operation_make(officer)
    response = client_signed_in(officer).get(
        f"/enforcement/operations/{operation.pk}/person-search/", {"find": "A123456(3)"}
    )
    assert response.status_code == 405


def test_a_person_who_may_be_recorded_twice_is_flagged_among_the_matches():
    officer = officer_make()
    for name in ("CHAN Tai Man", "Tai Man CHAN"):
        services.identity_document_add(
            actor=officer, person=_person(officer, name), kind="hkid", number="A123456(3)"
        )
    operation = operation_make(officer)
    page = (
        client_signed_in(officer)
        .post(f"/enforcement/operations/{operation.pk}/person-search/", {"find": "A123456(3)"})
        .content.decode()
    )
    assert page.count("possible duplicate") == 2


def test_an_arrest_of_an_existing_person_adds_no_second_record_of_them():
    officer = officer_make()
    chan = _person(officer, "CHAN Tai Man", status_category="illegal_immigrant")
    services.identity_document_add(actor=officer, person=chan, kind="hkid", number="A123456(3)")
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        _arrest_form(existing_person=chan.pk, document_kind="hkid", document_number="A1234563"),
    )
    assert response.status_code == 302
    arrest = Arrest.objects.get()
    assert arrest.person == chan and Person.objects.count() == 1
    assert IdentityDocument.objects.count() == 1
    assert arrest.screening_owed.reasons == ["illegal_worker", "illegal_immigrant"]
    assert Operation.objects.get(pk=operation.pk).status == "executed"


def test_a_new_document_shown_by_an_existing_person_is_added_to_their_record():
    officer = officer_make()
    chan = _person(officer)
    operation = operation_make(officer)
    client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        _arrest_form(existing_person=chan.pk, document_kind="travel_document", document_number="L898902C3"),
    )
    assert Arrest.objects.get().person == chan
    assert list(chan.documents.values_list("kind", flat=True)) == ["travel_document"]


def test_choosing_an_existing_person_and_describing_a_new_one_is_refused_and_stores_nothing():
    officer = officer_make()
    chan = _person(officer)
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        _arrest_form(existing_person=chan.pk, name_en="LEE Ka Yan"),
    )
    page = response.content.decode()
    assert response.status_code == 400 and "also described a new one" in page
    assert f'value="{chan.pk}" form="arrest-form" checked' in page
    assert Arrest.objects.count() == 0 and Person.objects.count() == 1


def test_a_person_of_another_department_cannot_be_chosen():
    officer = officer_make()
    outsider = officer_make(department_make())
    theirs = _person(outsider)
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/", _arrest_form(existing_person=theirs.pk)
    )
    assert response.status_code == 404 and Arrest.objects.count() == 0


def test_an_existing_person_already_arrested_in_the_operation_is_refused():
    officer = officer_make()
    chan = _person(officer)
    operation = operation_make(officer)
    client = client_signed_in(officer)
    url = f"/enforcement/operations/{operation.pk}/arrests/"
    client.post(url, _arrest_form(existing_person=chan.pk))
    again = client.post(url, _arrest_form(existing_person=chan.pk))
    assert again.status_code == 400 and "already recorded as arrested" in again.content.decode()
    search = client.post(f"/enforcement/operations/{operation.pk}/person-search/", {"find": "chan"})
    assert "already arrested in this operation" in search.content.decode()
    assert Arrest.objects.count() == 1


def test_another_department_cannot_search_through_an_operation():
    officer = officer_make()
    _person(officer)
    operation = operation_make(officer)
    outsider = client_signed_in(officer_make(department_make()))
    response = outsider.post(f"/enforcement/operations/{operation.pk}/person-search/", {"find": "chan"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="enforcement.person.read").exists()


def test_the_new_person_path_is_unchanged_when_nobody_is_chosen():
    officer = officer_make()
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        _arrest_form(existing_person="", name_en="NGUYEN Van A", sex="M", age_estimate="34"),
    )
    assert response.status_code == 302
    assert Arrest.objects.get().person.name_en == "NGUYEN Van A"
