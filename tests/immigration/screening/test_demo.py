"""The whole flow on the demo world, as issue 5 describes it done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lionrock import demo
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement.models import ScreeningOwed
from lionrock.immigration.screening import selectors, services
from lionrock.immigration.screening.models import Case, Debriefing, Referral, ServiceKind, ServiceOffering
from tests.immigration.screening.factories import answers_make, client_signed_in, interview_make

pytestmark = pytest.mark.django_db


def _actor(local: str):
    return actor_for_user(User.objects.get(email=f"{local}@lionrock.test"))


def test_building_the_demo_twice_adds_nothing(monkeypatch):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    counts = Case.objects.count(), ServiceOffering.objects.count()
    assert counts == (7, 8)
    demo.demo_world_build(force=False, quiet=True)
    assert (Case.objects.count(), ServiceOffering.objects.count()) == counts


def test_from_an_arrest_in_the_demo_to_a_shelter_accepting_a_referral(monkeypatch):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    officer, supervisor, shelter = _actor("screening"), _actor("supervisor"), _actor("shelter")

    owed = ScreeningOwed.objects.get(person__name_en="NGUYEN Van Hai")
    case = Case.objects.get(owed=owed)
    assert case in selectors.cases_owed(actor=supervisor)

    # Initial screening: one indicator (passport kept by the employer) -> a debriefing is required.
    services.initial_screening_record(
        actor=officer,
        case=case,
        interview=interview_make(),
        answers=answers_make("initial", {"IS-2"}),
    )
    case.refresh_from_db()
    assert case.stage == Case.Stage.DEBRIEFING_DUE and case.status == Case.Status.POSSIBLE
    debriefing = Debriefing.objects.get(case=case)
    assert debriefing.assigned_to == officer.user

    # Debriefing: deceived about the job and the pay; excessive hours and no pay; passport kept, confined.
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(duration_minutes=110, breaks_offered=3, breaks_taken=2),
        exploitation="labour",
        answers=answers_make("debriefing", {"DR-S1", "DR-M7", "EC-S1", "EC-M3", "CD-S1", "CD-S3"}),
        decision="trafficking_labour",
        decision_reasons="Recruited for factory work; brought to a renovation site, passport kept.",
    )
    debriefing.refresh_from_db()
    assert debriefing.recommendation == "trafficking_labour"
    explained = debriefing.explanation
    assert explained["dimensions"]["deceptive_recruitment"]["codes"] == ["DR-M7", "DR-S1"]
    assert explained["dimensions"]["exploitative_conditions"]["present"]
    assert explained["dimensions"]["coercion_at_destination"]["present"]
    assert not explained["dimensions"]["coercive_recruitment"]["present"]
    assert set(explained["forced_labour"]["present"]) == {
        "FL-02",
        "FL-03",
        "FL-04",
        "FL-07",
        "FL-08",
        "FL-11",
    }

    # Four eyes: the supervisor approves; the case and the person carry the status.
    services.debriefing_review(actor=supervisor, debriefing=debriefing, approve=True)
    case.refresh_from_db()
    assert case.status == Case.Status.IDENTIFIED and case.victim_type == "trafficking_labour"

    # Referral to the demo shelter, with consent; the shelter accepts and sees only what it should.
    services.case_support_details_set(
        actor=officer, case=case, preferred_language="Vietnamese", needs="Safe bed; medical check", contact=""
    )
    offering = ServiceOffering.objects.get(
        organisation__slug="safe-harbour-shelter", kind=ServiceKind.SHELTER
    )
    referral = services.referral_create(
        actor=officer, case=case, offering=offering, needs="Safe bed for two weeks", consent_given=True
    )
    client = client_signed_in(shelter)
    assert client.get(reverse("screening:incoming")).status_code == 200
    html = client.get(reverse("screening:incoming_detail", args=[referral.pk])).content.decode()
    assert "NGUYEN Van Hai" in html and "Vietnamese" in html and "Safe bed for two weeks" in html
    for hidden in ("Contribute", case.reference, "VNM", "illegal", "passport"):
        assert hidden not in html
    client.post(reverse("screening:incoming_detail", args=[referral.pk]), {"state": "accepted"})
    assert Referral.objects.get(pk=referral.pk).state == Referral.State.ACCEPTED

    # Other providers see nothing of it; every read left an audit row.
    other = client_signed_in(_actor("counsellor"))
    assert other.get(reverse("screening:incoming_detail", args=[referral.pk])).status_code == 404
    assert AuditEntry.objects.filter(action="screening.referral.read", actor_user_id=shelter.user.pk).exists()
