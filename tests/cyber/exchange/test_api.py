import pytest
from django.test import Client

from lionrock.cyber.exchange.models import ImportRun
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.exchange.fixtures import bundle, indicator
from tests.cyber.intel.test_api import bearer
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db


def _post(community, actor, data, name="b.json", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return Client().post(
        "/api/exchange/imports",
        {"file": SimpleUploadedFile(name, data), "collection": community.collection.alias, **fields},
        headers=bearer(actor),
    )


def test_a_file_is_imported_through_the_api_with_its_flags(community):
    response = _post(community, community.creator, b"8.8.8.8\nevil.example\n", name="l.txt")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["added"] == 2 and body["stored"] is True
    assert [flag["value"] for flag in body["flagged"]] == ["8.8.8.8"]


def test_a_dry_run_previews_and_stores_nothing(community):
    response = _post(community, community.creator, bundle(indicator()), dry_run="true")
    assert response.status_code == 200 and response.json()["counts"] == {"indicator": 1}
    assert not StixObject.objects.exists()


def test_a_bad_file_gets_422_naming_the_object_and_nothing_is_stored(community):
    bad = indicator(pattern="[nope")
    response = _post(community, community.creator, bundle(indicator(), bad))
    assert response.status_code == 422
    assert bad["id"] in response.json()["detail"]
    assert not StixObject.objects.exists()


def test_a_misp_event_nested_100000_deep_is_refused_with_a_json_422(community):
    deep = b'{"Event": {"Attribute": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}}"
    response = _post(community, community.creator, deep, name="event.json", format="misp")
    assert response.status_code == 422
    assert "nested" in response.json()["detail"]
    assert not StixObject.objects.exists()


def test_a_tlp_that_is_no_level_gets_422_naming_it_and_nothing_is_stored(community):
    response = _post(community, community.creator, bundle(indicator()), tlp="Ô.éÅ½ø")
    assert response.status_code == 422
    assert "'Ô.éÅ½ø' is not a TLP level" in response.json()["detail"]
    assert not StixObject.objects.exists() and not ImportRun.objects.exists()


def test_a_tlp_word_as_people_write_it_is_taken(community):
    response = _post(community, community.creator, b"evil.example\n", name="l.txt", tlp="TLP:AMBER+STRICT")
    assert response.status_code == 201, response.content
    assert StixObject.objects.get(type="indicator").tlp == Tlp.AMBER_STRICT


def test_a_reader_cannot_import(community):
    assert _post(community, community.group_reader, bundle(indicator())).status_code == 404


def test_an_export_streams_only_what_the_token_may_see(community):
    from lionrock.cyber.intel import services as intel

    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator("amber.example", tlp=Tlp.AMBER),
            indicator("strict.example", tlp=Tlp.AMBER_STRICT),
        ],
    )
    response = Client().get(
        f"/api/exchange/exports/{community.collection.alias}",
        {"format": "list", "kind": "domain"},
        headers=bearer(community.group_reader),
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "amber.example\n"


def test_feeds_are_created_and_listed_without_their_secret(community):
    response = Client().post(
        "/api/exchange/feeds",
        {
            "name": "Partner CERT",
            "url": "https://taxii.partner.example/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/",
            "collection": community.collection.alias,
            "auth": "bearer",
            "secret": "s3cret-token",
        },
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 201, response.content
    listing = Client().get("/api/exchange/feeds", headers=bearer(community.creator))
    assert [feed["name"] for feed in listing.json()] == ["Partner CERT"]
    assert b"s3cret" not in listing.content
    from lionrock.cyber.exchange.models import Feed

    assert "s3cret" not in Feed.objects.get().secret_sealed


def test_a_feed_to_a_private_address_is_refused_with_422(community):
    response = Client().post(
        "/api/exchange/feeds",
        {
            "name": "Inside",
            "url": "https://10.0.0.8/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/",
            "collection": community.collection.alias,
        },
        content_type="application/json",
        headers=bearer(community.creator),
    )
    assert response.status_code == 422
    assert "private, loopback or link-local" in response.json()["detail"]


def test_a_kind_given_to_a_format_that_takes_none_never_reaches_the_file_name(community):
    response = Client().get(
        f"/api/exchange/exports/{community.collection.alias}",
        {"format": "stix", "kind": "\x15\x04þ\r\nSet-Cookie: x=1"},
        headers=bearer(community.creator),
    )
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.isascii() and "\r" not in disposition and "Set-Cookie" not in disposition
    assert disposition.endswith('.json"')


def test_an_import_says_which_objects_were_given_the_collections_default_marking(community):
    unmarked = indicator("unmarked.example")
    marked = indicator("marked.example", tlp=Tlp.GREEN)
    response = _post(community, community.creator, bundle(unmarked, marked))
    assert response.status_code == 201, response.content
    notes = response.json()["notes"]
    assert len(notes) == 1 and notes[0].startswith(unmarked["id"] + ": ")
    run = ImportRun.objects.get(pk=response.json()["id"])
    html = client_for(community.creator).get(f"/exchange/imports/{run.pk}/").content.decode()
    assert "Changed on the way in" in html and unmarked["id"] in html
