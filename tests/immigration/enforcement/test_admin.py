"""The inspection admin: personal data is not browsable there, even by a superuser."""

import pytest
from django.contrib import admin

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.core.accounts.roles import Role
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Offence
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    immigration_make,
    officer_make,
    operation_make,
    person_make,
    report_make,
)

pytestmark = pytest.mark.django_db

PERSONAL = (
    "report",
    "reportattachment",
    "reportevent",
    "person",
    "identitydocument",
    "arrest",
    "screeningowed",
    "employercheckrecord",
)


@pytest.fixture
def superuser():
    user = person_make([Role.PLATFORM_ADMIN], immigration_make())
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    return client_signed_in(actor_for_user(user))


@pytest.mark.parametrize("model", PERSONAL)
def test_a_superuser_finds_no_admin_page_for_enforcement_personal_data(superuser, model):
    assert superuser.get(f"/admin/enforcement/{model}/").status_code == 404


def test_a_superuser_cannot_open_a_person_or_report_by_its_number_in_the_admin(superuser):
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    services.identity_document_add(actor=officer, person=arrest.person, kind="hkid", number="A1234563")
    report = report_make(reporter_contact="9123 4567")
    for path in (
        f"/admin/enforcement/person/{arrest.person.pk}/change/",
        f"/admin/enforcement/identitydocument/{arrest.person.documents.get().pk}/change/",
        f"/admin/enforcement/arrest/{arrest.pk}/change/",
        f"/admin/enforcement/report/{report.pk}/change/",
    ):
        response = superuser.get(path)
        assert response.status_code == 404, path
        assert arrest.person.name_en not in response.content.decode()


def test_the_offence_catalogue_is_still_there_to_inspect(superuser):
    page = superuser.get("/admin/enforcement/offence/")
    assert page.status_code == 200
    assert Offence.objects.first().section in page.content.decode()
    index = superuser.get("/admin/").content.decode()
    assert "/admin/enforcement/offence/" in index and "/admin/enforcement/report/" not in index


def test_only_the_offence_catalogue_of_enforcement_is_registered():
    """A model added to the admin later would be browsable without audit; this names the one allowed."""
    registered = {model for model in admin.site._registry if model._meta.app_label == "enforcement"}
    assert registered == {Offence}
