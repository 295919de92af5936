"""The TLP leak matrix for objects that name other objects, on every read path.

A stakeholder allowed to see an indicator of any TLP reports a TLP:GREEN sighting of it, and the creator
relates it (TLP:GREEN) to a TLP:CLEAR object and cites it, beside the CLEAR one, in a TLP:GREEN report and
a TLP:GREEN note (object_refs). Whatever their own TLP, the sighting, the relationship, the report and the
note reach exactly the indicator's readers; nobody else finds the indicator's id on any page, in any REST
answer, over TAXII, in any export format, or on the monitoring dashboard and API.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client, TestCase

from lionrock.cyber.exchange import writers
from lionrock.cyber.intel import selectors
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.cyber.monitoring import services as monitoring_services
from tests.cyber.intel.factories import STAMP, VIEWERS, VISIBILITY, Community, community_make, indicator
from tests.cyber.intel.test_api import bearer
from tests.cyber.intel.test_views import client_for
from tests.cyber.taxii.helpers import Taxii, collection_url, token_for
from tests.cyber.taxii.test_visibility import COLLECTION_READERS

pytestmark = pytest.mark.django_db

GREEN = [MARKING_ID_FOR[Tlp.GREEN]]
EXPORTS: tuple[dict[str, str], ...] = (
    {"format": "stix"},
    {"format": "misp"},
    {"format": "csv"},
    {"format": "zeek"},
    {"format": "suricata-dataset", "kind": "domain"},
    {"format": "suricata-iprep"},
    {"format": "list", "kind": "domain"},
)


def _sighting(of: str) -> dict[str, Any]:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": STAMP,
        "modified": STAMP,
        "first_seen": STAMP,
        "last_seen": STAMP,
        "count": 3,
        "sighting_of_ref": of,
    }


def _relationship(source: str, target: str) -> dict[str, Any]:
    return {
        "type": "relationship",
        "spec_version": "2.1",
        "id": f"relationship--{uuid.uuid4()}",
        "created": STAMP,
        "modified": STAMP,
        "relationship_type": "related-to",
        "source_ref": source,
        "target_ref": target,
        "object_marking_refs": GREEN,
    }


def _citing(kind: str, refs: list[str]) -> dict[str, Any]:
    """A TLP:GREEN report or note whose object_refs name the given objects."""
    obj: dict[str, Any] = {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--{uuid.uuid4()}",
        "created": STAMP,
        "modified": STAMP,
        "object_refs": refs,
        "object_marking_refs": GREEN,
    }
    if kind == "report":
        obj |= {"name": "Campaign summary", "published": STAMP}
    else:
        obj["content"] = "Seen together in one campaign."
    return obj


class World:
    def __init__(self, tlp: Tlp) -> None:
        self.community, self.hidden, self.clear, self.sighting, self.relationship = _world(tlp)
        refs = [self.hidden["id"], self.clear["id"]]
        self.report = _citing("report", refs)
        self.note = _citing("note", refs)
        intel_services.objects_add(
            actor=self.community.creator,
            collection=self.community.collection,
            objects=[self.report, self.note],
        )

    @property
    def naming(self) -> dict[str, dict[str, Any]]:
        """Every object that names the hidden indicator, by kind."""
        return {
            "sighting": self.sighting,
            "relationship": self.relationship,
            "report": self.report,
            "note": self.note,
        }


def _world(tlp: Tlp) -> tuple[Community, dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    community = community_make()
    hidden = indicator("referenced.example", tlp=tlp)
    clear = indicator("clear.example", tlp=Tlp.CLEAR)
    intel_services.objects_add(
        actor=community.creator, collection=community.collection, objects=[hidden, clear]
    )
    sighting = _sighting(hidden["id"])
    # The reported path: someone who may see the indicator uploads sightings and picks TLP:GREEN for them.
    # The dashboard's rows follow the store's commit.
    with TestCase.captureOnCommitCallbacks(execute=True):
        monitoring_services.sightings_submit(
            actor=community.red_recipient,
            collection=community.collection,
            bundle={"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [sighting]},
            tlp=Tlp.GREEN,
        )
    relationship = _relationship(hidden["id"], clear["id"])
    intel_services.objects_add(
        actor=community.creator, collection=community.collection, objects=[relationship]
    )
    return community, hidden, clear, sighting, relationship


def _text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_green_object_naming_another_is_seen_only_by_readers_of_what_it_names(tlp, viewer):
    world = World(tlp)
    actor = getattr(world.community, viewer)
    expected = viewer in VISIBILITY[tlp]
    naming = {obj["id"] for obj in world.naming.values()}
    visible = set(
        selectors.stix_objects_visible(actor=actor)
        .filter(stix_id__in=naming)
        .values_list("stix_id", flat=True)
    )
    assert visible == (naming if expected else set())


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_no_read_path_names_an_object_the_reader_may_not_see(tlp, viewer):
    world = World(tlp)
    community, hidden, clear, sighting, relationship = (
        world.community,
        world.hidden,
        world.clear,
        world.sighting,
        world.relationship,
    )
    report, note = world.report, world.note
    actor = getattr(community, viewer)
    expected = viewer in VISIBILITY[tlp]
    alias = community.collection.alias
    api = bearer(actor)
    web = client_for(actor) if actor.user is not None else Client()
    taxii = Taxii(token_for(actor)) if actor.primary_organisation_id is not None else Taxii()

    answers: dict[str, Any] = {
        "REST browse": Client().get("/api/intel/objects", headers=api),
        "REST sightings": Client().get("/api/intel/objects", {"type": "sighting"}, headers=api),
        "REST sighting": Client().get(f"/api/intel/objects/{sighting['id']}", headers=api),
        "REST relationship": Client().get(f"/api/intel/objects/{relationship['id']}", headers=api),
        "REST related object": Client().get(f"/api/intel/objects/{clear['id']}", headers=api),
        "REST report": Client().get(f"/api/intel/objects/{report['id']}", headers=api),
        "REST note": Client().get(f"/api/intel/objects/{note['id']}", headers=api),
        "REST reports": Client().get("/api/intel/objects", {"type": "report"}, headers=api),
        "web browse": web.get("/intel/"),
        "web sighting": web.get(f"/intel/objects/{sighting['id']}/"),
        "web relationship": web.get(f"/intel/objects/{relationship['id']}/"),
        "web related object": web.get(f"/intel/objects/{clear['id']}/"),
        "web report": web.get(f"/intel/objects/{report['id']}/"),
        "web note": web.get(f"/intel/objects/{note['id']}/"),
        "TAXII objects": taxii.get(collection_url(community.collection, "objects/")),
        "TAXII manifest": taxii.get(collection_url(community.collection, "manifest/")),
        "TAXII sighting": taxii.get(collection_url(community.collection, f"objects/{sighting['id']}/")),
        "TAXII report": taxii.get(collection_url(community.collection, f"objects/{report['id']}/")),
        "TAXII reports": taxii.get(
            collection_url(community.collection, "objects/"), {"match[type]": "report"}
        ),
        "monitoring API": Client().get("/api/monitoring/indicators", headers=api),
        "monitoring dashboard": web.get("/monitoring/"),
        "monitoring indicator": web.get(f"/monitoring/indicators/{hidden['id']}/"),
    }
    for params in EXPORTS:
        name = params["format"]
        answers[f"REST export {name}"] = Client().get(f"/api/exchange/exports/{alias}", params, headers=api)
        answers[f"web export {name}"] = web.get("/exchange/export/", {"collection": alias, **params})
    bodies = {path: _text(response) for path, response in answers.items()}

    naming_paths = ("REST sighting", "web sighting", "REST relationship", "web relationship")
    naming_paths += ("REST report", "web report", "REST note", "web note")
    if expected:
        for path in naming_paths:
            assert answers[path].status_code == 200, path
        if viewer in COLLECTION_READERS:
            for path in ("TAXII sighting", "REST export stix", "web export stix"):
                assert sighting["id"] in bodies[path], path
                assert path == "TAXII sighting" or relationship["id"] in bodies[path], path
            for path in ("TAXII report", "TAXII reports", "REST export stix"):
                assert report["id"] in bodies[path], path
        return
    # The indicator's own monitoring page is asked for by its id: it must answer as for an unknown id.
    assert answers.pop("monitoring indicator").status_code in (403, 404)
    bodies.pop("monitoring indicator")
    leaks = [path for path, body in bodies.items() if hidden["id"] in body]
    assert leaks == []
    for path in (*naming_paths, "TAXII sighting", "TAXII report"):
        assert answers[path].status_code in (401, 403, 404), path
    for path in ("REST reports", "TAXII reports", "REST export stix", "web export stix"):
        assert report["id"] not in bodies[path], path


def test_every_export_format_is_in_the_matrix():
    assert {params["format"] for params in EXPORTS} == set(writers.FORMATS)


def test_a_reference_to_an_object_not_stored_here_does_not_hide_the_object_naming_it():
    community = community_make()
    sighting = _sighting(f"indicator--{uuid.uuid4()}") | {"object_marking_refs": GREEN}
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[sighting])
    assert selectors.stix_objects_visible(actor=community.outsider).filter(stix_id=sighting["id"]).exists()


def test_a_sighting_reappears_for_readers_once_its_indicator_is_shared_more_widely():
    community = community_make()
    first = indicator("later-green.example", tlp=Tlp.RED)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[first])
    sighting = _sighting(first["id"]) | {"object_marking_refs": GREEN}
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[sighting])
    outsider = selectors.stix_objects_visible(actor=community.outsider)
    assert not outsider.filter(stix_id=sighting["id"]).exists()
    wider = first | {"modified": "2025-03-02T08:00:00.000Z", "object_marking_refs": GREEN}
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[wider])
    assert outsider.filter(stix_id=sighting["id"]).exists()


def test_browsing_costs_the_same_queries_however_many_sightings_are_shown():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = community_make()
    seen = indicator("counted.example", tlp=Tlp.GREEN)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[seen])
    headers = bearer(community.direct_reader)

    def browse() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = Client().get("/api/intel/objects", {"type": "sighting"}, headers=headers)
        assert response.status_code == 200
        return len(queries)

    intel_services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[_sighting(seen["id"]) | {"object_marking_refs": GREEN}],
    )
    browse()  # the token's first use is recorded once
    one = browse()
    intel_services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[_sighting(seen["id"]) | {"object_marking_refs": GREEN} for _ in range(20)],
    )
    assert browse() == one
