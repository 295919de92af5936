"""The inspection admin: screening records are not browsable there, even by a superuser."""

import pytest
from django.contrib import admin

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.core.accounts.roles import Role
from lionrock.immigration.screening.models import Checklist, ServiceOffering
from tests.immigration.enforcement.factories import client_signed_in, immigration_make, person_make
from tests.immigration.screening.factories import owed_case_make

pytestmark = pytest.mark.django_db

PERSONAL = ("case", "initialscreening", "debriefing", "answer", "referral")


@pytest.fixture
def superuser():
    user = person_make([Role.PLATFORM_ADMIN], immigration_make())
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    return client_signed_in(actor_for_user(user))


@pytest.mark.parametrize("model", PERSONAL)
def test_a_superuser_finds_no_admin_page_for_screening_records(superuser, model):
    assert superuser.get(f"/admin/screening/{model}/").status_code == 404


def test_a_superuser_cannot_open_a_case_by_its_number_in_the_admin(superuser):
    case = owed_case_make(name="NGUYEN Van Hai")
    response = superuser.get(f"/admin/screening/case/{case.pk}/change/")
    assert response.status_code == 404
    assert "NGUYEN" not in response.content.decode()


def test_the_checklists_are_still_there_to_inspect(superuser):
    page = superuser.get("/admin/screening/checklist/")
    assert page.status_code == 200
    assert Checklist.objects.get(is_active=True).code in page.content.decode()


def test_only_the_checklists_and_the_service_catalogue_are_registered():
    """Neither holds personal data; a screening record added to the admin would be read without audit."""
    registered = {model for model in admin.site._registry if model._meta.app_label == "screening"}
    assert registered == {Checklist, ServiceOffering}
