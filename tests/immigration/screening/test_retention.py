"""Enforcement's retention sweep and screening: victims are kept, the other cases stay without the person."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import services as enforcement
from lionrock.immigration.enforcement.models import Arrest, Person, ScreeningOwed
from lionrock.immigration.screening import services
from lionrock.immigration.screening.models import Case, Indicator, InitialScreening
from tests.immigration.screening.factories import (
    answers_make,
    interview_make,
    owed_case_make,
    screened_with_indicator,
    screener_make,
    supervisor_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_year(settings):
    settings.LIONROCK_PERSON_RETENTION_DAYS = 365


def _long_ago(case: Case) -> Case:
    """The arrest behind the case, and the person's record, two years old: due unless screening holds it."""
    then = timezone.now() - timedelta(days=730)
    Arrest.objects.filter(pk=case.owed.arrest_id).update(arrested_at=then)
    Person.objects.filter(pk=case.person_id).update(created_at=then)
    return case


def _screened_out() -> Case:
    case = _long_ago(owed_case_make(name="NGUYEN Van Hai"))
    services.initial_screening_record(
        actor=screener_make(),
        case=case,
        interview=interview_make(),
        answers=answers_make(Indicator.Stage.INITIAL),
        reasons="No indicator present; works for a relative, paid weekly, keeps own passport.",
    )
    case.refresh_from_db()
    assert case.stage == Case.Stage.SCREENED_OUT
    return case


def _decided(decision: str) -> Case:
    case = _long_ago(owed_case_make(name="NGUYEN Van Hai"))
    officer = screener_make()
    debriefing = screened_with_indicator(case, officer)
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(duration_minutes=95),
        exploitation="labour",
        answers=answers_make(
            Indicator.Stage.DEBRIEFING, {"DR-S1", "DR-M7", "EC-S1", "EC-M3", "CD-S1", "CD-S3"}
        ),
        decision=decision,
        decision_reasons="Recruited with false promises, passport kept, cannot leave the site.",
    )
    services.debriefing_review(actor=supervisor_make(), debriefing=debriefing, approve=True)
    case.refresh_from_db()
    return case


def test_a_person_screened_out_goes_and_the_case_stays_without_the_link():
    case = _screened_out()
    person_id, owed_id = case.person_id, case.owed_id
    result = enforcement.persons_retention_apply()
    assert result.persons == 1 and result.screenings_owed == 1
    assert not Person.objects.filter(pk=person_id).exists()
    assert not ScreeningOwed.objects.filter(pk=owed_id).exists()
    case.refresh_from_db()
    assert (case.person_id, case.owed_id) == (None, None)
    assert case.name_en == "NGUYEN Van Hai" and InitialScreening.objects.filter(case=case).exists()
    entry = AuditEntry.objects.get(action="screening.case.retention")
    assert entry.summary.endswith("screening cases 1") and "NGUYEN" not in entry.summary


def test_a_person_decided_not_a_victim_goes_too():
    case = _decided("not_identified")
    assert case.status == Case.Status.NOT_A_VICTIM
    assert enforcement.persons_retention_apply().persons == 1
    assert not Person.objects.exists()


def test_an_identified_victim_is_kept_however_old_the_arrest():
    case = _decided("trafficking_labour")
    assert case.status == Case.Status.IDENTIFIED
    result = enforcement.persons_retention_apply()
    assert (result.persons, result.held) == (0, 1)
    case.refresh_from_db()
    assert case.person_id is not None and Person.objects.filter(pk=case.person_id).exists()
    assert not AuditEntry.objects.filter(action="screening.case.retention").exists()


def test_a_possible_victim_awaiting_a_debriefing_is_kept():
    case = _long_ago(owed_case_make())
    screened_with_indicator(case, screener_make())
    case.refresh_from_db()
    assert case.stage == Case.Stage.DEBRIEFING_DUE
    assert enforcement.persons_retention_apply().held == 1
    assert Person.objects.filter(pk=case.person_id).exists()


def test_a_dry_run_leaves_the_cases_linked():
    case = _screened_out()
    assert enforcement.persons_retention_apply(dry_run=True).persons == 1
    case.refresh_from_db()
    assert case.person_id is not None and case.owed_id is not None
    assert not AuditEntry.objects.filter(action__endswith=".retention").exists()
