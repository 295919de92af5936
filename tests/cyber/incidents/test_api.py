import pytest
from django.test import Client
from stix2validator import ValidationOptions, validate_instance

from lionrock.core.accounts import services as account_services
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.incidents.stix import INCIDENT_CORE_EXTENSION
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.incidents.factories import desk_make
from tests.cyber.incidents.test_selectors import SHARED_VISIBILITY, VIEWERS, shared_incident

pytestmark = pytest.mark.django_db

BODY = {
    "title": "DDoS on the ticketing site",
    "classification": 'rsit:availability="ddos"',
    "serious": True,
    "detected_at": "2026-11-10T09:00:00+08:00",
    "aware_at": "2026-11-10T09:20:00+08:00",
    "description": "Volumetric attack",
    "tlp": "amber",
    "observables": [
        {"type": "ipv4-addr", "value": "45.151.167.10", "ioc": True},
        {"type": "file-sha256", "value": "a" * 64, "ioc": True},
        {"type": "domain-name", "value": "tickets.example.hk", "ioc": False},
    ],
}


def bearer(actor, scopes=("incidents:read", "incidents:write")):
    if actor.primary_organisation_id is None:
        return {"Authorization": "Bearer lrk_not_a_token"}
    _token, secret = account_services.token_create(
        actor=actor, organisation=actor.primary_organisation_id, name="tool", scopes=list(scopes)
    )
    return {"Authorization": f"Bearer {secret}"}


def post(actor, body, scopes=("incidents:read", "incidents:write")):
    return Client().post(
        "/api/incidents/", body, content_type="application/json", headers=bearer(actor, scopes)
    )


def test_a_stakeholder_reports_over_the_api_and_gets_the_reference_and_deadline():
    desk = desk_make()
    response = post(desk.reporter, BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"].startswith("INC-2026-")
    assert data["notify_by"] == "2026-11-10T21:20:00+08:00"  # 12 h after awareness
    incident = Incident.objects.get(pk=data["id"])
    assert incident.reporting_organisation == desk.isp
    got = Client().get(f"/api/incidents/{data['id']}", headers=bearer(desk.handler))
    assert got.status_code == 200 and got.json()["classification"] == BODY["classification"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"classification": 'rsit:availability="meteor"'}, "classification"),
        ({"aware_at": "2099-01-01T00:00:00+08:00"}, "aware_at"),
        ({"aware_at": "2026-11-10T08:00:00+08:00"}, "aware_at"),
        ({"observables": [{"type": "ipv4-addr", "value": "not an address"}]}, "observables[0].value"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_with_nothing_stored(change, field):
    desk = desk_make()
    response = post(desk.reporter, {**BODY, **change})
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert Incident.objects.count() == 0


def test_a_token_without_the_incidents_write_scope_cannot_report():
    desk = desk_make()
    response = post(desk.reporter, BODY, scopes=("incidents:read",))
    assert response.status_code == 403 and "incidents:write" in response.json()["detail"]
    assert Incident.objects.count() == 0


def test_a_token_without_the_incidents_read_scope_cannot_read():
    desk = desk_make()
    incident = desk.report()
    response = Client().get(f"/api/incidents/{incident.pk}", headers=bearer(desk.handler, ("intel:read",)))
    assert response.status_code == 403 and "incidents:read" in response.json()["detail"]


@pytest.mark.parametrize("tlp", [Tlp.GREEN, Tlp.AMBER, Tlp.RED])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_api_path_follows_the_visibility_matrix(tlp, viewer):
    desk = desk_make()
    incident = shared_incident(desk, tlp)
    headers = bearer(getattr(desk, viewer))
    expected = 200 if viewer in SHARED_VISIBILITY[tlp] else 404
    for suffix in ("", "/stix", "/misp"):
        assert Client().get(f"/api/incidents/{incident.pk}{suffix}", headers=headers).status_code == expected
    listed = Client().get("/api/incidents/", headers=headers)
    ids = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    assert (incident.pk in ids) == (expected == 200)


def test_the_stix_bundle_carries_the_incident_core_extension_and_passes_the_oasis_validator():
    desk = desk_make()
    created = post(desk.reporter, BODY).json()
    bundle = Client().get(f"/api/incidents/{created['id']}/stix", headers=bearer(desk.handler)).json()
    incident = next(obj for obj in bundle["objects"] if obj["type"] == "incident")
    extension = incident["extensions"][INCIDENT_CORE_EXTENSION]
    assert extension["investigation_status"] == "new"
    assert extension["incident_types"] == ["ddos"]
    assert len(extension["other_object_refs"]) == 3
    result = validate_instance(bundle, ValidationOptions(version="2.1", strict=True))
    assert result.is_valid, [str(e) for e in result.errors]
