"""Screening tells people through the notification service: inbox and e-mail, record numbers only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.core.notifications.models import Notification
from lionrock.immigration.screening import services
from lionrock.immigration.screening.models import ServiceKind
from tests.immigration.screening.factories import (
    offering_make,
    owed_case_make,
    provider_make,
    screened_with_indicator,
    screener_make,
    supervisor_make,
)
from tests.immigration.screening.test_services import _identified_case

pytestmark = pytest.mark.django_db


def test_an_overdue_referral_reminder_reaches_the_providers_inbox_and_email_without_personal_data(
    smtp_sink, django_capture_on_commit_callbacks
):
    case = _identified_case()
    shelter, provider = provider_make("shelter-notice")
    offering = offering_make(shelter, ServiceKind.SHELTER, supervisor_make())
    referral = services.referral_create(
        actor=screener_make(), case=case, offering=offering, needs="A bed near Mong Kok", consent_given=True
    )
    smtp_sink.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send(now=timezone.now() + timedelta(days=3)) == 1

    reminder = Notification.objects.get(recipient=provider.user, kind="screening.referral.overdue")
    assert reminder.link == f"/screening/support/{referral.pk}/"
    [message] = smtp_sink.messages
    assert message["To"] == provider.user.email
    assert str(referral.pk) in message["Subject"]
    text = message.as_string()
    assert f"/screening/support/{referral.pk}/" in text
    for secret in (case.name_en, "Mong Kok", case.reference):
        assert secret and secret not in text


def test_the_provider_is_told_of_a_new_referral_and_the_officer_of_the_providers_answer(
    django_capture_on_commit_callbacks,
):
    case = _identified_case()
    shelter, provider = provider_make("shelter-answer")
    offering = offering_make(shelter, ServiceKind.SHELTER, supervisor_make())
    screener = screener_make()
    referral = services.referral_create(
        actor=screener, case=case, offering=offering, needs="A bed", consent_given=True
    )
    assert Notification.objects.filter(recipient=provider.user, kind="screening.referral.sent").exists()

    services.referral_update(actor=provider, referral=referral, state="accepted")

    told = Notification.objects.get(recipient=screener.user, kind="screening.referral.updated")
    assert told.link == f"/screening/cases/{case.reference}/"


def test_an_overdue_debriefing_reminds_its_officer_in_the_inbox():
    case = owed_case_make(name="NGUYEN Van Hai")
    debriefing = screened_with_indicator(case, screener_make())
    services.reminders_send(now=debriefing.due_at + timedelta(hours=1))
    reminder = Notification.objects.get(kind="screening.debriefing.overdue")
    assert reminder.recipient_id == debriefing.assigned_to_id
    assert "NGUYEN" not in reminder.subject_line()
