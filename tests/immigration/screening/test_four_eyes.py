"""Four eyes: the supervisor who recorded a decision cannot review it, is told why, keeps it in sight as
waiting for another supervisor, and an organisation administrator can route it to another supervisor."""

from __future__ import annotations

from email.header import decode_header, make_header

import pytest
from django.urls import reverse

from lionrock import demo
from lionrock.core.accounts.access import NotFound, actor_for_user
from lionrock.core.accounts.models import User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.core.notifications.models import Notification
from lionrock.immigration.screening import four_eyes, selectors, services
from lionrock.immigration.screening.models import Debriefing, Indicator
from tests.immigration.screening.factories import (
    answers_make,
    client_signed_in,
    interview_make,
    owed_case_make,
    screened_with_indicator,
    screener_make,
    supervisor_make,
)

pytestmark = pytest.mark.django_db


def _own_decision(name: str = ""):
    """A decision recorded by the department's supervisor, who is the only one."""
    supervisor = supervisor_make()
    debriefing = screened_with_indicator(owed_case_make(name=name), supervisor)
    services.debriefing_record(
        actor=supervisor,
        debriefing=debriefing,
        interview=interview_make(),
        exploitation="labour",
        answers=answers_make(Indicator.Stage.DEBRIEFING, {"CD-S1", "EC-S1"}),
        decision="forced_labour",
        decision_reasons="Documents kept and excessive hours.",
    )
    debriefing.refresh_from_db()
    return debriefing, supervisor


def test_the_supervisor_who_recorded_the_decision_is_told_on_the_page_why_they_cannot_approve_it():
    debriefing, supervisor = _own_decision()
    html = (
        client_signed_in(supervisor)
        .get(reverse("screening:debriefing", args=[debriefing.pk]))
        .content.decode()
    )
    assert "You recorded this decision, so you cannot approve or return it" in html
    assert 'id="review-refusal"' in html
    assert reverse("screening:debriefing_review", args=[debriefing.pk]) not in html


def test_the_own_decision_stays_on_the_home_page_as_waiting_for_another_supervisor():
    debriefing, supervisor = _own_decision()
    client = client_signed_in(supervisor)
    panels = client.get(reverse("shell:home")).context["panels"]
    labels = [str(item.label) for panel in panels for item in panel.items]
    assert "Your decisions waiting for another supervisor" in labels
    queue = client.get(reverse("screening:queue")).content.decode()
    assert "waiting for another supervisor" in queue and debriefing.case.reference in queue


def test_an_organisation_administrator_routes_it_to_another_supervisor_who_alone_may_then_review_it():
    debriefing, _supervisor = _own_decision()
    admin = screener_make(Role.ORG_ADMIN)
    rows = selectors.decisions_to_route(actor=admin)
    assert [row.reference for row in rows] == [debriefing.case.reference] and rows[0].stuck
    second, third = supervisor_make(), supervisor_make()
    client = client_signed_in(admin)
    page = client.get(reverse("screening:decisions_route")).content.decode()
    assert debriefing.case.reference in page
    response = client.post(
        reverse("screening:decision_route", args=[debriefing.pk]),
        {f"{debriefing.pk}-supervisor": str(second.user.pk)},
    )
    assert response.status_code == 302
    debriefing.refresh_from_db()
    assert debriefing.review_by_id == second.user.pk
    entry = AuditEntry.objects.filter(action="screening.debriefing.route").get()
    assert entry.actor_user_id == admin.user.pk and entry.target_id == str(debriefing.pk)
    assert debriefing in selectors.debriefings_for_review(actor=second)
    assert debriefing not in selectors.debriefings_for_review(actor=third)
    with pytest.raises(ValidationFailed, match="another supervisor"):
        services.debriefing_review(actor=third, debriefing=debriefing, approve=True)
    services.debriefing_review(actor=second, debriefing=debriefing, approve=True)
    debriefing.refresh_from_db()
    assert debriefing.state == Debriefing.State.APPROVED and debriefing.reviewed_by_id == second.user.pk


def test_the_supervisor_a_decision_is_routed_to_is_told_in_the_inbox_and_by_email_in_their_own_language(
    smtp_sink, django_capture_on_commit_callbacks
):
    debriefing, _supervisor = _own_decision(name="NGUYEN Van Hai")
    admin = screener_make(Role.ORG_ADMIN)
    second = supervisor_make()
    second.user.preferred_language = "zh-hant"
    second.user.save(update_fields=["preferred_language"])
    smtp_sink.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.debriefing_route(actor=admin, debriefing=debriefing, supervisor=second.user)

    told = Notification.objects.get(kind="screening.decision.routed")
    assert told.recipient_id == second.user.pk  # not the administrator, not the supervisor who recorded it
    assert told.link == reverse("screening:debriefing", args=[debriefing.pk])
    assert told.subject_line("en") == (
        f"Decision {debriefing.pk} of case {debriefing.case.reference} is routed to you for review"
    )
    [message] = smtp_sink.messages
    assert message["To"] == second.user.email
    subject = str(make_header(decode_header(message["Subject"])))
    assert "已轉交你覆核" in subject and debriefing.case.reference in subject
    body = message.get_payload(decode=True).decode()
    assert f"/screening/debriefings/{debriefing.pk}/" in body
    for secret in ("NGUYEN", "Van Hai", "Documents kept", "forced"):
        assert secret not in message.as_string() and secret not in subject + body

    with django_capture_on_commit_callbacks(execute=True):
        services.debriefing_route(actor=admin, debriefing=debriefing, supervisor=second.user)
    # Routed again to the same supervisor: they were told already.
    assert Notification.objects.filter(kind="screening.decision.routed").count() == 1


def test_a_decision_cannot_be_routed_to_the_supervisor_who_recorded_it():
    debriefing, supervisor = _own_decision()
    admin = screener_make(Role.ORG_ADMIN)
    with pytest.raises(ValidationFailed, match="cannot review it"):
        services.debriefing_route(actor=admin, debriefing=debriefing, supervisor=supervisor.user)
    assert AuditEntry.objects.filter(action="screening.debriefing.route").count() == 0


def test_only_an_organisation_administrator_routes_a_decision():
    debriefing, supervisor = _own_decision()
    with pytest.raises(NotFound):
        services.debriefing_route(actor=supervisor, debriefing=debriefing, supervisor=supervisor_make().user)
    response = client_signed_in(supervisor).get(reverse("screening:decisions_route"))
    assert response.status_code == 404


def test_the_one_rule_refuses_the_recorder_and_allows_another_supervisor():
    debriefing, supervisor = _own_decision()
    assert "four eyes" in (four_eyes.review_refusal(actor=supervisor, debriefing=debriefing) or "")
    assert four_eyes.review_refusal(actor=supervisor_make(), debriefing=debriefing) is None
    assert four_eyes.review_refusal(actor=screener_make(), debriefing=debriefing)


def test_the_demo_has_a_second_supervisor_who_can_approve_the_first_ones_decision(monkeypatch):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    first = actor_for_user(User.objects.get(email="supervisor@lionrock.test"))
    second = actor_for_user(User.objects.get(email="supervisor2@lionrock.test"))
    assert first.user.pk != second.user.pk
    organisation = first.organisations_with(Role.SCREENING_SUPERVISOR)
    assert organisation and organisation == second.organisations_with(Role.SCREENING_SUPERVISOR)
