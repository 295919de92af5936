from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Arrest, IdentityDocument, Operation, Person
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    department_make,
    immigration_make,
    officer_make,
    operation_make,
    person_make,
    report_make,
)

pytestmark = pytest.mark.django_db


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_officer_plans_an_operation_through_the_form():
    officer = officer_make()
    colleague = officer_make()
    client = client_signed_in(officer)
    response = client.post(
        "/enforcement/operations/new/",
        {
            "codename": "Contribute",
            "kind": "joint_labour",
            "planned_start": _local(timezone.now() + timedelta(days=2)),
            "lead_officer": officer.user.pk,
            "team": [colleague.user.pk],
            "publicity": ["leaflets"],
        },
    )
    operation = Operation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/operations/{operation.pk}/")
    assert list(operation.team.all()) == [colleague.user]


def test_an_officer_records_premises_and_an_arrest_and_sees_the_summary():
    officer = officer_make()
    operation = operation_make(officer)
    client = client_signed_in(officer)
    base = f"/enforcement/operations/{operation.pk}"
    client.post(
        f"{base}/premises/",
        {
            "address": "Site A, 303 Cheung Sha Wan Road",
            "district": "sham_shui_po",
            "premises_type": "renovation_site",
        },
    )
    premises = operation.premises.get()
    response = client.post(
        f"{base}/arrests/",
        {
            "name_en": "NGUYEN Van A",
            "sex": "M",
            "age_estimate": "34",
            "nationality": "vnm",
            "status_category": "illegal_immigrant",
            "document_kind": "hkid",
            "document_number": "A123456(4)",
            "role": "illegal_worker",
            "work_type": "construction",
            "premises": premises.pk,
            "arrested_at": _local(timezone.now() - timedelta(hours=2)),
            "offences": ["s38aa"],
        },
    )
    assert response.status_code == 302
    arrest = Arrest.objects.get()
    assert arrest.person.nationality == "VNM" and arrest.premises == premises
    assert IdentityDocument.objects.get().format_check == "invalid"
    assert arrest.screening_owed.reasons == ["illegal_worker", "illegal_immigrant"]
    page = client.get(f"{base}/").content.decode()
    assert "One person arrested: one suspected illegal worker (one man aged 34)." in page
    assert "Offences: s.38AA." in page


def test_an_arrest_with_an_offence_not_in_force_stores_neither_person_nor_document():
    officer = officer_make()
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        {
            "name_en": "LEE Director",
            "sex": "F",
            "status_category": "resident",
            "document_kind": "hkid",
            "document_number": "A123456(3)",
            "role": "company_officer",
            "arrested_at": "2020-03-01T10:00",
            "offences": ["s17i-officer"],
        },
    )
    assert response.status_code == 400 and "Not in force" in response.content.decode()
    assert Person.objects.count() == 0 and IdentityDocument.objects.count() == 0


def test_opening_a_person_is_audited_and_shows_the_document_in_clear_to_the_officer():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    from lionrock.immigration.enforcement import services

    services.identity_document_add(actor=officer, person=arrest.person, kind="hkid", number="CA182361(1)")
    page = client_signed_in(officer).get(f"/enforcement/persons/{arrest.person.pk}/").content.decode()
    assert "CA182361(1)" in page
    assert AuditEntry.objects.filter(
        action="enforcement.person.read", target_id=str(arrest.person.pk)
    ).exists()


def test_the_possible_duplicates_named_on_a_person_page_are_an_audited_read_of_their_records():
    from lionrock.immigration.enforcement import services

    officer = officer_make()
    operation = operation_make(officer)
    first, second = (arrested_person_make(officer, operation).person for _ in range(2))
    for person in (first, second):
        services.identity_document_add(actor=officer, person=person, kind="hkid", number="A123456(3)")
    page = client_signed_in(officer).get(f"/enforcement/persons/{second.pk}/").content.decode()
    assert first.name_en in page
    entry = AuditEntry.objects.get(action="enforcement.person.read", summary="possible duplicates")
    assert (entry.target_id, entry.actor_user_id) == (str(first.pk), officer.user.pk)


def test_other_departments_get_not_found_for_operations_and_persons():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    outsider = client_signed_in(officer_make(department_make()))
    assert outsider.get(f"/enforcement/operations/{arrest.operation.pk}/").status_code == 404
    assert outsider.get(f"/enforcement/persons/{arrest.person.pk}/").status_code == 404
    assert (
        outsider.post(
            f"/enforcement/operations/{arrest.operation.pk}/status/", {"status": "closed"}
        ).status_code
        == 404
    )


def test_the_operations_list_and_an_operation_page_use_a_bounded_number_of_queries(
    django_assert_max_num_queries,
):
    officer = officer_make()
    operation = None
    for n in range(5):
        operation = operation_make(officer, codename=f"Op {n}")
    for _n in range(8):
        arrested_person_make(officer, operation, offences=("s41", "s38aa"))
    client = client_signed_in(officer)
    with django_assert_max_num_queries(10):
        assert client.get("/enforcement/operations/").status_code == 200
    with django_assert_max_num_queries(19):
        assert client.get(f"/enforcement/operations/{operation.pk}/").status_code == 200


def test_screening_staff_and_officers_see_the_list_of_persons_awaiting_screening():
    officer = officer_make()
    arrested_person_make(officer, operation_make(officer, codename="Lantern"))
    page = client_signed_in(officer).get("/enforcement/screening-owed/").content.decode()
    assert "Lantern" in page and "Suspected illegal worker" in page
    home = client_signed_in(officer).get("/").content.decode()
    assert "Persons awaiting an initial screening" in home
    press = actor_for_user(person_make([Role.PRESS_OFFICER], immigration_make()))
    assert client_signed_in(press).get("/enforcement/screening-owed/").status_code == 404


def test_a_report_is_linked_to_an_operation_from_its_page():
    officer = officer_make()
    report = report_make()
    operation = operation_make(officer)
    client = client_signed_in(officer)
    client.post(f"/enforcement/reports/{report.reference}/link/", {"operation": operation.pk})
    report.refresh_from_db()
    assert report.operation == operation
    assert report.reference in client.get(f"/enforcement/operations/{operation.pk}/").content.decode()


def test_the_operations_offered_for_a_report_show_their_planned_day_in_hong_kong():
    """An operation planned for 06:00 on 10 March (22:00 on the 9th in UTC) is listed as 10 March."""
    officer = officer_make()
    report = report_make()
    planned = datetime(2025, 3, 10, 6, 0, tzinfo=ZoneInfo("Asia/Hong_Kong"))
    operation = operation_make(officer, codename="Dawn", planned_start=planned)
    page = client_signed_in(officer).get(f"/enforcement/reports/{report.reference}/").content.decode()
    assert f'<option value="{operation.pk}">Dawn (2025-03-10)</option>' in page


def test_an_officer_adds_a_document_to_a_person_and_a_malformed_number_is_kept_with_a_warning():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    client = client_signed_in(officer)
    url = f"/enforcement/persons/{arrest.person_id}/documents/"
    response = client.post(
        url, {"kind": "travel_document", "number": "L898902C3", "check_digit": "5"}, follow=True
    )
    assert "not well formed" in response.content.decode()
    document = IdentityDocument.objects.get()
    assert document.format_check == "invalid" and document.number == "L898902C3"
    bad = client.post(url, {"kind": "hkid", "number": "A123456(3)", "issuing_country": "H1K"}, follow=True)
    assert "three-letter" in bad.content.decode() and IdentityDocument.objects.count() == 1


def test_the_list_of_persons_awaiting_screening_is_an_audited_read():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    client_signed_in(officer).get("/enforcement/screening-owed/")
    entry = AuditEntry.objects.get(action="enforcement.person.read", summary="screening list")
    assert entry.target_id == str(arrest.person_id)


def test_a_person_already_recorded_in_another_operation_is_flagged_on_the_arrest_list():
    from lionrock.immigration.enforcement import selectors, services

    officer = officer_make()
    first = arrested_person_make(officer, operation_make(officer, codename="Earlier"))
    second = arrested_person_make(officer, operation_make(officer, codename="Later"))
    third = arrested_person_make(officer, operation_make(officer, codename="Later still"))
    for arrest in (first, second):
        services.identity_document_add(actor=officer, person=arrest.person, kind="hkid", number="A123456(3)")
    flagged = selectors.persons_flagged_as_possible_duplicates(
        actor=officer, persons=[first.person, second.person, third.person]
    )
    assert flagged == {first.person_id, second.person_id}
    page = client_signed_in(officer).get(f"/enforcement/operations/{second.operation_id}/").content.decode()
    assert "possible duplicate" in page


def _selected_status(page: str) -> str:
    import re

    menu = page.split('name="status"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([a-z]+)" selected>', menu)[0]


def test_the_status_menu_starts_at_the_status_the_operation_has():
    officer = officer_make()
    operation = operation_make(officer)
    services.operation_status_set(actor=officer, operation=operation, status="executed")
    page = client_signed_in(officer).get(f"/enforcement/operations/{operation.pk}/").content.decode()
    assert _selected_status(page) == "executed"
    assert 'value="planned"' not in page.split('name="status"', 1)[1].split("</select>", 1)[0]


def test_submitting_the_status_an_operation_already_has_changes_nothing():
    officer = officer_make()
    operation = operation_make(officer)
    services.operation_status_set(actor=officer, operation=operation, status="executed")
    client = client_signed_in(officer)
    response = client.post(
        f"/enforcement/operations/{operation.pk}/status/", {"status": "executed"}, follow=True
    )
    assert "The status is unchanged." in response.content.decode()
    assert AuditEntry.objects.filter(action="enforcement.operation.status").count() == 1


def test_executing_before_the_planned_start_warns_and_waits_for_the_officers_confirmation():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    client = client_signed_in(officer)
    url = f"/enforcement/operations/{operation.pk}/status/"
    response = client.post(url, {"status": "executed"})
    assert response.status_code == 400 and "is planned to start at" in response.content.decode()
    operation.refresh_from_db()
    assert operation.status == "planned"
    client.post(url, {"status": "executed", "started_early": "on"})
    operation.refresh_from_db()
    assert operation.status == "executed"
