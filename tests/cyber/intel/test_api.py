import json
import uuid

import pytest
from django.test import Client

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.access import Actor
from lionrock.core.audit.models import AuditEntry
from lionrock.cyber.intel import api as intel_api
from lionrock.cyber.intel import services
from lionrock.cyber.intel.models import CollectionGrant, StixObject
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.cyber.intel.factories import VIEWERS, VISIBILITY, community_make, indicator, sco
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

SCOPES = ("intel:read", "intel:write")


def bearer(actor: Actor, scopes: tuple[str, ...] = SCOPES) -> dict[str, str]:
    if actor.primary_organisation_id is None:
        return {"Authorization": "Bearer lrk_not_a_token"}
    _token, secret = account_services.token_create(
        actor=actor, organisation=actor.primary_organisation_id, name="tool", scopes=list(scopes)
    )
    return {"Authorization": f"Bearer {secret}"}


def _indicator_in(alias: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "collection": alias,
        "name": "Botnet controller",
        "value": "198.51.100.23",
        "value_type": "ipv4-addr",
        "labels": ["botnet"],
        "confidence": 70,
        "tlp": "amber",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_object_endpoint_follows_the_tlp_matrix(tlp, viewer):
    community = community_make()
    obj = indicator("api-matrix.example.com", tlp=tlp)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    headers = bearer(getattr(community, viewer))
    response = Client().get(f"/api/intel/objects/{obj['id']}", headers=headers)
    assert response.status_code == (200 if viewer in VISIBILITY[tlp] else 404)
    listed = Client().get("/api/intel/objects", {"value": "api-matrix.example.com"}, headers=headers)
    ids = [row["id"] for row in listed.json()["results"]] if listed.status_code == 200 else []
    assert (obj["id"] in ids) == (viewer in VISIBILITY[tlp])


def test_a_token_without_the_intel_scope_is_refused():
    community = community_make()
    obj = indicator(tlp=Tlp.CLEAR)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    headers = bearer(community.creator, ("account:read",))
    assert Client().get(f"/api/intel/objects/{obj['id']}", headers=headers).status_code == 403
    read_only = bearer(community.creator, ("intel:read",))
    assert Client().get(f"/api/intel/objects/{obj['id']}", headers=read_only).status_code == 200
    response = Client().post(
        "/api/intel/indicators",
        _indicator_in(community.collection.alias),
        content_type="application/json",
        headers=read_only,
    )
    assert response.status_code == 403 and StixObject.objects.count() == 1


def test_an_object_comes_with_its_visible_versions():
    community = community_make()
    first = indicator("versions.example.com", tlp=Tlp.GREEN)
    second = dict(first, modified="2025-03-02T08:00:00.000Z", name="Renamed")
    services.objects_add(actor=community.creator, collection=community.collection, objects=[first, second])
    body = Client().get(f"/api/intel/objects/{first['id']}", headers=bearer(community.outsider)).json()
    assert body["summary"]["name"] == "Renamed" and body["stix"]["name"] == "Renamed"
    assert [v["modified"][:10] for v in body["versions"]] == ["2025-03-02", "2025-03-01"]


def test_search_pages_and_filters():
    community = community_make()
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"h{n}.example.com", tlp=Tlp.GREEN, labels=["scan"]) for n in range(5)],
    )
    headers = bearer(community.direct_reader)
    body = (
        Client()
        .get("/api/intel/objects", {"label": "scan", "page_size": 2, "page": 2}, headers=headers)
        .json()
    )
    assert (body["count"], body["page"], body["pages"], len(body["results"])) == (5, 2, 3, 2)
    assert Client().get("/api/intel/objects", {"tlp": "red"}, headers=headers).json()["count"] == 0


def test_the_search_endpoint_runs_a_constant_number_of_queries(django_assert_max_num_queries):
    community = community_make()
    headers = bearer(community.direct_reader)
    client = Client()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.GREEN)]
    )
    client.get("/api/intel/objects", headers=headers)
    with django_assert_max_num_queries(20) as few:
        client.get("/api/intel/objects", headers=headers)
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"q{n}.example.com", tlp=Tlp.AMBER) for n in range(30)],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/intel/objects", headers=headers).json()["count"] == 31


def test_seen_elsewhere_finds_a_value_in_any_written_form():
    community = community_make()
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator("seen.example.net", tlp=Tlp.GREEN),
            sco("domain-name", "SEEN.example.net") | {"object_marking_refs": []},
        ],
    )
    body = Client().get(
        "/api/intel/seen", {"value": "seen[.]example[.]net"}, headers=bearer(community.group_reader)
    )
    assert body.status_code == 200
    assert body.json()["kind"] == "domain" and body.json()["value"] == "seen.example.net"
    assert len(body.json()["objects"]) == 2
    assert (
        Client()
        .get("/api/intel/seen", {"value": "just words"}, headers=bearer(community.creator))
        .status_code
        == 422
    )


def test_creating_an_indicator_builds_its_pattern_and_is_audited():
    community = community_make()
    response = Client().post(
        "/api/intel/indicators",
        _indicator_in(community.collection.alias),
        content_type="application/json",
        headers=bearer(community.direct_reader),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["pattern"] == "[ipv4-addr:value = '198.51.100.23']" and body["tlp"] == "amber"
    assert AuditEntry.objects.filter(action="intel.objects.add", summary__contains="via api").exists()


def test_updating_an_indicator_stores_a_new_version():
    community = community_make()
    headers = bearer(community.creator)
    created = (
        Client()
        .post(
            "/api/intel/indicators",
            _indicator_in(community.collection.alias),
            content_type="application/json",
            headers=headers,
        )
        .json()
    )
    response = Client().put(
        f"/api/intel/indicators/{created['id']}",
        {"name": "Botnet controller (taken down)", "valid_until": "2030-01-01T00:00:00Z"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content
    assert response.json()["modified"] > created["modified"]
    assert StixObject.objects.filter(stix_id=created["id"]).count() == 2
    assert response.json()["pattern"] == created["pattern"] and response.json()["tlp"] == "amber"


def test_another_organisation_cannot_update_an_indicator():
    community = community_make()
    obj = indicator("mine.example.com", tlp=Tlp.GREEN)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    response = Client().put(
        f"/api/intel/indicators/{obj['id']}",
        {"name": "hijacked"},
        content_type="application/json",
        headers=bearer(community.direct_reader),
    )
    assert response.status_code == 404 and StixObject.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [
        ({"value": None, "pattern": "[ipv4-addr:value = ]"}, 422, "pattern"),
        ({"value": "999.1.1.1"}, 422, "not a valid"),
        ({"name": "x" * 251}, 422, "name"),
        ({"collection": "no-such-collection"}, 404, "Not found"),
        ({"tlp": "red", "recipient_organisations": ["nobody"]}, 422, "unknown or do not take part"),
    ],
)
def test_bad_indicators_are_refused_precisely_and_nothing_is_stored(overrides, status, fragment):
    community = community_make()
    headers = bearer(community.creator)
    before = AuditEntry.objects.count()
    response = Client().post(
        "/api/intel/indicators",
        _indicator_in(community.collection.alias, **overrides),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == status
    assert fragment in response.content.decode()
    assert StixObject.objects.count() == 0 and AuditEntry.objects.count() == before


def test_a_bundle_is_stored_whole_or_refused_with_every_error():
    community = community_make()
    headers = bearer(community.direct_reader)
    good = indicator("bundle.example.com", tlp=Tlp.GREEN)
    broken = indicator("x", pattern="[domain-name:value = ", tlp=Tlp.GREEN)
    no_id = {"type": "indicator", "spec_version": "2.1"}
    url = f"/api/intel/collections/{community.collection.alias}/bundle"
    refused = Client().post(
        url,
        {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [good, broken, no_id]},
        content_type="application/json",
        headers=headers,
    )
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert {(e["index"], e["property"]) for e in errors} >= {(1, "pattern"), (2, "id")}
    assert errors[0]["id"] == broken["id"]
    assert StixObject.objects.count() == 0
    accepted = Client().post(url, {"objects": [good]}, content_type="application/json", headers=headers)
    assert accepted.status_code == 201 and accepted.json()["added"] == [good["id"]]
    again = Client().post(url, {"objects": [good]}, content_type="application/json", headers=headers)
    assert again.json() == {"added": [], "duplicates": [good["id"]], "notes": []}


def test_a_reader_cannot_post_a_bundle_to_a_collection_it_may_only_read():
    community = community_make()
    response = Client().post(
        f"/api/intel/collections/{community.collection.alias}/bundle",
        {"objects": [indicator(tlp=Tlp.GREEN)]},
        content_type="application/json",
        headers=bearer(community.group_reader),
    )
    assert response.status_code == 404 and StixObject.objects.count() == 0


def test_collections_are_listed_created_and_granted():
    community = community_make()
    headers = bearer(community.creator)
    listed = Client().get("/api/intel/collections", headers=headers).json()
    assert [(c["alias"], c["can_manage"]) for c in listed] == [(community.collection.alias, True)]
    created = Client().post(
        "/api/intel/collections",
        {"alias": "ddos-watch", "title": "DDoS watch", "default_tlp": "green", "max_tlp": "amber"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["owner"] == community.collection.owner.slug
    isp = community.outsider
    isp_slug = (
        Client()
        .get("/api/accounts/me", headers=bearer(isp, ("account:read",)))
        .json()["memberships"][0]["organisation"]
    )
    granted = Client().put(
        "/api/intel/collections/ddos-watch/grants",
        {"organisation": isp_slug, "can_read": True, "can_write": True},
        content_type="application/json",
        headers=headers,
    )
    assert granted.status_code == 200
    assert granted.json() == [{"organisation": isp_slug, "group": None, "can_read": True, "can_write": True}]
    assert CollectionGrant.objects.filter(collection__alias="ddos-watch").count() == 1
    outsider = Client().get("/api/intel/collections", headers=bearer(isp)).json()
    assert [c["alias"] for c in outsider] == ["ddos-watch"]


def test_stakeholders_cannot_manage_grants_or_create_collections():
    community = community_make()
    headers = bearer(community.direct_reader)
    alias = community.collection.alias
    assert Client().get(f"/api/intel/collections/{alias}/grants", headers=headers).status_code == 404
    response = Client().put(
        f"/api/intel/collections/{alias}/grants",
        {"organisation": "anyone", "can_read": True},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    response = Client().post(
        "/api/intel/collections",
        {"alias": "mine", "title": "Mine"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404


def test_a_signed_in_session_uses_the_api_too():
    community = community_make()
    obj = indicator(tlp=Tlp.GREEN)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    assert client_for(community.outsider).get(f"/api/intel/objects/{obj['id']}").status_code == 200


def test_the_openapi_schema_documents_the_intel_endpoints():
    community = community_make()
    schema = client_for(community.creator).get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/intel/objects",
        "/api/intel/objects/{stix_id}",
        "/api/intel/indicators",
        "/api/intel/indicators/{stix_id}",
        "/api/intel/collections",
        "/api/intel/collections/{key}/bundle",
        "/api/intel/collections/{key}/grants",
        "/api/intel/seen",
    ):
        assert path in paths, path
        for operation in paths[path].values():
            assert operation["summary"]
            assert "200" in operation["responses"] or "201" in operation["responses"]
    bundle = paths["/api/intel/collections/{key}/bundle"]["post"]["responses"]
    assert "422" in bundle and "RejectedOut" in str(bundle["422"])


def test_the_search_count_stops_at_its_cap_and_says_so(monkeypatch):
    community = community_make()
    headers = bearer(community.direct_reader)
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"cap{n}.example.com", tlp=Tlp.GREEN) for n in range(5)],
    )
    monkeypatch.setattr(intel_api, "COUNT_CAP", 3)
    body = Client().get("/api/intel/objects", {"page_size": 2}, headers=headers).json()
    assert (body["count"], body["count_exact"], body["pages"], len(body["results"])) == (3, False, 2, 2)
    monkeypatch.setattr(intel_api, "COUNT_CAP", 10)
    body = Client().get("/api/intel/objects", headers=headers).json()
    assert (body["count"], body["count_exact"]) == (5, True)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"expiring_within_days": "3000000"}, 422),
        ({"expiring_within_days": "-1"}, 422),
        ({"added_since": "0"}, 422),
        ({"added_since": "0001-01-01"}, 200),
        ({"added_until": "9999-12-31"}, 200),
        ({"added_since": "0001-01-01", "added_until": "9999-12-31", "expiring_within_days": "3650"}, 200),
    ],
)
def test_search_bounds_are_answered_in_json_never_with_a_server_error(query, status):
    community = community_make()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.GREEN)]
    )
    response = Client().get("/api/intel/objects", query, headers=bearer(community.creator))
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    if status == 200:
        assert response.json()["count"] == (0 if "expiring_within_days" in query else 1)


@pytest.mark.parametrize("depth", [100, 100_000])
def test_a_bundle_nested_too_deep_is_a_json_400_and_stores_nothing(depth):
    community = community_make()
    body = '{"type": "bundle", "id": "bundle--1", "objects": [' + _deep(depth) + "]}"
    response = Client().post(
        f"/api/intel/collections/{community.collection.alias}/bundle",
        body,
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
    assert not StixObject.objects.exists()


def test_a_bundle_larger_than_the_server_takes_is_a_json_413(settings):
    community = community_make()
    body = '{"type": "bundle", "objects": [], "padding": "' + "x" * (25 * 1024 * 1024) + '"}'
    response = Client().post(
        f"/api/intel/collections/{community.collection.alias}/bundle",
        body,
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


def test_an_unmarked_object_in_a_bundle_is_stored_with_the_default_marking_and_the_answer_says_so():
    community = community_make()
    unmarked = indicator("bundle-unmarked.example")
    response = Client().post(
        f"/api/intel/collections/{community.collection.alias}/bundle",
        {"objects": [unmarked]},
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 201
    (note,) = response.json()["notes"]
    assert note["id"] == unmarked["id"] and "TLP:AMBER" in note["message"]
    served = Client().get(f"/api/intel/objects/{unmarked['id']}", headers=bearer(community.creator)).json()
    assert json.loads(StixObject.objects.get(stix_id=unmarked["id"]).raw)["object_marking_refs"] == [
        MARKING_ID_FOR[Tlp.AMBER]
    ]
    assert served["summary"]["tlp"] == "amber"
    assert served["stix"]["object_marking_refs"] == [MARKING_ID_FOR[Tlp.AMBER]]


def test_a_bundle_with_an_object_marked_only_by_an_unknown_definition_is_refused():
    community = community_make()
    strange = indicator("bundle-strange.example", object_marking_refs=[f"marking-definition--{uuid.uuid4()}"])
    response = Client().post(
        f"/api/intel/collections/{community.collection.alias}/bundle",
        {"objects": [strange]},
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 422
    assert "not a marking definition known here" in json.dumps(response.json())
    assert not StixObject.objects.filter(stix_id=strange["id"]).exists()


def test_an_organisation_outside_intel_sharing_is_refused_as_a_recipient_with_the_reason():
    from lionrock.core.accounts.models import Organisation
    from tests.core.accounts.factories import OrganisationFactory

    community = community_make()
    shelter = OrganisationFactory(kind=Organisation.Kind.SUPPORT_SERVICE)
    response = Client().post(
        "/api/intel/indicators",
        _indicator_in(community.collection.alias, tlp="amber+strict", recipient_organisations=[shelter.slug]),
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 422
    assert "do not take part in intelligence sharing" in response.content.decode()
    assert shelter.slug in response.content.decode()
    assert StixObject.objects.count() == 0
