"""A real TAXII client against a live server on loopback: the OASIS taxii2-client, as stakeholders run it.

Every object the server hands out is checked with the OASIS stix2-validator.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from stix2validator import ValidationOptions, validate_instance
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection, Server, Status, as_pages

from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.intel.factories import community_make, indicator, sco
from tests.cyber.taxii.helpers import token_for

pytestmark = pytest.mark.django_db(transaction=True)

VALIDATION = ValidationOptions(version="2.1")


class BearerAuth(requests.auth.AuthBase):
    """What clients that speak Bearer (OpenCTI, most SIEMs) send."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.secret}"
        return request


def assert_valid_stix(objects: list[dict[str, Any]]) -> None:
    for obj in objects:
        result = validate_instance(obj, VALIDATION)
        assert result.is_valid, [str(error) for error in result.errors]


@pytest.fixture
def community():
    community = community_make()
    seeded = [indicator(f"seed{n}.example", tlp=Tlp.AMBER) for n in range(7)]
    seeded.append(sco("ipv4-addr", "203.0.113.9"))
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=seeded)
    community.seeded = seeded  # type: ignore[attr-defined]
    return community


def test_a_stakeholder_discovers_pulls_and_pushes_with_taxii2_client(live_server, community):
    secret = token_for(community.direct_reader)
    server = Server(f"{live_server.url}/taxii2/", user="isp-feed", password=secret)

    assert server.title
    (api_root,) = server.api_roots
    assert api_root.url == f"{live_server.url}/taxii2/api/"
    assert server.default.url == api_root.url
    assert api_root.max_content_length > 0
    (collection,) = api_root.collections
    assert collection.id == str(community.collection.id)
    assert (collection.can_read, collection.can_write) == (True, True)

    pulled: list[dict[str, Any]] = []
    pages = 0
    for envelope in as_pages(collection.get_objects, per_request=3):
        pages += 1
        pulled += envelope.get("objects", [])
    assert pages == 3
    assert [obj["id"] for obj in pulled] == [obj["id"] for obj in community.seeded]
    assert_valid_stix(pulled)

    mine = [indicator(f"pushed{n}.example", tlp=Tlp.GREEN) for n in range(3)]
    bad = indicator("broken.example", pattern="[file:hashes.'SHA-256' = ")
    status = collection.add_objects({"objects": [*mine, bad]}, wait_for_completion=True, poll_interval=0.1)
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (4, 3, 1)
    assert [failure["id"] for failure in status.failures] == [bad["id"]]
    polled = Status(f"{api_root.url}status/{status.id}/", conn=api_root._conn)
    assert polled.status == "complete"
    assert polled.success_count == 3

    manifest: list[dict[str, Any]] = []
    for page in as_pages(collection.get_manifest, per_request=5):
        manifest += page.get("objects", [])
    assert [record["id"] for record in manifest] == [o["id"] for o in community.seeded + mine]

    newest = collection.get_object(mine[-1]["id"])
    assert newest["objects"] == [mine[-1]]
    assert_valid_stix(newest["objects"])
    versions = collection.object_versions(mine[-1]["id"])
    assert versions["versions"] == [manifest[-1]["version"]]


def test_bearer_tokens_and_filters_through_the_client(live_server, community):
    secret = token_for(community.group_reader)
    collection = Collection(
        f"{live_server.url}/taxii2/api/collections/{community.collection.id}/", auth=BearerAuth(secret)
    )
    assert (collection.can_read, collection.can_write) == (True, False)
    only_ip = collection.get_objects(type="ipv4-addr")
    assert [obj["value"] for obj in only_ip["objects"]] == ["203.0.113.9"]
    assert_valid_stix(only_ip["objects"])
    first = collection.get_objects(limit=1)
    after = collection.get_objects(added_after=first["objects"] and _last_added(collection, first))
    assert len(after["objects"]) == len(community.seeded) - 1
    with pytest.raises(TAXIIServiceException):
        collection.add_objects({"objects": [indicator()]})


def _last_added(collection: Collection, _envelope: dict[str, Any]) -> str:
    response = collection._conn.session.get(
        collection.objects_url, params={"limit": 1}, headers={"Accept": "application/taxii+json;version=2.1"}
    )
    return response.headers["X-TAXII-Date-Added-Last"]


def test_a_wrong_token_is_refused_before_anything_is_served(live_server, community):
    server = Server(f"{live_server.url}/taxii2/", user="x", password="lrk_000000000000_wrong")
    with pytest.raises(requests.HTTPError) as refused:
        server.refresh()
    assert refused.value.response.status_code == 401
