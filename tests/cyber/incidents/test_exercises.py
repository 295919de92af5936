"""Drill reports: filed for an exercise or naming a canary, kept off every real path, purged after."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.core.notifications.models import Notification
from lionrock.cyber.drills import services as drill_services
from lionrock.cyber.drills.models import Evidence
from lionrock.cyber.incidents import selectors, services
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.incidents.services import IncidentInvalid, ObservableIn
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.incidents.factories import desk_make, draft_make, drill_make
from tests.cyber.incidents.test_api import BODY, bearer, post
from tests.cyber.incidents.test_selectors import VIEWERS
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

REPORTERS = {"reporter", "reporter_handler"}


def _drill_report(desk, drill, **overrides):
    return services.incident_create(
        actor=desk.reporter, draft=draft_make(tlp=Tlp.CLEAR, **overrides), exercise=drill.exercise.pk
    )


def test_a_team_files_a_report_for_its_running_exercise_and_it_is_an_exercise_report():
    desk = desk_make()
    drill = drill_make(desk)
    incident = _drill_report(desk, drill)
    assert (incident.is_exercise, incident.exercise_number) == (True, drill.exercise.pk)


def test_a_report_naming_a_live_canary_of_the_reporters_team_is_an_exercise_report_though_not_filed_as_one():
    desk = desk_make()
    drill = drill_make(desk)
    named = [ObservableIn(type="domain-name", value=drill.canary.value, ioc=True)]
    incident = desk.report(observables=named)
    assert (incident.is_exercise, incident.exercise_number) == (True, drill.exercise.pk)


def test_a_real_report_edited_to_name_a_canary_leaves_the_real_desk():
    desk = desk_make()
    drill = drill_make(desk)
    incident = desk.report()
    named = [ObservableIn(type="domain-name", value=drill.canary.value, ioc=True)]
    services.incident_update(actor=desk.reporter, incident=incident, draft=draft_make(observables=named))
    assert not selectors.incidents_visible(actor=desk.handler).filter(pk=incident.pk).exists()


def test_a_report_naming_another_teams_canary_stays_a_real_report():
    desk = desk_make()
    drill = drill_make(desk)
    named = [ObservableIn(type="domain-name", value=drill.other_team_canary.value, ioc=True)]
    assert desk.report(observables=named).is_exercise is False


def test_a_report_for_an_exercise_the_organisation_does_not_play_in_is_refused_and_nothing_stored():
    desk = desk_make()
    drill = drill_make(desk)
    with pytest.raises(IncidentInvalid) as refused:
        services.incident_create(actor=desk.outsider, draft=draft_make(), exercise=drill.exercise.pk)
    assert refused.value.field == "exercise"
    assert not Incident.objects.exists()


def test_a_report_for_an_exercise_that_has_ended_is_refused():
    desk = desk_make()
    drill = drill_make(desk)
    drill_services.exercise_end(actor=drill.planner, exercise=drill.exercise)
    with pytest.raises(IncidentInvalid):
        _drill_report(desk, drill)
    assert not Incident.objects.exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_exercise_report_is_on_no_real_path_and_only_its_reporter_opens_its_page(viewer):
    desk = desk_make()
    drill = drill_make(desk)
    real = desk.report(tlp=Tlp.CLEAR)
    drill_report = _drill_report(desk, drill, serious=True, title="Drill: phishing wave")
    actor = getattr(desk, viewer)
    assert not selectors.incidents_visible(actor=actor).filter(pk=drill_report.pk).exists()
    assert drill_report not in selectors.incidents_desk(actor=actor)
    for status in ("open", "submitted", "due", "overdue"):
        assert drill_report not in selectors.incidents_desk(
            actor=actor, filters=selectors.DeskFilter(status=status)
        )
    assert all(row.incidents <= 1 for row in selectors.handling_times_by_sector(actor=actor))
    assert selectors.incidents_attention_counts(actor=actor)["to_acknowledge"] == (
        1 if viewer == "handler" else 0
    )
    if selectors.incidents_visible(actor=actor).filter(pk=real.pk).exists():
        seen = selectors.observables_seen_elsewhere(actor=actor, incident=real)
        assert all(drill_report not in row.other_incidents for row in seen)
    if viewer in REPORTERS:
        assert selectors.incident_get(actor=actor, pk=drill_report.pk) == drill_report
    else:
        with pytest.raises(NotFound):
            selectors.incident_get(actor=actor, pk=drill_report.pk)
    # The same on the web pages and the REST API.
    own_page = 200 if viewer in REPORTERS else 404
    client = client_for(actor)
    assert drill_report.title not in client.get("/incidents/").content.decode()
    for path in ("", "stix/", "misp/"):
        assert client.get(f"/incidents/{drill_report.pk}/{path}").status_code == own_page
    headers = bearer(actor)
    assert Client().get(f"/api/incidents/{drill_report.pk}", headers=headers).status_code == own_page
    listed = Client().get("/api/incidents/", headers=headers)
    ids = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    assert drill_report.pk not in ids


def test_the_real_cert_can_neither_triage_nor_share_an_exercise_report():
    desk = desk_make()
    drill = drill_make(desk)
    incident = _drill_report(desk, drill)
    assert not selectors.incident_may_handle(actor=desk.handler, incident=incident)
    assert not selectors.share_candidates(actor=desk.reporter, incident=incident).exists()


def test_the_handling_cert_is_not_told_of_an_exercise_report_nor_reminded_of_its_deadlines():
    desk = desk_make()
    drill = drill_make(desk)
    incident = _drill_report(desk, drill)
    draft = services.incident_create(
        actor=desk.reporter, draft=draft_make(), exercise=drill.exercise.pk, submit=False
    )
    Incident.objects.filter(pk=draft.pk).update(notify_by=timezone.now() + timedelta(hours=2))
    Incident.objects.filter(pk=incident.pk).update(written_report_by=timezone.now() + timedelta(hours=30))
    assert services.incident_reminders_send() == 0
    assert not Notification.objects.exists()


def test_a_drill_report_naming_the_teams_canary_still_scores_the_reporting_expectation(
    django_capture_on_commit_callbacks,
):
    desk = desk_make()
    drill = drill_make(desk)
    named = [ObservableIn(type="domain-name", value=drill.canary.value, ioc=True)]
    with django_capture_on_commit_callbacks(execute=True):
        incident = _drill_report(desk, drill, observables=named)
    evidence = Evidence.objects.get(canary=drill.canary, capability="report")
    assert evidence.source == incident.reference


def test_exercise_reports_are_purged_with_an_audit_row_when_the_after_action_report_is_approved():
    desk = desk_make()
    drill = drill_make(desk)
    real = desk.report()
    _drill_report(desk, drill)
    _drill_report(desk, drill, title="Second inject")
    drill_services.exercise_end(actor=drill.planner, exercise=drill.exercise)
    drill_services.report_approve(actor=drill.planner, exercise=drill.exercise)
    assert list(Incident.objects.all()) == [real]
    entry = AuditEntry.objects.get(action="incidents.exercise.purge")
    assert entry.target_id == str(drill.exercise.pk)


def test_the_api_takes_the_exercise_and_the_handling_cert_never_sees_the_report():
    desk = desk_make()
    drill = drill_make(desk)
    response = post(desk.reporter, {**BODY, "exercise": drill.exercise.pk})
    assert response.status_code == 201, response.content
    assert response.json()["is_exercise"] is True
    pk = response.json()["id"]
    handler = bearer(desk.handler)
    assert Client().get(f"/api/incidents/{pk}", headers=handler).status_code == 404
    assert Client().get(f"/api/incidents/{pk}/stix", headers=handler).status_code == 404
    assert pk not in [row["id"] for row in Client().get("/api/incidents/", headers=handler).json()["results"]]
    own = Client().get(f"/api/incidents/{pk}", headers=bearer(desk.reporter))
    assert own.json()["is_exercise"] is True and own.json()["exercise"] == drill.exercise.pk


def test_the_api_refuses_an_exercise_the_organisation_does_not_play_in_naming_the_field():
    desk = desk_make()
    drill = drill_make(desk)
    response = post(desk.outsider, {**BODY, "exercise": drill.exercise.pk})
    assert response.status_code == 422 and response.json()["field"] == "exercise"


def test_a_player_files_a_drill_report_through_the_form_and_its_page_carries_the_exercise_banner():
    from tests.cyber.incidents.test_views import FORM

    desk = desk_make()
    drill = drill_make(desk)
    client = client_for(desk.reporter)
    assert "Drill report for exercise" in client.get("/incidents/report/").content.decode()
    response = client.post("/incidents/report/", {**FORM, "exercise": str(drill.exercise.pk), "submit": "1"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and incident.is_exercise
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert page.count("EXERCISE — EXERCISE — EXERCISE") == 2
    desk_page = client_for(desk.handler).get("/incidents/").content.decode()
    assert FORM["title"] not in desk_page
    assert client_for(desk.handler).get(f"/incidents/{incident.pk}/").status_code == 404


def test_the_report_form_offers_no_exercise_to_an_organisation_that_plays_in_none():
    desk = desk_make()
    drill_make(desk)
    assert (
        "Drill report for exercise"
        not in client_for(desk.outsider).get("/incidents/report/").content.decode()
    )


def test_a_team_finds_its_drill_reports_on_their_own_page_and_nobody_else_does():
    desk = desk_make()
    drill = drill_make(desk)
    incident = _drill_report(desk, drill, title="Drill: beacon to the C2")
    page = client_for(desk.reporter_handler).get("/incidents/drill-reports/").content.decode()
    assert incident.title in page and "EXERCISE — EXERCISE — EXERCISE" in page
    for viewer in ("handler", "partner", "outsider"):
        assert (
            incident.title
            not in client_for(getattr(desk, viewer)).get("/incidents/drill-reports/").content.decode()
        )
