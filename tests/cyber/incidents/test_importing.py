import copy

import pytest
from django.test import Client

from lionrock.cyber.incidents import stix
from lionrock.cyber.incidents.models import Incident
from tests.cyber.incidents.factories import desk_make
from tests.cyber.incidents.test_api import bearer

pytestmark = pytest.mark.django_db


def _bundle(desk):
    """An incident exported by Lionrock itself, as another CERT's tool would send it."""
    incident = desk.report()
    bundle = stix.incident_bundle(incident, list(incident.observables.all()))
    Incident.objects.all().delete()
    return bundle


def post(actor, bundle):
    return Client().post(
        "/api/incidents/stix", bundle, content_type="application/json", headers=bearer(actor)
    )


def test_a_stix_incident_becomes_a_report_with_its_classification_and_observables():
    desk = desk_make()
    response = post(desk.reporter, _bundle(desk))
    assert response.status_code == 201, response.content
    [stored] = Incident.objects.all()
    assert stored.classification == 'rsit:availability="ddos"'
    assert stored.reporting_organisation == desk.isp and stored.reference
    assert {o.value for o in stored.observables.all()} == {"45.151.167.10", "tickets.example.hk"}


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (lambda b: b.pop("objects"), "bundle"),
        (lambda b: b["objects"].pop(1), "objects"),
        (lambda b: b["objects"][1].update(created="yesterday"), "bundle"),
        (
            lambda b: (
                b["objects"][1].pop("external_references"),
                b["objects"][1].update(labels=["x"]),
                b["objects"][1]["extensions"][stix.INCIDENT_CORE_EXTENSION].update(incident_types=["meteor"]),
            ),
            "objects[1].incident_types",
        ),
        (
            lambda b: b["objects"][1].update(
                created="2099-01-01T00:00:00.000Z", modified="2099-01-01T00:00:00.000Z"
            ),
            "objects[1].detected_at",
        ),
    ],
)
def test_a_malformed_stix_import_is_refused_naming_the_field_and_stores_nothing(damage, field):
    desk = desk_make()
    bundle = copy.deepcopy(_bundle(desk))
    damage(bundle)
    response = post(desk.reporter, bundle)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert not Incident.objects.exists()
