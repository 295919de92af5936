import pytest
from django.db import connection

from lionrock.immigration.enforcement import encryption
from lionrock.immigration.enforcement.models import Report
from tests.immigration.enforcement.factories import report_make

pytestmark = pytest.mark.django_db


def _raw(report: Report, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM enforcement_report WHERE id = %s", [report.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_a_reporters_contact_is_stored_encrypted_and_read_back_in_clear():
    report = report_make(reporter_name="陳大文", reporter_contact="9123 4567")
    assert "9123" not in _raw(report, "reporter_contact")
    assert "陳大文" not in _raw(report, "reporter_name")
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.reporter_name, fresh.reporter_contact) == ("陳大文", "9123 4567")


def test_an_anonymous_report_stores_no_contact_at_all():
    report = report_make()
    assert _raw(report, "reporter_contact") == ""
    assert Report.objects.get(pk=report.pk).is_anonymous


def test_values_sealed_with_a_retired_key_stay_readable_after_rotation(settings):
    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    sealed = encryption.encrypt("A123456(3)")
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"
    assert encryption.decrypt(sealed) == "A123456(3)"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = ""
    with pytest.raises(ValueError, match="could not be read"):
        encryption.decrypt(sealed)


def test_the_blind_index_is_stable_keyed_and_empty_for_nothing(settings):
    first = encryption.blind_index("A1234563")
    assert first == encryption.blind_index("A1234563")
    assert first != encryption.blind_index("A1234564")
    assert encryption.blind_index("") == ""
    settings.LIONROCK_FIELD_KEY = "another-key"
    assert encryption.blind_index("A1234563") != first


def test_rotating_keys_reseals_every_value_so_the_old_key_can_be_dropped(settings):
    from django.core.management import call_command

    from lionrock.immigration.enforcement import services
    from lionrock.immigration.enforcement.models import IdentityDocument
    from tests.immigration.enforcement.factories import immigration_make, officer_make

    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    report = report_make(reporter_contact="9123 4567")
    officer = officer_make()
    person = services.person_create(actor=officer, organisation=immigration_make(), name_en="CHAN Tai Man")
    services.identity_document_add(actor=officer, person=person, kind="hkid", number="A123456(3)")
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"
    call_command("enforcement_keys_rotate", stdout=__import__("io").StringIO())
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = ""
    assert Report.objects.get(pk=report.pk).reporter_contact == "9123 4567"
    assert IdentityDocument.objects.get().number == "A123456(3)"


def test_rotation_also_reseals_screening_records_which_share_the_keys(settings):
    from django.core.management import call_command

    from lionrock.immigration.screening.models import Case
    from tests.immigration.screening.factories import owed_case_make

    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    case = owed_case_make(name="SANTOS Maria")
    assert Case.objects.get(pk=case.pk).name_en == "SANTOS Maria"
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"
    call_command("enforcement_keys_rotate", stdout=__import__("io").StringIO())
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = ""
    assert Case.objects.get(pk=case.pk).name_en == "SANTOS Maria"


def test_after_rotation_the_same_document_on_two_persons_is_still_found(settings):
    from django.core.management import call_command

    from lionrock.immigration.enforcement import selectors, services
    from tests.immigration.enforcement.factories import immigration_make, officer_make

    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    officer = officer_make()
    first = services.person_create(actor=officer, organisation=immigration_make(), name_en="CHAN Tai Man")
    services.identity_document_add(actor=officer, person=first, kind="hkid", number="A123456(3)")
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"
    call_command("enforcement_keys_rotate", stdout=__import__("io").StringIO())
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = ""
    second = services.person_create(actor=officer, organisation=immigration_make(), name_en="Tai Man Chan Jr")
    services.identity_document_add(actor=officer, person=second, kind="hkid", number="a1234563")
    assert selectors.person_possible_duplicates(actor=officer, person=second) == [first]
