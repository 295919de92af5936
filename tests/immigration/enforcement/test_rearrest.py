"""A person met again at a later arrest: their immigration status then, the record and the screening owed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.models import Organisation
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Arrest, Person, ScreeningOwed
from tests.immigration.enforcement.factories import client_signed_in, officer_make, operation_make

pytestmark = pytest.mark.django_db


def _resident_arrested_as_employer(officer) -> Person:
    person = services.person_create(
        actor=officer,
        organisation=Organisation.objects.get(pk=officer.primary_organisation_id),
        name_en="CHAN Tai Man",
        sex="M",
        age_estimate=35,
        status_category=Person.StatusCategory.RESIDENT,
    )
    first = services.arrest_record(
        actor=officer,
        operation=operation_make(officer, codename="Spring"),
        person=person,
        role=Arrest.Role.EMPLOYER,
        arrested_at=timezone.now() - timedelta(days=200),
        offence_codes=["s17i"],
    )
    assert not ScreeningOwed.objects.filter(arrest=first).exists()
    return person


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


def test_a_resident_at_the_first_arrest_and_an_overstayer_at_the_second_is_owed_a_screening():
    officer = officer_make()
    chan = _resident_arrested_as_employer(officer)
    operation = operation_make(officer, codename="Autumn")
    client = client_signed_in(officer)
    search = client.post(f"/enforcement/operations/{operation.pk}/person-search/", {"find": "chan"})
    assert 'name="status_now"' in search.content.decode()
    response = client.post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        _arrest_form(existing_person=chan.pk, status_now="overstayer"),
        follow=True,
    )
    assert response.redirect_chain == [(f"/enforcement/operations/{operation.pk}/", 302)]
    page = response.content.decode()
    assert "Immigration status updated to: Overstayer." in page
    assert "owed an initial trafficking and forced-labour screening" in page
    chan.refresh_from_db()
    assert chan.status_category == Person.StatusCategory.OVERSTAYER
    second = Arrest.objects.get(operation=operation)
    assert second.person == chan and Person.objects.count() == 1
    assert second.screening_owed.reasons == ["illegal_worker"]
    entry = AuditEntry.objects.get(action="enforcement.person.status")
    assert (entry.target_id, entry.fields) == (str(chan.pk), ["previous", "status"])
    assert entry.actor_user_id == officer.user.pk


@pytest.mark.parametrize(
    ("status_now", "reasons"),
    [
        ("", None),
        (Person.StatusCategory.OVERSTAYER, None),
        (Person.StatusCategory.ILLEGAL_IMMIGRANT, ["illegal_immigrant"]),
        (Person.StatusCategory.FOREIGN_DOMESTIC_HELPER, ["foreign_domestic_helper"]),
    ],
)
def test_the_status_given_at_the_later_arrest_decides_whether_a_screening_is_owed(status_now, reasons):
    """Arrested twice as an employer: only the status at the second arrest can make them vulnerable."""
    officer = officer_make()
    chan = _resident_arrested_as_employer(officer)
    second = services.arrest_record_with_person(
        actor=officer,
        operation=operation_make(officer, codename="Autumn"),
        person=chan,
        role=Arrest.Role.EMPLOYER,
        arrested_at=timezone.now() - timedelta(hours=1),
        offence_codes=["s17i"],
        status_now=status_now,
    )
    owed = ScreeningOwed.objects.filter(arrest=second).first()
    assert (owed.reasons if owed else None) == reasons
    assert Person.objects.get(pk=chan.pk).status_category == (status_now or Person.StatusCategory.RESIDENT)


def test_a_refused_arrest_leaves_the_status_as_it_was_and_nothing_in_the_trail():
    officer = officer_make()
    chan = _resident_arrested_as_employer(officer)
    with pytest.raises(ValidationFailed):
        services.arrest_record_with_person(
            actor=officer,
            operation=operation_make(officer, codename="Autumn"),
            person=chan,
            role=Arrest.Role.ILLEGAL_WORKER,
            arrested_at=timezone.now() - timedelta(hours=1),
            offence_codes=["no-such-offence"],
            status_now=Person.StatusCategory.OVERSTAYER,
        )
    assert Person.objects.get(pk=chan.pk).status_category == Person.StatusCategory.RESIDENT
    assert not AuditEntry.objects.filter(action="enforcement.person.status").exists()


def test_a_status_that_has_not_changed_leaves_no_entry_in_the_trail():
    officer = officer_make()
    chan = _resident_arrested_as_employer(officer)
    services.arrest_record_with_person(
        actor=officer,
        operation=operation_make(officer, codename="Autumn"),
        person=chan,
        role=Arrest.Role.EMPLOYER,
        arrested_at=timezone.now() - timedelta(hours=1),
        offence_codes=["s17i"],
        status_now=Person.StatusCategory.RESIDENT,
    )
    assert not AuditEntry.objects.filter(action="enforcement.person.status").exists()


def test_a_status_at_this_arrest_with_a_new_person_is_refused_and_stores_nothing():
    officer = officer_make()
    operation = operation_make(officer)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/arrests/",
        _arrest_form(existing_person="", name_en="NGUYEN Van A", status_now="overstayer"),
    )
    assert response.status_code == 400
    assert "for a person chosen from the search" in response.content.decode()
    assert not Person.objects.exists() and not Arrest.objects.exists()
