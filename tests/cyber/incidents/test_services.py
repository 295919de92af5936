from datetime import date, timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.cyber.incidents import selectors, services
from lionrock.cyber.incidents.models import Incident, IncidentEntry, Observable
from lionrock.cyber.incidents.services import IncidentInvalid, ObservableIn
from tests.cyber.incidents.factories import desk_make, draft_make

pytestmark = pytest.mark.django_db


def test_a_serious_incident_must_be_notified_within_twelve_hours_of_awareness():
    desk = desk_make()
    incident = desk.report(serious=True)
    assert incident.notify_by == incident.aware_at + timedelta(hours=12)
    assert incident.written_report_by == incident.submitted_at + timedelta(days=14)
    assert incident.reference.startswith("INC-")


def test_another_incident_has_forty_eight_hours():
    desk = desk_make()
    incident = desk.report(serious=False)
    assert incident.notify_by == incident.aware_at + timedelta(hours=48)


def test_a_new_clock_applies_only_to_incidents_known_after_its_start_date():
    desk = desk_make()
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.notification_clock_add(
        actor=desk.platform_admin,
        regime=desk.regime,
        serious=True,
        notify_within=timedelta(hours=6),
        written_report_within=timedelta(days=7),
        effective_from=tomorrow,
    )
    incident = desk.report(serious=True)
    assert incident.notify_by == incident.aware_at + timedelta(hours=12)


def test_only_the_platform_administrator_edits_the_clocks():
    desk = desk_make()
    with pytest.raises(NotFound):
        services.notification_clock_add(
            actor=desk.handler,
            regime=desk.regime,
            serious=True,
            notify_within=timedelta(hours=6),
            written_report_within=None,
            effective_from=date(2030, 1, 1),
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"classification": 'rsit:availability="earthquake"'}, "classification"),
        ({"title": " "}, "title"),
        ({"aware_at": timezone.now() + timedelta(hours=3)}, "aware_at"),
        ({"detected_at": timezone.now() + timedelta(hours=3), "aware_at": timezone.now()}, "detected_at"),
        ({"tlp": "purple"}, "tlp"),
        ({"observables": [ObservableIn(type="ipv4-addr", value="2001:db8::1")]}, "observables[0].value"),
        (
            {
                "observables": [
                    ObservableIn(type="ipv4-addr", value="192.0.2.1"),
                    ObservableIn(type="x", value="1"),
                ]
            },
            "observables[1].type",
        ),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(overrides, field):
    desk = desk_make()
    before = AuditEntry.objects.count()
    with pytest.raises(IncidentInvalid) as caught:
        desk.report(**overrides)
    assert caught.value.field == field
    assert Incident.objects.count() == 0
    assert Observable.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_awareness_before_detection_is_refused():
    desk = desk_make()
    now = timezone.now()
    with pytest.raises(IncidentInvalid) as caught:
        desk.report(detected_at=now - timedelta(hours=1), aware_at=now - timedelta(hours=2))
    assert caught.value.field == "aware_at"


def test_a_draft_has_no_reference_until_submitted_and_the_cert_does_not_see_it():
    desk = desk_make()
    incident = desk.report(submit=False)
    assert incident.reference is None
    assert not selectors.incidents_visible(actor=desk.handler).filter(pk=incident.pk).exists()
    services.incident_submit(actor=desk.reporter, incident=incident)
    assert selectors.incidents_visible(actor=desk.handler).filter(pk=incident.pk).exists()


def test_triage_keeps_the_times_to_acknowledge_contain_and_resolve():
    desk = desk_make()
    incident = desk.report()
    services.incident_acknowledge(actor=desk.handler, incident=incident)
    services.incident_status_set(actor=desk.handler, incident=incident, status=Incident.Status.CONTAINED)
    services.incident_close(
        actor=desk.handler, incident=incident, summary="Scrubbing upstream.", lessons="Test DDoS runbook."
    )
    incident.refresh_from_db()
    assert incident.acknowledged_at and incident.contained_at and incident.resolved_at and incident.closed_at
    times = selectors.handling_times_by_sector(actor=desk.handler)
    assert times[0].incidents == 1 and times[0].to_resolve is not None


def test_an_impossible_status_change_is_refused():
    desk = desk_make()
    incident = desk.report()
    with pytest.raises(IncidentInvalid):
        services.incident_status_set(actor=desk.handler, incident=incident, status=Incident.Status.CLOSED)


def test_the_reporter_cannot_triage_its_own_incident():
    desk = desk_make()
    incident = desk.report()
    with pytest.raises(NotFound):
        services.incident_acknowledge(actor=desk.reporter, incident=incident)


def test_a_request_for_information_stays_open_until_the_reporter_replies():
    desk = desk_make()
    incident = desk.report()
    services.incident_request_information(actor=desk.handler, incident=incident, text="Which PoP?")
    assert selectors.incidents_attention_counts(actor=desk.reporter)["questions"] == 1
    services.incident_reply(actor=desk.reporter, incident=incident, text="Kwai Chung.")
    assert selectors.incidents_attention_counts(actor=desk.reporter)["questions"] == 0
    assert [e.kind for e in incident.entries.exclude(kind=IncidentEntry.Kind.CHANGE)] == ["request", "reply"]


def test_the_desk_counts_each_open_question_not_each_incident_asked():
    desk = desk_make()
    incident = desk.report()
    for text in ("Which PoP?", "Since when?"):
        services.incident_request_information(actor=desk.handler, incident=incident, text=text)
    assert selectors.incidents_attention_counts(actor=desk.reporter)["questions"] == 2


def test_every_change_is_in_the_history_and_the_audit_trail():
    desk = desk_make()
    incident = desk.report()
    services.incident_update(
        actor=desk.reporter, incident=incident, draft=draft_make(title="DDoS on ticketing and results")
    )
    services.incident_assign(actor=desk.handler, incident=incident, user=desk.handler.user)
    history = [e.text for e in incident.entries.filter(kind=IncidentEntry.Kind.CHANGE)]
    assert len(history) == 3 and "title" in history[1]
    actions = set(AuditEntry.objects.filter(target_id=str(incident.pk)).values_list("action", flat=True))
    assert {"incidents.incident.create", "incidents.incident.update", "incidents.incident.assign"} <= actions


def test_linked_incidents_list_each_other():
    desk = desk_make()
    first, second = desk.report(), desk.report(title="Second wave")
    services.incident_link(actor=desk.handler, incident=first, other=second)
    assert selectors.incident_links(actor=desk.handler, incident=second) == [first]


def test_observables_are_queryable_by_value_for_the_readers_who_may_see_the_incident():
    desk = desk_make()
    desk.report(observables=[ObservableIn(type="domain-name", value="Canary-7.Example.NET.", ioc=True)])
    assert (
        selectors.observables_by_value(
            actor=desk.handler, kind="domain", value="canary-7.example.net"
        ).count()
        == 1
    )
    assert (
        selectors.observables_by_value(
            actor=desk.outsider, kind="domain", value="canary-7.example.net"
        ).count()
        == 0
    )


def test_a_red_incident_cannot_be_shared():
    desk = desk_make()
    incident = desk.report(tlp="red", recipients=[desk.handler.user.email])
    with pytest.raises(IncidentInvalid):
        services.incident_share(actor=desk.handler, incident=incident, organisations=[], community=True)
