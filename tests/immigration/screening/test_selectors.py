"""Need-to-know: who sees which case and referral, which fields, and the audit row for every read."""

from __future__ import annotations

import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.screening import selectors, services
from lionrock.immigration.screening.models import Case, ServiceKind
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    department_make,
    officer_make,
    operation_make,
)
from tests.immigration.screening.factories import (
    offering_make,
    owed_case_make,
    provider_make,
    screener_make,
    supervisor_make,
)
from tests.immigration.screening.test_services import _identified_case

pytestmark = pytest.mark.django_db


def test_opening_a_case_is_an_audited_read():
    case = owed_case_make()
    officer = screener_make()
    selectors.case_get(actor=officer, reference=case.reference)
    entry = AuditEntry.objects.filter(action="screening.case.read").first()
    assert entry is not None and entry.target_id == str(case.pk) and entry.actor_user_id == officer.user.pk


def test_the_owed_list_is_audited_and_soonest_due_first():
    first, second = owed_case_make(), owed_case_make()
    second.due_at = first.due_at.replace(year=first.due_at.year - 1)
    second.save(update_fields=["due_at"])
    assert [c.pk for c in selectors.cases_owed(actor=supervisor_make())] == [second.pk, first.pk]
    assert AuditEntry.objects.filter(action="screening.case.read", summary="screenings owed").exists()


def test_revealing_a_hidden_name_is_audited_separately():
    case = owed_case_make(name="NGUYEN Van Hai")
    assert case.hide_name
    officer = screener_make()
    revealed = selectors.case_name_reveal(actor=officer, case=case)
    assert revealed.name_en == "NGUYEN Van Hai"
    assert AuditEntry.objects.filter(action="screening.case.name.read", target_id=str(case.pk)).count() == 1
    assert selectors.name_masked("NGUYEN Van Hai") == "N… V… H…"


def test_enforcement_officers_and_other_departments_see_no_case():
    case = owed_case_make()
    with pytest.raises(NotFound):
        selectors.case_get(actor=officer_make(), reference=case.reference)
    with pytest.raises(NotFound):
        selectors.case_get(actor=screener_make(organisation=department_make()), reference=case.reference)


def test_a_provider_sees_only_its_referrals_and_only_the_fields_its_service_needs():
    case = _identified_case()
    case.preferred_language = "Vietnamese"
    case.contact = "9123 4567"
    case.save(update_fields=["preferred_language", "contact"])
    supervisor = supervisor_make()
    shelter, shelter_user = provider_make("shelter-a")
    clinic, clinic_user = provider_make("legal-b")
    to_shelter = services.referral_create(
        actor=screener_make(),
        case=case,
        offering=offering_make(shelter, ServiceKind.SHELTER, supervisor),
        needs="A bed for two weeks",
        consent_given=True,
    )
    services.referral_create(
        actor=screener_make(),
        case=case,
        offering=offering_make(clinic, ServiceKind.LEGAL, supervisor),
        needs="Wage claim",
        consent_given=True,
    )
    seen = selectors.referrals_incoming(actor=shelter_user)
    assert [r.id for r in seen] == [to_shelter.pk]
    assert set(seen[0].fields) == {"name", "sex", "preferred_language", "needs"}
    assert seen[0].fields["preferred_language"] == "Vietnamese"
    assert "contact" not in seen[0].fields and "nationality" not in seen[0].fields
    with pytest.raises(NotFound):
        selectors.referral_incoming_get(actor=clinic_user, referral_id=to_shelter.pk)
    assert AuditEntry.objects.filter(
        action="screening.referral.read", actor_user_id=shelter_user.user.pk
    ).exists()


def test_providers_and_enforcement_officers_cannot_list_cases():
    _org, provider = provider_make("shelter-c")
    for actor in (provider, officer_make()):
        with pytest.raises(NotFound):
            selectors.cases_list(actor=actor)


def test_statistics_count_the_year_and_name_nobody():
    case = _identified_case()
    stats = selectors.statistics_for_year(actor=supervisor_make(), year=case.created_at.year)
    assert stats["screenings"] == 1 and stats["debriefings"] == 1
    assert stats["identified"] == {"trafficking_labour": 1}
    assert any(row["indicator__code"] == "CD-S1" for row in stats["indicator_frequency"])


def test_the_htcds_export_is_anonymised_and_audited():
    case = _identified_case()
    rows = selectors.htcds_export(actor=supervisor_make(), year=case.created_at.year)
    assert len(rows) == 1
    row = rows[0]
    assert row["trafficking_status"] == "actual" and "withholds documents" in row["methods_of_control"]
    assert case.name_en not in str(row) and case.reference not in str(row)
    assert AuditEntry.objects.filter(action="screening.export.htcds").exists()
    with pytest.raises(NotFound):
        selectors.htcds_export(actor=screener_make(), year=2026)


def test_reading_a_persons_screening_status_is_audited():
    case = _identified_case()
    supervisor = supervisor_make()
    assert (
        selectors.person_screening_status(actor=supervisor, person_id=case.person_id).status == "identified"
    )
    assert AuditEntry.objects.filter(
        action="screening.case.read", summary="person status", actor_user_id=supervisor.user.pk
    ).exists()


def test_a_persons_screenings_are_withheld_from_whoever_may_not_read_screening_records():
    case = _identified_case()
    assert selectors.person_screenings(actor=officer_make(), person=case.person) is None
    elsewhere = screener_make(organisation=department_make())
    assert selectors.person_screenings(actor=elsewhere, person=case.person) is None
    assert not AuditEntry.objects.filter(action="screening.case.read", summary="person status").exists()


def test_an_owed_screening_whose_case_is_not_open_yet_still_shows_the_person_as_owed():
    officer = officer_make()
    arrest = arrested_person_make(officer, operation_make(officer))
    screenings = selectors.person_screenings(actor=supervisor_make(), person=arrest.person)
    assert screenings is not None and len(screenings) == 1
    assert screenings[0].victim_status == Case.VictimStatus.SCREENING_OWED and screenings[0].case is None
    assert screenings[0].due_at == arrest.screening_owed.due_at
