"""The pages: each renders for its users, refuses others as not found, and keeps to the strict CSP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement.models import Arrest
from lionrock.immigration.screening import services
from lionrock.immigration.screening.models import Case, Debriefing, Referral, ServiceKind
from tests.immigration.enforcement.factories import arrested_person_make, officer_make
from tests.immigration.screening.factories import (
    answers_make,
    client_signed_in,
    interview_make,
    offering_make,
    owed_case_make,
    provider_make,
    screener_make,
    supervisor_make,
)
from tests.immigration.screening.test_services import _identified_case

pytestmark = pytest.mark.django_db


def _no_inline_style_or_script(html: str) -> None:
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"<[^>]+\son[a-z]+=", html)


def _initial_post(*present: str) -> dict[str, str]:
    """The form as posted, answering each question so that only the `present` indicators are present."""
    data = {
        "started_at": "2026-11-24T10:00",
        "duration_minutes": "35",
        "breaks_offered": "1",
        "breaks_taken": "1",
        "location": "Interview room 2",
        "language": "Vietnamese",
        "interpreter": "Contract interpreter",
        "consent_given": "on",
        "information_given": "on",
        "reasons": "",
    }
    for code, (value, _note) in answers_make("initial", set(present)).items():
        data[f"answer_{code}"] = value
    return data


def test_the_queue_shows_owed_screenings_with_the_name_hidden():
    case = owed_case_make(name="NGUYEN Van Hai")
    response = client_signed_in(supervisor_make()).get(reverse("screening:queue"))
    html = response.content.decode()
    assert response.status_code == 200 and case.reference in html
    assert "NGUYEN" not in html
    _no_inline_style_or_script(html)


def test_an_officer_records_an_initial_screening_through_the_form():
    case = owed_case_make()
    officer = screener_make()
    client = client_signed_in(officer)
    page = client.get(reverse("screening:initial", args=[case.reference]))
    html = page.content.decode()
    assert page.status_code == 200
    _no_inline_style_or_script(html)
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        if "answer_" in field_id:
            continue  # radio options are labelled individually and grouped under a legend
        assert f'for="{field_id}"' in html, field_id
    response = client.post(
        reverse("screening:initial", args=[case.reference]),
        _initial_post("IS-2") | {"debriefer": str(officer.user.pk)},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Case.Stage.DEBRIEFING_DUE


def test_a_form_with_a_missing_answer_is_shown_again_and_nothing_is_saved():
    case = owed_case_make()
    client = client_signed_in(screener_make())
    data = _initial_post("IS-1")
    del data["answer_IS-3"]
    response = client.post(reverse("screening:initial", args=[case.reference]), data)
    assert response.status_code == 400
    assert "Answer yes, no or unknown." in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Case.Stage.AWAITING_SCREENING


def test_the_debriefing_form_groups_the_checklist_by_dimension():
    case = owed_case_make()
    officer = screener_make()
    services.initial_screening_record(
        actor=officer,
        case=case,
        interview=interview_make(),
        answers=answers_make("initial", {"IS-1"}),
    )
    debriefing = Debriefing.objects.get(case=case)
    html = (
        client_signed_in(officer).get(reverse("screening:debriefing", args=[debriefing.pk])).content.decode()
    )
    for label in (
        "Deceptive recruitment",
        "Coercive recruitment",
        "Exploitative conditions of work",
        "Coercion at destination",
    ):
        assert label in html
    _no_inline_style_or_script(html)


def test_the_decision_page_explains_the_recommendation_and_offers_review_to_another_supervisor():
    case = _identified_case()
    debriefing = Debriefing.objects.get(case=case)
    html = (
        client_signed_in(supervisor_make())
        .get(reverse("screening:debriefing", args=[debriefing.pk]))
        .content.decode()
    )
    assert "The trafficking rule is met" in html


def test_pages_are_not_found_for_enforcement_officers_and_providers():
    case = owed_case_make()
    _org, provider = provider_make("shelter-v")
    for actor in (officer_make(), provider):
        client = client_signed_in(actor)
        assert client.get(reverse("screening:case", args=[case.reference])).status_code == 404
        assert client.get(reverse("screening:queue")).status_code == 404


def test_a_shelter_sees_its_referral_without_the_immigration_history():
    case = _identified_case()
    case.preferred_language = "Vietnamese"
    case.save(update_fields=["preferred_language"])
    shelter, provider = provider_make("shelter-w")
    referral = services.referral_create(
        actor=screener_make(),
        case=case,
        offering=offering_make(shelter, ServiceKind.SHELTER, supervisor_make()),
        needs="A bed; vegetarian meals",
        consent_given=True,
    )
    client = client_signed_in(provider)
    html = client.get(reverse("screening:incoming_detail", args=[referral.pk])).content.decode()
    assert case.name_en in html and "Vietnamese" in html and "vegetarian" in html
    for hidden in (
        case.reference,
        "Contribute",
        "Suspected illegal worker",
        "Immigration status",
        case.nationality,
    ):
        assert hidden not in html
    response = client.post(
        reverse("screening:incoming_detail", args=[referral.pk]), {"state": "accepted", "note": ""}
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.ACCEPTED
    _other, stranger = provider_make("clinic-x")
    assert (
        client_signed_in(stranger).get(reverse("screening:incoming_detail", args=[referral.pk])).status_code
        == 404
    )


def test_revealing_the_name_returns_a_fragment_for_htmx():
    case = owed_case_make(name="TRAN Minh Duc")
    client = client_signed_in(screener_make())
    response = client.post(reverse("screening:case_reveal", args=[case.reference]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "TRAN Minh Duc" in response.content.decode()


def test_statistics_and_checklist_pages_render():
    case = _identified_case()
    supervisor = supervisor_make()
    shelter, _provider = provider_make("shelter-stats")
    services.referral_create(
        actor=supervisor,
        case=case,
        offering=offering_make(shelter, ServiceKind.SHELTER, supervisor),
        needs="A bed",
        consent_given=True,
    )
    client = client_signed_in(supervisor)
    html = client.get(reverse("screening:statistics")).content.decode()
    assert "Shelter or temporary accommodation" in html and "Sent" in html
    for name in ("screening:statistics", "screening:checklists", "screening:cases"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        _no_inline_style_or_script(response.content.decode())
    response = client.get(reverse("screening:htcds_export") + "?year=2026")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_someone_who_was_not_arrested_can_be_screened():
    client = client_signed_in(screener_make())
    response = client.post(
        reverse("screening:case_new"),
        {
            "origin": "returned_resident",
            "name_en": "LAM Wing Yan",
            "sex": "F",
            "age": "24",
            "nationality": "HKG",
        },
    )
    assert response.status_code == 302
    assert Case.objects.get(origin="returned_resident").name_en == "LAM Wing Yan"


def test_home_shows_screening_work_and_a_provider_its_new_referrals():
    owed_case_make()
    response = client_signed_in(supervisor_make()).get("/")
    assert response.status_code == 200 and "Initial screenings owed" in response.content.decode()
    case = _identified_case()
    shelter, provider = provider_make("shelter-home")
    services.referral_create(
        actor=screener_make(),
        case=case,
        offering=offering_make(shelter, ServiceKind.SHELTER, supervisor_make()),
        needs="A bed",
        consent_given=True,
    )
    html = client_signed_in(provider).get("/").content.decode()
    assert "New referrals to respond to" in html and case.name_en not in html


def test_the_api_serves_checklists_and_counts_to_a_token_with_the_screening_scope():
    from django.test import Client

    from lionrock.core.accounts import services as account_services
    from lionrock.core.accounts.roles import Scope

    supervisor = supervisor_make()

    def bearer(*scopes: str) -> dict[str, str]:
        _token, secret = account_services.token_create(
            actor=supervisor,
            organisation=supervisor.primary_organisation_id,
            name="tool",
            scopes=list(scopes),
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    response = Client().get("/api/screening/checklists", **bearer(Scope.SCREENING_READ))
    assert response.status_code == 200 and response.json()[0]["code"] == "lionrock-default"
    detail = Client().get(
        f"/api/screening/checklists/{response.json()[0]['id']}", **bearer(Scope.SCREENING_READ)
    )
    assert len(detail.json()["indicators"]) == 85
    polarity = {item["code"]: item["indicated_by"] for item in detail.json()["indicators"]}
    assert (polarity["IS-4"], polarity["IS-3"], polarity["FL-07"]) == ("no", "yes", "")
    assert Client().get("/api/screening/statistics/2026", **bearer(Scope.SCREENING_READ)).status_code == 200
    assert Client().get("/api/screening/checklists", **bearer(Scope.ACCOUNT_READ)).status_code == 403


def test_an_officer_referring_without_consent_is_told_why_and_nothing_is_sent():
    case = _identified_case()
    shelter, _provider = provider_make("shelter-consent")
    offering = offering_make(shelter, ServiceKind.SHELTER, supervisor_make())
    client = client_signed_in(screener_make())
    response = client.post(
        reverse("screening:referral_new", args=[case.reference]),
        {"offering": str(offering.pk), "needs": "A bed"},
    )
    assert response.status_code == 400
    assert "only a supervisor can refer without it" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_failure_to_open_a_case_after_an_arrest_is_logged_and_caught_up_later(monkeypatch, caplog):
    from lionrock.immigration.screening import receivers

    case = owed_case_make()
    case.delete()

    def broken(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(services, "cases_open_for_owed", broken)
    receivers.case_open_for_owed(sender=None, screening_owed_id=case.owed_id)
    assert "no screening case opened yet" in caplog.text
    monkeypatch.undo()
    assert services.cases_open_for_owed() == 1


def test_a_supervisor_reassigns_a_debriefing_from_its_page():
    case = owed_case_make()
    officer, other, supervisor = screener_make(), screener_make(), supervisor_make()
    services.initial_screening_record(
        actor=officer, case=case, interview=interview_make(), answers=answers_make("initial", {"IS-3"})
    )
    debriefing = Debriefing.objects.get(case=case)
    client = client_signed_in(supervisor)
    assert "Reassign" in client.get(reverse("screening:debriefing", args=[debriefing.pk])).content.decode()
    client.post(
        reverse("screening:debriefing_assign", args=[debriefing.pk]), {"assignee": str(other.user.pk)}
    )
    assert Debriefing.objects.get(pk=debriefing.pk).assigned_to == other.user
    assert (
        "Reassign"
        not in client_signed_in(officer)
        .get(reverse("screening:debriefing", args=[debriefing.pk]))
        .content.decode()
    )


# --- The person's victim status on the enforcement person page -------------------------------------------


def _person_page(actor, case: Case) -> str:
    response = client_signed_in(actor).get(reverse("enforcement:person", args=[case.person_id]))
    assert response.status_code == 200
    html = response.content.decode()
    _no_inline_style_or_script(html)
    return html


def test_a_screening_reader_sees_an_identified_victim_on_the_person_page_with_the_record_linked():
    case = _identified_case()
    reader = screener_make(Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER)
    html = _person_page(reader, case)
    assert "Victim screening" in html
    assert "Identified victim" in html and "Trafficking for labour exploitation" in html
    assert f'href="{reverse("screening:case", args=[case.reference])}"' in html
    assert AuditEntry.objects.filter(
        action="screening.case.read", summary="person status", actor_user_id=reader.user.pk
    ).exists()


def test_an_enforcement_officer_without_screening_rights_sees_nothing_of_screening_on_the_person_page():
    case = _identified_case()
    officer = officer_make()
    html = _person_page(officer, case)
    assert "Victim screening" not in html
    assert "Identified victim" not in html and case.reference not in html
    assert "screening/cases" not in html
    assert not AuditEntry.objects.filter(action="screening.case.read", actor_user_id=officer.user.pk).exists()


def test_a_person_just_arrested_is_shown_as_owed_a_screening_and_overdue_once_past_due():
    case = owed_case_make()
    reader = screener_make(Role.ENFORCEMENT_OFFICER, Role.SCREENING_SUPERVISOR)
    html = _person_page(reader, case)
    assert "Screening owed" in html and "overdue" not in html
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assert "overdue" in _person_page(reader, case)


def test_a_person_screened_out_is_shown_as_screened_out_not_as_a_victim_decision():
    case = owed_case_make()
    officer = screener_make(Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER)
    services.initial_screening_record(
        actor=officer,
        case=case,
        interview=interview_make(),
        answers=answers_make("initial"),
        reasons="Works for a relative; free to leave.",
    )
    html = _person_page(officer, case)
    assert "Screened out" in html and "Not a victim" not in html


def test_a_possible_victim_awaiting_debriefing_is_shown_as_possible():
    case = owed_case_make()
    officer = screener_make(Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER)
    services.initial_screening_record(
        actor=officer, case=case, interview=interview_make(), answers=answers_make("initial", {"IS-2"})
    )
    assert "Possible victim" in _person_page(officer, case)


def test_a_person_never_screened_is_said_to_have_no_screening_to_a_screening_reader_only():
    case = owed_case_make()
    arrest = Arrest.objects.get(screening_owed=case.owed)
    employer = arrested_person_make(
        officer_make(), arrest.operation, role=Arrest.Role.EMPLOYER, status="resident", offences=("s17i",)
    )
    reader = screener_make(Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER)
    page = client_signed_in(reader).get(reverse("enforcement:person", args=[employer.person_id]))
    assert "No screening recorded for this person." in page.content.decode()
    officer_page = client_signed_in(officer_make()).get(
        reverse("enforcement:person", args=[employer.person_id])
    )
    assert "Victim screening" not in officer_page.content.decode()
