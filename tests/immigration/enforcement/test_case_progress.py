import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import services
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    department_make,
    officer_make,
    operation_make,
)

pytestmark = pytest.mark.django_db


def test_a_conviction_and_sentence_are_recorded_and_audited():
    officer = officer_make()
    arrest = arrested_person_make(
        officer, operation_make(officer), role="employer", status="resident", offences=("s17i",)
    )
    services.arrest_case_update(
        actor=officer, arrest=arrest, stage="convicted", plea="guilty", imprisonment_months=15, fine_hkd=None
    )
    arrest.refresh_from_db()
    assert (arrest.stage, arrest.plea, arrest.imprisonment_months) == ("convicted", "guilty", 15)
    assert AuditEntry.objects.filter(action="enforcement.arrest.case", target_id=str(arrest.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"stage": "prosecution", "fine_hkd": 5000}, "after a conviction"),
        ({"stage": "convicted", "suspended": True}, "imprisonment"),
        ({"stage": "convicted", "fine_hkd": -1}, "negative"),
        ({"stage": "<script>"}, "stage"),
        ({"stage": "convicted", "plea": "maybe"}, "plea"),
    ],
)
def test_an_impossible_case_outcome_is_refused_and_nothing_changes(fields, message):
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    with pytest.raises(ValidationFailed, match=message):
        services.arrest_case_update(actor=officer, arrest=arrest, **fields)
    arrest.refresh_from_db()
    assert arrest.stage == "investigation" and arrest.fine_hkd is None


def test_officers_of_another_department_cannot_touch_a_case():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    outsider = officer_make(department_make())
    with pytest.raises(NotFound):
        services.arrest_case_update(actor=outsider, arrest=arrest, stage="nfa")
    assert client_signed_in(outsider).post(f"/enforcement/arrests/{arrest.pk}/case/").status_code == 404


def test_case_progress_is_recorded_from_the_person_page():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    client = client_signed_in(officer)
    page = client.get(f"/enforcement/persons/{arrest.person_id}/").content.decode()
    assert f'action="/enforcement/arrests/{arrest.pk}/case/"' in page
    prefix = f"arrest-{arrest.pk}"
    client.post(
        f"/enforcement/arrests/{arrest.pk}/case/",
        {
            f"{prefix}-stage": "convicted",
            f"{prefix}-plea": "guilty",
            f"{prefix}-imprisonment_months": "2",
            f"{prefix}-suspended": "on",
        },
    )
    arrest.refresh_from_db()
    assert (arrest.stage, arrest.imprisonment_months, arrest.suspended) == ("convicted", 2, True)
