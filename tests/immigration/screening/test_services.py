"""Initial screening, debriefing, four eyes, referrals and consent: the writes and what they refuse."""

from __future__ import annotations

import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement.models import ScreeningOwed
from lionrock.immigration.screening import services
from lionrock.immigration.screening.explanation import explanation_sentences
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Debriefing,
    Indicator,
    InitialScreening,
    Referral,
    ServiceKind,
)
from tests.immigration.screening.factories import (
    answers_make,
    checklist,
    interview_make,
    offering_make,
    owed_case_make,
    provider_make,
    screened_with_indicator,
    screener_make,
    supervisor_make,
)

pytestmark = pytest.mark.django_db

TRAFFICKED = {"DR-S1", "DR-M7", "EC-S1", "EC-M3", "CD-S1", "CD-S3"}


def test_an_arrest_of_a_vulnerable_person_opens_a_case_due_when_the_screening_is_owed():
    case = owed_case_make()
    assert case.stage == Case.Stage.AWAITING_SCREENING
    assert case.due_at == case.owed.due_at
    assert case.name_en.startswith("Person")


def test_the_hook_opens_the_case_when_the_arrest_commits(django_capture_on_commit_callbacks):
    from tests.immigration.enforcement.factories import arrested_person_make, officer_make, operation_make

    officer = officer_make()
    operation = operation_make(officer)
    with django_capture_on_commit_callbacks(execute=True):
        arrest = arrested_person_make(officer, operation)
    assert Case.objects.filter(owed=arrest.screening_owed).count() == 1


def test_names_are_encrypted_at_rest():
    from django.db import connection

    case = owed_case_make(name="NGUYEN Van Hai")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name_en FROM screening_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert "NGUYEN" not in stored


def test_one_indicator_requires_an_assigned_debriefing_and_fulfils_the_owed_screening():
    case = owed_case_make()
    officer = screener_make()
    debriefing = screened_with_indicator(case, officer)
    case.refresh_from_db()
    assert case.stage == Case.Stage.DEBRIEFING_DUE and case.status == Case.Status.POSSIBLE
    assert debriefing.assigned_to == officer.user and debriefing.due_at > case.created_at
    assert debriefing.checklist == checklist()
    owed = ScreeningOwed.objects.get(pk=case.owed_id)
    assert owed.fulfilled_reference == case.reference


def test_no_indicator_screens_out_only_with_reasons():
    case = owed_case_make()
    officer = screener_make()
    answers = answers_make(Indicator.Stage.INITIAL)
    with pytest.raises(ValidationFailed, match="reasons"):
        services.initial_screening_record(
            actor=officer, case=case, interview=interview_make(), answers=answers
        )
    assert not InitialScreening.objects.filter(case=case).exists()
    services.initial_screening_record(
        actor=officer,
        case=case,
        interview=interview_make(),
        answers=answers,
        reasons="Works for a relative; free to leave.",
    )
    case.refresh_from_db()
    assert case.stage == Case.Stage.SCREENED_OUT and case.status == Case.Status.NOT_A_VICTIM
    assert not Debriefing.objects.filter(case=case).exists()


def test_a_missing_answer_is_refused_and_nothing_is_half_saved():
    case = owed_case_make()
    answers = answers_make(Indicator.Stage.INITIAL, {"IS-1"})
    del answers["IS-4"]
    with pytest.raises(ValidationFailed, match="IS-4"):
        services.initial_screening_record(
            actor=screener_make(), case=case, interview=interview_make(), answers=answers
        )
    case.refresh_from_db()
    assert case.stage == Case.Stage.AWAITING_SCREENING
    assert not Answer.objects.exists() and not Debriefing.objects.exists()
    assert ScreeningOwed.objects.get(pk=case.owed_id).fulfilled_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"breaks_offered": 1, "breaks_taken": 2}, "Breaks taken"),
        ({"duration_minutes": 0}, "length"),
        ({"language": " "}, "language"),
    ],
)
def test_impossible_interview_details_are_refused(changes, message):
    case = owed_case_make()
    with pytest.raises(ValidationFailed, match=message):
        services.initial_screening_record(
            actor=screener_make(),
            case=case,
            interview=interview_make(**changes),
            answers=answers_make(Indicator.Stage.INITIAL, {"IS-1"}),
        )


def test_enforcement_officers_cannot_screen():
    from tests.immigration.enforcement.factories import officer_make

    case = owed_case_make()
    with pytest.raises(NotFound):
        services.initial_screening_record(
            actor=officer_make(),
            case=case,
            interview=interview_make(),
            answers=answers_make("initial", {"IS-1"}),
        )


def _debriefed(decision: str = "trafficking_labour", yes: set[str] = TRAFFICKED) -> tuple[Debriefing, object]:
    case = owed_case_make()
    officer = screener_make()
    debriefing = screened_with_indicator(case, officer)
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(duration_minutes=95),
        exploitation="labour",
        answers=answers_make(Indicator.Stage.DEBRIEFING, yes),
        decision=decision,
        decision_reasons="Recruited with false promises, passport kept, cannot leave the site.",
    )
    debriefing.refresh_from_db()
    return debriefing, officer


def test_the_debriefing_recommendation_and_its_plain_explanation():
    debriefing, _officer = _debriefed()
    assert debriefing.recommendation == Debriefing.Recommendation.TRAFFICKING_LABOUR
    assert debriefing.state == Debriefing.State.SUBMITTED
    indicators = {i.code: i for i in debriefing.checklist.indicators.all()}
    text = " ".join(explanation_sentences(debriefing.explanation, indicators, "en"))
    assert "Deceptive recruitment (incl. transfer and transport): present" in text
    assert "Deceived about the nature of the job, location or employer" in text
    assert "The trafficking rule is met" in text
    assert "Retention of identity documents" in text
    assert "Coercive recruitment: no indicator present." in text


def test_a_decision_without_reasons_is_refused():
    case = owed_case_make()
    officer = screener_make()
    debriefing = screened_with_indicator(case, officer)
    with pytest.raises(ValidationFailed, match="reasons"):
        services.debriefing_record(
            actor=officer,
            debriefing=debriefing,
            interview=interview_make(),
            exploitation="labour",
            answers=answers_make(Indicator.Stage.DEBRIEFING),
            decision="not_identified",
            decision_reasons="  ",
        )
    debriefing.refresh_from_db()
    assert debriefing.state == Debriefing.State.ASSIGNED and not debriefing.answers.exists()


def test_the_officer_may_decide_differently_from_the_recommendation():
    debriefing, _officer = _debriefed(decision="forced_labour")
    assert debriefing.recommendation == "trafficking_labour" and debriefing.decision == "forced_labour"


def test_a_supervisor_cannot_approve_their_own_decision():
    case = owed_case_make()
    supervisor = supervisor_make()
    debriefing = screened_with_indicator(case, supervisor)
    services.debriefing_record(
        actor=supervisor,
        debriefing=debriefing,
        interview=interview_make(),
        exploitation="labour",
        answers=answers_make(Indicator.Stage.DEBRIEFING, TRAFFICKED),
        decision="trafficking_labour",
        decision_reasons="As recommended.",
    )
    with pytest.raises(ValidationFailed, match="four eyes"):
        services.debriefing_review(actor=supervisor, debriefing=debriefing, approve=True)
    debriefing.refresh_from_db()
    assert debriefing.state == Debriefing.State.SUBMITTED


def test_an_officer_cannot_approve():
    debriefing, _officer = _debriefed()
    with pytest.raises(NotFound):
        services.debriefing_review(actor=screener_make(), debriefing=debriefing, approve=True)


def test_approval_sets_the_status_on_the_case_and_the_person():
    from lionrock.immigration.screening import selectors

    debriefing, _officer = _debriefed()
    supervisor = supervisor_make()
    services.debriefing_review(actor=supervisor, debriefing=debriefing, approve=True)
    case = Case.objects.get(pk=debriefing.case_id)
    assert case.status == Case.Status.IDENTIFIED and case.victim_type == Case.VictimType.TRAFFICKING_LABOUR
    assert selectors.person_screening_status(actor=supervisor, person_id=case.person_id) == case


def test_a_returned_decision_goes_back_to_the_officer_with_a_note():
    debriefing, officer = _debriefed()
    with pytest.raises(ValidationFailed, match="more work"):
        services.debriefing_review(actor=supervisor_make(), debriefing=debriefing, approve=False)
    services.debriefing_review(
        actor=supervisor_make(), debriefing=debriefing, approve=False, note="Ask about the debt."
    )
    debriefing.refresh_from_db()
    assert debriefing.state == Debriefing.State.RETURNED
    assert Case.objects.get(pk=debriefing.case_id).stage == Case.Stage.DEBRIEFING_DUE
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(),
        exploitation="labour",
        answers=answers_make(Indicator.Stage.DEBRIEFING, TRAFFICKED | {"CD-S2"}),
        decision="trafficking_labour",
        decision_reasons="Debt confirmed.",
    )
    assert debriefing.answers.filter(presence="present").count() == len(TRAFFICKED) + 1


def _identified_case() -> Case:
    debriefing, _officer = _debriefed()
    services.debriefing_review(actor=supervisor_make(), debriefing=debriefing, approve=True)
    return Case.objects.get(pk=debriefing.case_id)


def test_a_referral_without_consent_is_refused_to_an_officer():
    case = _identified_case()
    shelter, _provider = provider_make("shelter-1")
    offering = offering_make(shelter, ServiceKind.SHELTER, supervisor_make())
    with pytest.raises(ValidationFailed, match="consent"):
        services.referral_create(
            actor=screener_make(), case=case, offering=offering, needs="A bed", consent_given=False
        )
    assert not Referral.objects.exists()


def test_a_supervisor_overrides_consent_only_with_a_reason():
    case = _identified_case()
    supervisor = supervisor_make()
    shelter, _provider = provider_make("shelter-2")
    offering = offering_make(shelter, ServiceKind.URGENT, supervisor)
    with pytest.raises(ValidationFailed, match="reason"):
        services.referral_create(
            actor=supervisor, case=case, offering=offering, needs="Injured", consent_given=False
        )
    referral = services.referral_create(
        actor=supervisor,
        case=case,
        offering=offering,
        needs="Injured",
        consent_given=False,
        override_reason="Unconscious; urgent medical need.",
    )
    assert referral.consent_override_by == supervisor.user


def test_the_referral_lifecycle_and_its_refusals():
    case = _identified_case()
    shelter, provider = provider_make("shelter-3")
    offering = offering_make(shelter, ServiceKind.SHELTER, supervisor_make())
    referral = services.referral_create(
        actor=screener_make(), case=case, offering=offering, needs="A bed", consent_given=True
    )
    with pytest.raises(ValidationFailed):
        services.referral_update(actor=provider, referral=referral, state="completed")
    with pytest.raises(ValidationFailed, match="why"):
        services.referral_update(actor=provider, referral=referral, state="declined")
    for state in ("accepted", "in_progress", "completed"):
        services.referral_update(actor=provider, referral=referral, state=state)
    referral.refresh_from_db()
    assert referral.state == Referral.State.COMPLETED
    _other, stranger = provider_make("clinic-9")
    with pytest.raises(NotFound):
        services.referral_update(actor=stranger, referral=referral, state="accepted")


def test_overdue_referrals_are_reminded_once_a_day_without_personal_data(caplog):
    from datetime import timedelta

    from django.utils import timezone

    case = _identified_case()
    shelter, _provider = provider_make("shelter-4")
    offering = offering_make(shelter, ServiceKind.SHELTER, supervisor_make())
    services.referral_create(
        actor=screener_make(), case=case, offering=offering, needs="A bed", consent_given=True
    )
    later = timezone.now() + timedelta(days=3)
    with caplog.at_level("INFO"):
        assert services.reminders_send(now=later) == 1
        assert services.reminders_send(now=later + timedelta(hours=1)) == 0
    assert case.name_en not in caplog.text and "A bed" not in caplog.text


def test_an_overdue_debriefing_reminds_its_officer_once_a_day(caplog):
    from datetime import timedelta

    from django.utils import timezone

    case = owed_case_make(name="NGUYEN Van Hai")
    debriefing = screened_with_indicator(case, screener_make())
    later = debriefing.due_at + timedelta(hours=1)
    with caplog.at_level("INFO"):
        assert services.reminders_send(now=later) == 1
        assert services.reminders_send(now=later + timedelta(hours=2)) == 0
        assert services.reminders_send(now=later + timedelta(days=1, hours=1)) == 1
    assert "NGUYEN" not in caplog.text and timezone.now() < later


def test_a_supervisor_reassigns_an_open_debriefing_to_another_screening_officer():
    from tests.immigration.enforcement.factories import officer_make

    case = owed_case_make()
    debriefing = screened_with_indicator(case, screener_make())
    other = screener_make()
    with pytest.raises(NotFound):
        services.debriefing_assign(actor=screener_make(), debriefing=debriefing, assignee=other.user)
    with pytest.raises(ValidationFailed, match="screening officer"):
        services.debriefing_assign(
            actor=supervisor_make(), debriefing=debriefing, assignee=officer_make().user
        )
    services.debriefing_assign(actor=supervisor_make(), debriefing=debriefing, assignee=other.user)
    debriefing.refresh_from_db()
    assert debriefing.assigned_to == other.user
