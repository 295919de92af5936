"""The dashboard's rows follow the store after its commit; the periodic catch-up writes what was missed."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from lionrock.core.accounts.models import Organisation
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.monitoring import selectors, services, sightings
from lionrock.cyber.monitoring.models import Sighting
from tests.cyber.intel.factories import community_make, indicator
from tests.cyber.monitoring.factories import operator_make

pytestmark = pytest.mark.django_db


def _sighting(indicator_id: str) -> dict[str, Any]:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": "2026-01-02T00:00:00.000Z",
        "modified": "2026-01-02T00:00:00.000Z",
        "sighting_of_ref": indicator_id,
        "count": 4,
    }


def _submitted_without_its_receiver() -> tuple[Any, dict[str, Any]]:
    """A sighting stored, committed as far as the store knows, whose after-commit receiver never ran
    (as after a crash between the commit and the callback): the test's transaction never commits."""
    community = community_make()
    bad = indicator("missed.example", tlp=Tlp.GREEN)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
    operator = operator_make(Organisation.objects.get(pk=community.direct_reader.primary_organisation_id))
    services.sightings_submit(
        actor=operator,
        collection=community.collection,
        bundle={"type": "bundle", "objects": [_sighting(bad["id"])]},
    )
    return community, bad


def test_a_sighting_whose_receiver_never_ran_reaches_the_dashboard_at_the_next_catch_up():
    community, bad = _submitted_without_its_receiver()
    assert not Sighting.objects.exists()
    stored = StixObject.objects.get(type="sighting")

    assert sightings.sightings_catch_up(now=stored.date_added + timedelta(minutes=1)) == 0  # its grace
    assert sightings.sightings_catch_up(now=stored.date_added + timedelta(minutes=10)) == 1
    row = Sighting.objects.get()
    assert (row.stix_object_id, row.indicator_id, row.count) == (stored.pk, bad["id"], 4)
    assert [r.indicator_id for r in selectors.indicators_sighted(actor=community.creator, days=3650)] == [
        bad["id"]
    ]
    assert sightings.sightings_catch_up(now=stored.date_added + timedelta(minutes=20)) == 0  # nothing twice


def test_the_catch_up_leaves_sightings_older_than_its_window_and_those_of_drills_alone():
    _submitted_without_its_receiver()
    stored = StixObject.objects.get(type="sighting")
    assert sightings.sightings_catch_up(now=stored.date_added + timedelta(days=3)) == 0  # out of its window
    stored.collection.is_exercise = True
    stored.collection.save(update_fields=["is_exercise"])
    assert sightings.sightings_catch_up(now=stored.date_added + timedelta(minutes=10)) == 0
    assert not Sighting.objects.exists()
