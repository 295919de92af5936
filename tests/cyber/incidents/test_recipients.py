"""TLP:RED goes to named people only: on every path (web, REST, exports, attachments, notifications)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.roles import Role
from lionrock.core.notifications.models import Notification
from lionrock.cyber.incidents import selectors, services
from lionrock.cyber.incidents.models import Incident, IncidentRecipient
from lionrock.cyber.incidents.services import IncidentInvalid
from lionrock.cyber.intel.tlp import Tlp
from tests.core.accounts.factories import actor_make
from tests.cyber.incidents.factories import desk_make
from tests.cyber.incidents.test_api import BODY, bearer, post
from tests.cyber.incidents.test_selectors import VIEWERS
from tests.cyber.incidents.test_views import FORM, PDF
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

NAMED = {"reporter", "handler"}


def _red(desk, **overrides):
    return desk.report(tlp=Tlp.RED, recipients=[desk.handler.user.email], **overrides)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_red_incident_is_seen_by_the_named_people_only_on_every_path(viewer):
    desk = desk_make()
    client_for(desk.reporter).post(
        "/incidents/report/",
        {
            **FORM,
            "tlp": "red",
            "recipients": desk.handler.user.email,
            "submit": "1",
            "attachments": [SimpleUploadedFile("graph.pdf", PDF, "application/pdf")],
        },
    )
    incident = Incident.objects.get()
    [attachment] = incident.attachments.all()
    actor = getattr(desk, viewer)
    allowed = viewer in NAMED
    assert selectors.incidents_visible(actor=actor).filter(pk=incident.pk).exists() == allowed
    assert (incident in selectors.incidents_desk(actor=actor)) == allowed
    expected = 200 if allowed else 404
    client = client_for(actor)
    for path in ("", "stix/", "misp/"):
        assert client.get(f"/incidents/{incident.pk}/{path}").status_code == expected
    assert client.get(f"/files/{attachment.pk}/").status_code == expected
    headers = bearer(actor)
    for suffix in ("", "/stix", "/misp"):
        assert Client().get(f"/api/incidents/{incident.pk}{suffix}", headers=headers).status_code == expected


def test_a_red_draft_is_seen_by_its_named_reporter_only():
    desk = desk_make()
    incident = desk.report(tlp=Tlp.RED, submit=False, recipients=[desk.handler.user.email])
    for viewer in VIEWERS:
        seen = selectors.incidents_visible(actor=getattr(desk, viewer)).filter(pk=incident.pk).exists()
        assert seen == (viewer == "reporter"), viewer


def test_the_reporter_names_a_colleague_and_the_colleague_sees_it():
    desk = desk_make()
    incident = desk.report(
        tlp=Tlp.RED, recipients=[desk.handler.user.email, desk.reporter_handler.user.email]
    )
    assert selectors.incident_get(actor=desk.reporter_handler, pk=incident.pk) == incident


def test_a_red_report_naming_no_handler_of_the_cert_is_refused_and_nothing_stored():
    desk = desk_make()
    with pytest.raises(IncidentInvalid) as refused:
        desk.report(tlp=Tlp.RED, recipients=[desk.reporter_handler.user.email])
    assert refused.value.field == "recipients"
    assert not Incident.objects.exists() and not IncidentRecipient.objects.exists()


def test_the_reporter_may_not_name_someone_outside_its_organisation_and_the_cert():
    desk = desk_make()
    with pytest.raises(IncidentInvalid) as refused:
        desk.report(tlp=Tlp.RED, recipients=[desk.handler.user.email, desk.outsider.user.email])
    assert refused.value.field == "recipients[1]"
    assert not Incident.objects.exists()


def test_the_handling_cert_adds_someone_of_another_organisation_who_then_sees_it():
    desk = desk_make()
    incident = _red(desk)
    with pytest.raises(NotFound):
        selectors.incident_get(actor=desk.partner, pk=incident.pk)
    services.incident_recipients_add(actor=desk.handler, incident=incident, emails=[desk.partner.user.email])
    assert selectors.incident_get(actor=desk.partner, pk=incident.pk) == incident
    with pytest.raises(NotFound):
        selectors.incident_get(actor=desk.outsider, pk=incident.pk)


def test_someone_not_named_cannot_name_people():
    desk = desk_make()
    incident = _red(desk)
    with pytest.raises(NotFound):
        services.incident_recipients_add(
            actor=desk.reporter_handler, incident=incident, emails=[desk.reporter_handler.user.email]
        )


def test_a_red_incidents_notices_reach_only_the_named_people():
    desk = desk_make()
    cert_org = desk.cert
    other_handler = actor_make([Role.INCIDENT_HANDLER], organisation=cert_org)
    incident = _red(desk)
    notified = set(
        Notification.objects.filter(kind="incidents.incident.submitted").values_list(
            "recipient_id", flat=True
        )
    )
    assert notified == {desk.handler.user.pk}
    assert other_handler.user.pk not in notified
    services.incident_acknowledge(actor=desk.handler, incident=incident)
    services.incident_request_information(actor=desk.handler, incident=incident, text="Which PoP?")
    asked = set(
        Notification.objects.filter(kind="incidents.incident.request").values_list("recipient_id", flat=True)
    )
    assert asked == {desk.reporter.user.pk}


def test_only_named_handlers_may_be_assigned_a_red_incident():
    desk = desk_make()
    actor_make([Role.INCIDENT_HANDLER], organisation=desk.cert)
    incident = _red(desk)
    assert list(selectors.handlers_of(actor=desk.handler, incident=incident)) == [desk.handler.user]


def test_the_api_takes_the_named_people_and_lists_them_back():
    desk = desk_make()
    response = post(desk.reporter, {**BODY, "tlp": "red", "recipients": [desk.handler.user.email]})
    assert response.status_code == 201, response.content
    got = Client().get(f"/api/incidents/{response.json()['id']}", headers=bearer(desk.handler)).json()
    assert sorted(got["recipients"]) == sorted([desk.reporter.user.email, desk.handler.user.email])
    refused = post(desk.reporter, {**BODY, "tlp": "red"})
    assert refused.status_code == 422 and refused.json()["field"] == "recipients"


def test_the_incident_page_lists_the_named_people_and_the_cert_names_more():
    desk = desk_make()
    incident = _red(desk)
    client = client_for(desk.handler)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Named people (TLP:RED)" in page and desk.reporter.user.email in page
    client.post(f"/incidents/{incident.pk}/act/recipients/", {"recipients": desk.partner.user.email})
    assert selectors.incident_get(actor=desk.partner, pk=incident.pk) == incident


def test_a_red_incident_sent_as_stix_is_refused_for_it_cannot_name_people():
    from lionrock.cyber.incidents import stix
    from lionrock.cyber.intel.tlp import MARKING_ID_FOR

    desk = desk_make()
    incident = _red(desk)
    bundle = stix.incident_bundle(incident, list(incident.observables.all()))
    Incident.objects.all().delete()
    for obj in bundle["objects"]:
        if obj["type"] == "incident":
            assert obj["object_marking_refs"] == [MARKING_ID_FOR[Tlp.RED]]
    response = Client().post(
        "/api/incidents/stix", bundle, content_type="application/json", headers=bearer(desk.reporter)
    )
    assert response.status_code == 422 and response.json()["field"].endswith("].recipients")
    assert not Incident.objects.exists()
