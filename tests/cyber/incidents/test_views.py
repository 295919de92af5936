import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.incidents.factories import desk_make
from tests.cyber.incidents.test_selectors import SHARED_VISIBILITY, VIEWERS, shared_incident
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Defacement of the results site",
    "classification": 'rsit:information-content-security="unauthorised-information-modification"',
    "severity": "high",
    "detected_at": "2026-11-12T10:00",
    "aware_at": "2026-11-12T10:05",
    "description": "Banner replaced.",
    "iocs": "45.151.167.10\nbad-cdn.example.net",
    "other_observables": "results.example.hk",
    "tlp": "amber",
    "pap": "amber",
}


def test_a_stakeholder_reports_through_the_form_and_sees_the_deadline():
    desk = desk_make()
    response = client_for(desk.reporter).post("/incidents/report/", {**FORM, "submit": "1"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert [(o.type, o.ioc) for o in incident.observables.all()] == [
        ("ipv4-addr", True),
        ("domain-name", True),
        ("domain-name", False),
    ]
    page = client_for(desk.reporter).get(f"/incidents/{incident.pk}/").content.decode()
    assert incident.reference in page


def test_a_bad_classification_in_the_form_shows_an_error_and_stores_nothing():
    desk = desk_make()
    response = client_for(desk.reporter).post(
        "/incidents/report/", {**FORM, "classification": "rsit:nope", "submit": "1"}
    )
    assert response.status_code == 200
    assert not Incident.objects.exists()


def test_the_cert_triages_from_the_incident_page():
    desk = desk_make()
    incident = desk.report()
    client = client_for(desk.handler)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Acknowledge" in page
    client.post(f"/incidents/{incident.pk}/act/acknowledge/")
    client.post(f"/incidents/{incident.pk}/act/request/", {"text": "Which upstream?"})
    client.post(
        f"/incidents/{incident.pk}/act/close/", {"summary": "Mitigated.", "lessons": "Pre-arrange scrubbing."}
    )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED and incident.acknowledged_at is not None
    assert incident.entries.filter(kind="request").count() == 1


@pytest.mark.parametrize("viewer", VIEWERS)
def test_web_pages_and_downloads_follow_the_visibility_matrix(viewer):
    desk = desk_make()
    incident = shared_incident(desk, Tlp.AMBER)
    client = client_for(getattr(desk, viewer))
    expected = 200 if viewer in SHARED_VISIBILITY[Tlp.AMBER] else 404
    for path in ("", "stix/", "misp/"):
        assert client.get(f"/incidents/{incident.pk}/{path}").status_code == expected
    listing = client.get("/incidents/")
    assert (incident.title in listing.content.decode()) == (expected == 200)


def test_the_desk_lists_due_and_overdue_reports():
    desk = desk_make()
    incident = desk.report(submit=False)
    Incident.objects.filter(pk=incident.pk).update(notify_by="2026-01-01T00:00:00+08:00")
    page = client_for(desk.reporter).get("/incidents/", {"status": "overdue"}).content.decode()
    assert "overdue" in page and incident.title in page


def test_the_platform_administrator_adds_a_clock_rule_from_a_date():
    desk = desk_make()
    client = client_for(desk.platform_admin)
    response = client.post(
        "/incidents/clocks/",
        {
            "regime": desk.regime.pk,
            "serious": "on",
            "notify_hours": "6",
            "report_days": "7",
            "effective_from": "2030-01-01",
        },
    )
    assert response.status_code == 302
    assert desk.regime.clocks.filter(serious=True).count() == 2
    assert client_for(desk.handler).get("/incidents/clocks/").status_code == 404


def test_handling_times_per_sector_are_for_the_handling_cert():
    desk = desk_make()
    incident = desk.report()
    from lionrock.cyber.incidents import services

    services.incident_acknowledge(actor=desk.handler, incident=incident)
    assert client_for(desk.handler).get("/incidents/times/").status_code == 200
    assert client_for(desk.reporter).get("/incidents/times/").status_code == 404


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_evidence_attached_to_a_report_is_downloaded_only_by_those_who_see_the_incident():
    from django.core.files.uploadedfile import SimpleUploadedFile

    desk = desk_make()
    client_for(desk.reporter).post(
        "/incidents/report/",
        {
            **FORM,
            "submit": "1",
            "attachments": [SimpleUploadedFile("ddos-graph.pdf", PDF, "application/pdf")],
        },
    )
    incident = Incident.objects.get()
    [attachment] = incident.attachments.all()
    for viewer in VIEWERS:
        expected = 200 if viewer in {"reporter", "reporter_handler", "handler"} else 404
        assert client_for(getattr(desk, viewer)).get(f"/files/{attachment.pk}/").status_code == expected, (
            viewer
        )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("evidence.pdf", b"MZ\x90\x00 an executable dressed as a PDF"),
        ("page.png", b"<html><script>alert(1)</script></html>"),
        ("huge.txt", b"x" * (10 * 1024 * 1024 + 1)),
    ],
)
def test_a_disguised_or_oversized_attachment_refuses_the_report_and_stores_nothing(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lionrock.core.files.models import Attachment

    desk = desk_make()
    response = client_for(desk.reporter).post(
        "/incidents/report/", {**FORM, "submit": "1", "attachments": [SimpleUploadedFile(name, data)]}
    )
    assert response.status_code == 200
    assert "id_attachments_error" in response.content.decode()
    assert not Incident.objects.exists() and not Attachment.objects.exists()


def test_the_incident_list_page_costs_the_same_queries_however_many_incidents(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    desk = desk_make()
    client = client_for(desk.handler)
    shared_incident(desk, Tlp.GREEN)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/incidents/").status_code == 200
    for tlp in (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED):
        shared_incident(desk, tlp)
        desk.report(submit=False)
    with django_assert_max_num_queries(len(first.captured_queries)):
        page = client.get("/incidents/").content.decode()
    assert page.count("/incidents/") >= 6


def test_the_incident_list_shows_a_page_of_the_newest_and_a_link_to_the_older_ones():
    from lionrock.cyber.incidents import selectors

    desk = desk_make()
    aware = timezone.now() - timedelta(days=2)
    titles = [f"Outage number {n:03d}" for n in range(selectors.DESK_PAGE + 2)]
    for hours, title in enumerate(titles):  # the first is the newest
        when = aware - timedelta(hours=hours)
        desk.report(title=title, aware_at=when, detected_at=when - timedelta(minutes=5))
    client = client_for(desk.handler)
    first = client.get("/incidents/").content.decode()
    assert titles[selectors.DESK_PAGE - 1] in first and titles[selectors.DESK_PAGE] not in first
    older = re.search(r'href="\?([^"]+)" rel="next"', first)
    assert older is not None
    second = client.get("/incidents/?" + html.unescape(older.group(1))).content.decode()
    assert titles[selectors.DESK_PAGE] in second and titles[-1] in second
    assert titles[0] not in second and 'rel="next"' not in second
