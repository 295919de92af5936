import pytest
from django.test import Client

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.roles import Scope
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import services
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    department_make,
    officer_make,
    operation_make,
    report_make,
)

pytestmark = pytest.mark.django_db


def _bearer(actor, *scopes):
    _token, secret = account_services.token_create(
        actor=actor, organisation=actor.primary_organisation_id, name="tool", scopes=scopes
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_with_the_read_scope_lists_the_queue_without_reporter_details():
    officer = officer_make()
    report = report_make(reporter_contact="9123 4567")
    response = Client().get("/api/enforcement/reports", **_bearer(officer, Scope.ENFORCEMENT_READ))
    assert response.status_code == 200
    body = response.json()
    assert [row["reference"] for row in body] == [report.reference]
    assert "9123" not in response.content.decode() and body[0]["anonymous"] is False


def test_a_token_without_the_enforcement_scope_is_refused():
    officer = officer_make()
    report_make()
    response = Client().get("/api/enforcement/reports", **_bearer(officer, Scope.ACCOUNT_READ))
    assert response.status_code == 403 and "enforcement:read" in response.json()["detail"]


def test_a_hotline_report_is_logged_over_the_api_and_bad_input_is_refused():
    officer = officer_make()
    headers = _bearer(officer, Scope.ENFORCEMENT_WRITE)
    payload = {
        "channel": "email",
        "category": "illegal_work",
        "description": "Email tip",
        "address": "1 Road",
    }
    response = Client().post("/api/enforcement/reports", payload, content_type="application/json", **headers)
    assert response.status_code == 201 and response.json()["channel"] == "email"
    bad = Client().post(
        "/api/enforcement/reports",
        {**payload, "district": "<script>"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422


def test_the_screening_hook_lists_persons_awaiting_screening_over_the_api():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer, codename="Lantern"))
    rows = Client().get("/api/enforcement/screenings-owed", **_bearer(officer, Scope.ENFORCEMENT_READ)).json()
    assert [(row["arrest_id"], row["operation"]) for row in rows] == [(arrest.pk, "Lantern")]


def test_an_operation_summary_is_available_over_the_api():
    officer = officer_make()
    operation = operation_make(officer, codename="Lantern")
    arrested_person_make(officer, operation, age=22)
    body = (
        Client()
        .get(f"/api/enforcement/operations/{operation.pk}", **_bearer(officer, Scope.ENFORCEMENT_READ))
        .json()
    )
    assert body["arrests"] == 1 and "one man aged 22" in body["summary"]


def test_a_subject_access_export_has_the_decrypted_document_and_is_audited():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    services.identity_document_add(actor=officer, person=arrest.person, kind="hkid", number="G123456(A)")
    url = f"/api/enforcement/persons/{arrest.person_id}/export"
    body = Client().get(url, **_bearer(officer, Scope.ENFORCEMENT_READ)).json()
    assert body["identity_documents"][0]["number"] == "G123456(A)"
    assert body["arrests"][0]["offences"] == ["s.41"]
    entry = AuditEntry.objects.get(action="enforcement.person.read", summary="subject access export")
    assert entry.target_id == str(arrest.person_id)
    outsider = officer_make(department_make())
    assert Client().get(url, **_bearer(outsider, Scope.ENFORCEMENT_READ)).status_code == 404


def test_reports_of_another_department_are_not_listed():
    report_make()
    outsider = officer_make(department_make())
    rows = Client().get("/api/enforcement/reports", **_bearer(outsider, Scope.ENFORCEMENT_READ)).json()
    assert rows == []
