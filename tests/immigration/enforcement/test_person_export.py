"""Subject access from the person page: the same export as the API, downloaded, audited, department only."""

import json

import pytest
from django.test import Client

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import services
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    department_make,
    immigration_make,
    officer_make,
    operation_make,
    person_make,
)

pytestmark = pytest.mark.django_db


def _arrested_with_document():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    services.identity_document_add(actor=officer, person=arrest.person, kind="hkid", number="G123456(A)")
    return officer, arrest.person


def _export_url(person):
    return f"/enforcement/persons/{person.pk}/export/"


def test_the_person_page_offers_the_export_button_to_the_officer():
    officer, person = _arrested_with_document()
    page = client_signed_in(officer).get(f"/enforcement/persons/{person.pk}/").content.decode()
    assert "Export this person's data" in page
    assert f'action="{_export_url(person)}"' in page


def test_the_button_downloads_the_same_json_as_the_api_export():
    officer, person = _arrested_with_document()
    response = client_signed_in(officer).post(_export_url(person))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="person-{person.pk}-export.json"'
    assert "no-store" in response["Cache-Control"]
    downloaded = json.loads(response.content)
    _token, secret = account_services.token_create(
        actor=officer,
        organisation=officer.primary_organisation_id,
        name="subject access",
        scopes=[Scope.ENFORCEMENT_READ],
    )
    from_api = Client().get(
        f"/api/enforcement/persons/{person.pk}/export", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert downloaded == from_api.json()
    assert downloaded["identity_documents"][0]["number"] == "G123456(A)"
    assert downloaded["person"]["name_en"] == person.name_en


def test_each_download_is_audited_as_a_subject_access_read_of_that_person():
    officer, person = _arrested_with_document()
    client_signed_in(officer).post(_export_url(person))
    entry = AuditEntry.objects.get(action="enforcement.person.read", summary="subject access export")
    assert (entry.target_type, entry.target_id) == ("enforcement.person", str(person.pk))
    assert entry.actor_user_id == officer.user.pk


def test_another_department_and_other_roles_get_not_found_and_nothing_is_audited():
    _officer, person = _arrested_with_document()
    outsider = officer_make(department_make())
    screener = actor_for_user(person_make([Role.SCREENING_OFFICER], immigration_make()))
    for actor in (outsider, screener):
        response = client_signed_in(actor).post(_export_url(person))
        assert response.status_code == 404
        assert person.name_en not in response.content.decode()
    assert not AuditEntry.objects.filter(summary="subject access export").exists()


def test_the_export_is_not_given_by_a_link():
    """A GET (a followed or prefetched link) exports nothing and leaves no read in the trail."""
    officer, person = _arrested_with_document()
    assert client_signed_in(officer).get(_export_url(person)).status_code == 405
    assert not AuditEntry.objects.filter(summary="subject access export").exists()


def test_a_signed_out_visitor_is_sent_to_sign_in():
    _officer, person = _arrested_with_document()
    response = Client().post(_export_url(person))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")
