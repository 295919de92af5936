"""Who hears about an incident: only people who may see it, and only its reference and a link."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.core.notifications.models import Notification
from lionrock.cyber.incidents import services
from lionrock.cyber.incidents.models import Incident
from tests.cyber.incidents.factories import desk_make
from tests.cyber.incidents.test_selectors import VIEWERS

pytestmark = pytest.mark.django_db


def _notified(desk, kind):
    users = set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))
    return {name for name in VIEWERS if getattr(desk, name).user.pk in users}


def test_a_submitted_report_reaches_the_handling_cert_only_with_its_reference_and_no_content():
    desk = desk_make()
    incident = desk.report()
    assert _notified(desk, "incidents.incident.submitted") == {"handler"}
    notification = Notification.objects.get(kind="incidents.incident.submitted")
    assert incident.reference in str(notification.subject)
    assert incident.title not in str(notification.subject)
    assert "45.151.167.10" not in str(notification.subject)
    assert notification.link == f"/incidents/{incident.pk}/"


def test_a_question_from_the_cert_reaches_the_reporting_organisation_only():
    desk = desk_make()
    incident = desk.report()
    services.incident_request_information(actor=desk.handler, incident=incident, text="Which PoP?")
    assert _notified(desk, "incidents.incident.request") == {"reporter", "reporter_handler"}


def test_a_draft_nearing_its_deadline_reminds_its_reporter_once():
    desk = desk_make()
    incident = desk.report(submit=False)
    Incident.objects.filter(pk=incident.pk).update(notify_by=timezone.now() + timedelta(hours=2))
    assert services.incident_reminders_send() == 1
    assert services.incident_reminders_send() == 0
    assert _notified(desk, "incidents.incident.notify_due") == {"reporter", "reporter_handler"}


def test_a_written_report_nearing_its_deadline_reminds_reporter_and_handlers():
    desk = desk_make()
    incident = desk.report()
    Incident.objects.filter(pk=incident.pk).update(written_report_by=timezone.now() + timedelta(hours=30))
    assert services.incident_reminders_send() == 1
    assert _notified(desk, "incidents.incident.report_due") == {"reporter", "reporter_handler", "handler"}


def test_every_status_step_is_kept_in_the_workflow_history():
    from lionrock.core.workflow.selectors import transitions_for

    desk = desk_make()
    incident = desk.report(submit=False)
    services.incident_submit(actor=desk.reporter, incident=incident)
    services.incident_acknowledge(actor=desk.handler, incident=incident)
    services.incident_close(actor=desk.handler, incident=incident, summary="Done.")
    steps = [(t.from_state, t.to_state) for t in transitions_for(record=incident)]
    assert steps == [("draft", "submitted"), ("submitted", "acknowledged"), ("acknowledged", "closed")]


def test_a_report_submitted_at_once_has_its_step_in_the_workflow_history_too():
    from lionrock.core.workflow.selectors import transitions_for

    desk = desk_make()
    incident = desk.report()
    assert [(t.from_state, t.to_state) for t in transitions_for(record=incident)] == [("draft", "submitted")]
