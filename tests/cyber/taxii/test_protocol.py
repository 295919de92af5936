"""The TAXII 2.1 server as a client sees it: every endpoint and every error of the conformance checklist."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.cyber.taxii.models import Status
from lionrock.cyber.taxii.protocol import STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE
from tests.cyber.intel.factories import community_make, indicator, sco
from tests.cyber.taxii.helpers import ROOT, Taxii, collection_url, envelope, token_for

pytestmark = pytest.mark.django_db

RFC3339_MICRO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@pytest.fixture
def community():
    return community_make()


@pytest.fixture
def creator(community):
    return Taxii(token_for(community.creator))


def add(community, *objects, actor=None):
    return intel_services.objects_add(
        actor=actor or community.creator, collection=community.collection, objects=list(objects)
    )


def stored(community, count, **extra):
    """Objects stored as sent (marked: an unmarked one gets the collection's default marking added)."""
    extra.setdefault("tlp", Tlp.AMBER)
    objects = [indicator(f"host{n}.example", **extra) for n in range(count)]
    add(community, *objects)
    return objects


def ids_of(response):
    return [obj["id"] for obj in response.json().get("objects", [])]


def assert_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == TAXII_MEDIA_TYPE
    body = response.json()
    assert body["title"]
    assert body["http_status"] == str(status)


class TestAuthentication:
    def test_no_credentials_is_401_with_a_challenge(self):
        response = Taxii().get("/taxii2/")
        assert_error(response, 401)
        assert "Basic" in response["WWW-Authenticate"]
        assert "Bearer" in response["WWW-Authenticate"]

    def test_an_unknown_token_is_401(self):
        assert_error(Taxii("lrk_000000000000_nope").get("/taxii2/"), 401)

    def test_a_revoked_token_is_401(self, community):
        from lionrock.core.accounts import services as account_services
        from lionrock.core.accounts.models import ApiToken

        secret = token_for(community.direct_reader)
        token = ApiToken.objects.get(prefix=secret.split("_")[1])
        account_services.token_revoke(actor=community.direct_reader, token=token)
        assert_error(Taxii(secret).get(ROOT), 401)

    def test_http_basic_with_the_token_as_password(self, community):
        secret = token_for(community.direct_reader)
        client = Taxii()
        basic = base64.b64encode(f"isp-feed:{secret}".encode()).decode()
        response = client.get(ROOT + "collections/", headers={"Authorization": f"Basic {basic}"})
        assert response.status_code == 200
        assert [c["id"] for c in response.json()["collections"]] == [str(community.collection.id)]

    def test_http_basic_with_a_wrong_password_is_401(self):
        basic = base64.b64encode(b"someone:guess").decode()
        assert_error(Taxii().get(ROOT, headers={"Authorization": f"Basic {basic}"}), 401)

    def test_a_browser_session_past_mfa_may_read(self, community, signed_in):
        from lionrock.core.accounts.models import Organisation
        from lionrock.core.accounts.roles import Role

        obj = indicator(tlp=Tlp.AMBER)
        add(community, obj)
        isp = Organisation.objects.get(pk=community.direct_reader.primary_organisation_id)
        browser = Taxii(client=signed_in([Role.INTEL_STAKEHOLDER], organisation=isp))
        response = browser.get(collection_url(community.collection, "objects/"))
        assert ids_of(response) == [obj["id"]]

    def test_a_browser_session_without_mfa_is_401(self, community):
        from django.test import Client

        browser = Client()
        browser.force_login(community.direct_reader.user)
        assert_error(Taxii(client=browser).get(ROOT), 401)

    def test_a_browser_session_with_a_one_time_password_is_refused_until_it_is_changed(self, signed_in):
        from lionrock.core.accounts.roles import Role
        from tests.core.conftest import session_after_password_reset

        browser = session_after_password_reset(signed_in([Role.INTEL_STAKEHOLDER]))
        response = Taxii(client=browser).get(ROOT)
        assert_error(response, 403)
        assert "one-time password" in response.json()["description"]

    def test_a_browser_session_cannot_write(self, community, signed_in):
        from lionrock.core.accounts.roles import Role

        browser = signed_in([Role.INTEL_ANALYST], organisation=community.collection.owner)
        response = Taxii(client=browser).post(collection_url(community.collection, "objects/"), envelope())
        assert_error(response, 401)


class TestMediaTypes:
    def test_answers_carry_the_taxii_media_type(self, creator):
        response = creator.get("/taxii2/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/taxii+json;version=2.1"

    @pytest.mark.parametrize(
        "accept", ["application/json", "text/html", "application/taxii+json;version=2.0"]
    )
    def test_a_request_not_accepting_taxii_21_is_406(self, creator, accept):
        assert_error(creator.get("/taxii2/", headers={"Accept": accept}), 406)

    def test_a_request_without_accept_is_406(self, community):
        secret = token_for(community.creator)
        from django.test import Client

        response = Client().get("/taxii2/", headers={"Authorization": f"Bearer {secret}"})
        assert_error(response, 406)

    @pytest.mark.parametrize(
        "accept",
        [
            "application/taxii+json",
            "application/taxii+json;version=2.1",
            "application/json, application/taxii+json; version=2.1; q=0.9",
        ],
    )
    def test_bare_and_versioned_taxii_media_types_are_accepted(self, creator, accept):
        assert creator.get("/taxii2/", headers={"Accept": accept}).status_code == 200

    def test_post_with_a_wrong_content_type_is_415(self, community, creator):
        url = collection_url(community.collection, "objects/")
        response = creator.post(url, envelope(indicator()), content_type="application/json")
        assert_error(response, 415)
        assert not Status.objects.exists()

    def test_an_unknown_method_is_405(self, community, creator):
        response = creator.client.put(ROOT, "{}", headers=creator.headers)
        assert_error(response, 405)


class TestDiscoveryAndRoot:
    def test_discovery_lists_the_api_root_to_a_stakeholder(self, community):
        body = Taxii(token_for(community.direct_reader)).get("/taxii2/").json()
        assert body["title"]
        assert body["api_roots"] == ["http://testserver/taxii2/api/"]
        assert body["default"] == "http://testserver/taxii2/api/"

    def test_discovery_lists_no_root_to_someone_without_an_intel_role(self, community):
        body = Taxii(token_for(community.no_intel_role)).get("/taxii2/").json()
        assert "api_roots" not in body

    def test_discovery_lists_no_root_to_a_token_without_intel_scopes(self, community):
        body = Taxii(token_for(community.direct_reader, ("account:read",))).get("/taxii2/").json()
        assert "api_roots" not in body

    def test_the_api_root_advertises_taxii_21_and_a_content_limit(self, creator):
        body = creator.get(ROOT).json()
        assert body["versions"] == [TAXII_MEDIA_TYPE]
        assert body["max_content_length"] > 0
        assert body["title"] == "Lionrock"

    def test_the_api_root_is_404_to_someone_who_cannot_use_it(self, community):
        assert_error(Taxii(token_for(community.no_intel_role)).get(ROOT), 404)


class TestCollections:
    def test_lists_only_collections_the_caller_may_know_with_rights(self, community):
        body = Taxii(token_for(community.group_reader)).get(ROOT + "collections/").json()
        (listed,) = body["collections"]
        assert listed["id"] == str(community.collection.id)
        assert (listed["can_read"], listed["can_write"]) == (True, False)
        assert listed["media_types"] == [STIX_MEDIA_TYPE]
        assert listed["title"] == "Shared indicators"

    def test_an_empty_list_omits_the_collections_key(self, community):
        assert Taxii(token_for(community.outsider)).get(ROOT + "collections/").json() == {}

    def test_one_collection_with_its_rights(self, community):
        body = Taxii(token_for(community.direct_reader)).get(collection_url(community.collection)).json()
        assert body["id"] == str(community.collection.id)
        assert (body["can_read"], body["can_write"]) == (True, True)
        assert body["alias"] == community.collection.alias

    def test_a_collection_the_caller_may_not_know_is_404(self, community):
        assert_error(Taxii(token_for(community.outsider)).get(collection_url(community.collection)), 404)

    def test_a_collection_is_named_by_id_not_short_code(self, community, creator):
        assert_error(creator.get(f"{ROOT}collections/{community.collection.alias}/"), 404)

    def test_an_unreadable_collection_is_404_on_every_endpoint(self, community):
        outsider = Taxii(token_for(community.outsider))
        obj = stored(community, 1)[0]
        for tail in ("manifest/", "objects/", f"objects/{obj['id']}/", f"objects/{obj['id']}/versions/"):
            assert_error(outsider.get(collection_url(community.collection, tail)), 404)


class TestObjects:
    def test_objects_come_oldest_first_in_an_envelope_as_stored(self, community, creator):
        objects = stored(community, 3)
        response = creator.get(collection_url(community.collection, "objects/"))
        body = response.json()
        assert body["more"] is False
        assert "next" not in body
        assert body["objects"] == objects

    def test_every_page_carries_date_added_first_and_last(self, community, creator):
        stored(community, 3)
        response = creator.get(collection_url(community.collection, "objects/"), {"limit": 2})
        first, last = response["X-TAXII-Date-Added-First"], response["X-TAXII-Date-Added-Last"]
        assert RFC3339_MICRO.match(first) and RFC3339_MICRO.match(last)
        assert first < last
        manifest = creator.get(collection_url(community.collection, "manifest/"), {"limit": 2}).json()
        assert [m["date_added"] for m in manifest["objects"]] == [first, last]

    def test_an_empty_page_has_no_objects_key(self, community, creator):
        body = creator.get(collection_url(community.collection, "objects/")).json()
        assert body == {"more": False}

    def test_added_after_is_exclusive(self, community, creator):
        stored(community, 3)
        url = collection_url(community.collection, "objects/")
        everything = creator.get(url)
        last = everything["X-TAXII-Date-Added-Last"]
        after_last = creator.get(url, {"added_after": last})
        assert after_last.status_code == 200
        assert after_last.json() == {"more": False}
        first = everything["X-TAXII-Date-Added-First"]
        assert ids_of(creator.get(url, {"added_after": first})) == ids_of(everything)[1:]

    def test_limit_more_and_next_walk_the_collection_once(self, community, creator):
        objects = stored(community, 7)
        url = collection_url(community.collection, "objects/")
        seen, params, pages = [], {"limit": 3}, 0
        while True:
            body = creator.get(url, params).json()
            pages += 1
            seen += [obj["id"] for obj in body.get("objects", [])]
            if not body["more"]:
                break
            params = {"limit": 3, "next": body["next"]}
        assert pages == 3
        assert seen == [obj["id"] for obj in objects]

    def test_pages_never_skip_or_repeat_while_objects_are_being_added(self, community, creator):
        first_batch = stored(community, 5)
        url = collection_url(community.collection, "objects/")
        seen, added, params = [], list(first_batch), {"limit": 2}
        for round_ in range(20):
            body = creator.get(url, params).json()
            seen += [obj["id"] for obj in body.get("objects", [])]
            if round_ < 4:  # objects keep arriving while the client pages
                more = [indicator(f"late{round_}-{n}.example") for n in range(3)]
                add(community, *more)
                added += more
            if not body["more"]:
                break
            params = {"limit": 2, "next": body["next"]}
        assert seen == [obj["id"] for obj in added]
        assert len(seen) == len(set(seen))

    def test_the_client_may_change_the_page_size_with_a_next(self, community, creator):
        objects = stored(community, 5)
        url = collection_url(community.collection, "objects/")
        first = creator.get(url, {"limit": 2}).json()
        rest = creator.get(url, {"limit": 10, "next": first["next"]}).json()
        assert ids_of_body(first) + ids_of_body(rest) == [obj["id"] for obj in objects]

    def test_a_next_with_a_changed_query_is_400(self, community, creator):
        stored(community, 3)
        url = collection_url(community.collection, "objects/")
        first = creator.get(url, {"limit": 1, "match[type]": "indicator"}).json()
        response = creator.get(url, {"limit": 1, "match[type]": "malware", "next": first["next"]})
        assert_error(response, 400)
        assert_error(creator.get(url, {"limit": 1, "next": first["next"]}), 400)

    def test_a_next_from_another_collection_or_endpoint_is_400(self, community, creator):
        stored(community, 3)
        first = creator.get(collection_url(community.collection, "objects/"), {"limit": 1}).json()
        response = creator.get(collection_url(community.collection, "manifest/"), {"next": first["next"]})
        assert_error(response, 400)

    def test_a_next_used_by_someone_else_is_400(self, community, creator):
        stored(community, 3)
        url = collection_url(community.collection, "objects/")
        first = creator.get(url, {"limit": 1}).json()
        other = Taxii(token_for(community.colleague))
        assert_error(other.get(url, {"limit": 1, "next": first["next"]}), 400)

    def test_a_forged_next_is_400(self, community, creator):
        url = collection_url(community.collection, "objects/")
        assert_error(creator.get(url, {"next": "not-a-token"}), 400)

    @pytest.mark.parametrize(
        "params",
        [
            {"limit": "0"},
            {"limit": "-1"},
            {"limit": "ten"},
            {"added_after": "yesterday"},
            {"added_after": "2025-01-01T00:00:00"},
            {"match[version]": "newest"},
            {"match[id]": ""},
            {"match[colour]": "red"},
        ],
    )
    def test_malformed_parameters_are_400(self, community, creator, params):
        assert_error(creator.get(collection_url(community.collection, "objects/"), params), 400)

    def test_added_after_may_be_given_only_once(self, community, creator):
        url = collection_url(community.collection, "objects/")
        query = "?added_after=2025-01-01T00:00:00Z&added_after=2025-01-02T00:00:00Z"
        assert_error(creator.client.get(url + query, headers=creator.headers), 400)

    def test_match_type_and_id_are_anded_and_values_ored(self, community, creator):
        a, b = stored(community, 2)
        ip = sco("ipv4-addr", "198.51.100.7")
        add(community, ip)
        url = collection_url(community.collection, "objects/")
        assert ids_of(creator.get(url, {"match[type]": "ipv4-addr"})) == [ip["id"]]
        assert ids_of(creator.get(url, {"match[type]": "indicator,ipv4-addr"})) == [
            a["id"],
            b["id"],
            ip["id"],
        ]
        assert ids_of(creator.get(url, {"match[id]": f"{a['id']},{ip['id']}"})) == [a["id"], ip["id"]]
        assert ids_of(creator.get(url, {"match[type]": "indicator", "match[id]": ip["id"]})) == []

    def test_match_version_first_last_all_and_a_timestamp(self, community, creator):
        v1 = indicator("versioned.example")
        v2 = {**v1, "modified": "2025-04-01T00:00:00.000Z", "name": "second"}
        v3 = {**v1, "modified": "2025-05-01T00:00:00.000Z", "name": "third"}
        add(community, v1)
        add(community, v3)
        add(community, v2)  # arrives late: newest by date_added, not by modified
        url = collection_url(community.collection, "objects/")

        def names(params):
            return [obj["name"] for obj in creator.get(url, params).json().get("objects", [])]

        assert names({}) == ["third"]
        assert names({"match[version]": "last"}) == ["third"]
        assert names({"match[version]": "first"}) == [v1["name"]]
        assert names({"match[version]": "all"}) == [v1["name"], "third", "second"]
        assert names({"match[version]": "2025-04-01T00:00:00Z"}) == ["second"]
        assert names({"match[version]": "first,last"}) == [v1["name"], "third"]

    def test_match_spec_version(self, community, creator):
        stored(community, 2)
        url = collection_url(community.collection, "objects/")
        assert len(ids_of(creator.get(url, {"match[spec_version]": "2.1"}))) == 2
        assert ids_of(creator.get(url, {"match[spec_version]": "2.0"})) == []

    def test_a_page_costs_the_same_queries_whatever_its_size(self, community, creator):
        stored(community, 60)
        url = collection_url(community.collection, "objects/")
        creator.get(ROOT)  # the token's first use records last_used_at; not part of a page's cost
        counts = []
        for limit in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                assert len(ids_of(creator.get(url, {"limit": limit}))) == limit
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_a_deep_page_costs_no_more_queries_than_the_first(
        self, community, creator, django_assert_max_num_queries
    ):
        stored(community, 40)
        url = collection_url(community.collection, "objects/")
        body = creator.get(url, {"limit": 30}).json()
        with django_assert_max_num_queries(20):
            deep = creator.get(url, {"limit": 30, "next": body["next"]})
        assert len(ids_of(deep)) == 10
        with django_assert_max_num_queries(20):
            creator.get(collection_url(community.collection, "manifest/"), {"limit": 30})


def ids_of_body(body):
    return [obj["id"] for obj in body.get("objects", [])]


class TestManifest:
    def test_manifest_records_name_id_date_added_version_and_media_type(self, community, creator):
        (obj,) = stored(community, 1)
        response = creator.get(collection_url(community.collection, "manifest/"))
        (record,) = response.json()["objects"]
        assert record["id"] == obj["id"]
        assert record["version"] == "2025-03-01T08:00:00.000000Z"
        assert record["media_type"] == STIX_MEDIA_TYPE
        assert (
            record["date_added"]
            == response["X-TAXII-Date-Added-First"]
            == response["X-TAXII-Date-Added-Last"]
        )

    def test_manifest_pages_and_filters_like_objects(self, community, creator):
        objects = stored(community, 3)
        url = collection_url(community.collection, "manifest/")
        first = creator.get(url, {"limit": 2}).json()
        assert first["more"] is True
        rest = creator.get(url, {"limit": 2, "next": first["next"]}).json()
        assert [m["id"] for m in first["objects"] + rest["objects"]] == [o["id"] for o in objects]
        only = creator.get(url, {"match[id]": objects[1]["id"]}).json()
        assert [m["id"] for m in only["objects"]] == [objects[1]["id"]]


class TestPost:
    def url(self, community):
        return collection_url(community.collection, "objects/")

    def test_a_post_answers_202_with_a_completed_status(self, community):
        poster = Taxii(token_for(community.direct_reader))
        objects = [indicator("a.example"), indicator("b.example")]
        response = poster.post(self.url(community), envelope(*objects))
        assert response.status_code == 202
        assert response["Content-Type"] == TAXII_MEDIA_TYPE
        body = response.json()
        assert body["status"] == "complete"
        assert (body["total_count"], body["success_count"], body["failure_count"], body["pending_count"]) == (
            2,
            2,
            0,
            0,
        )
        assert [s["id"] for s in body["successes"]] == [o["id"] for o in objects]
        assert body["successes"][0]["version"] == objects[0]["modified"]
        assert RFC3339_MICRO.match(body["request_timestamp"])
        fetched = poster.get(self.url(community)).json()
        assert ids_of_body(fetched) == [o["id"] for o in objects]

    def test_bad_objects_fail_alone_with_a_precise_message(self, community, creator):
        good = indicator("good.example")
        bad = indicator("bad.example", pattern="[domain-name:value = ")
        body = creator.post(self.url(community), envelope(good, bad)).json()
        assert (body["success_count"], body["failure_count"]) == (1, 1)
        (failure,) = body["failures"]
        assert failure["id"] == bad["id"]
        assert failure["version"] == bad["modified"]
        assert "pattern" in failure["message"]
        assert ids_of_body(creator.get(self.url(community)).json()) == [good["id"]]

    def test_an_unmarked_object_is_stored_with_the_default_marking_and_the_status_says_so(
        self, community, creator
    ):
        unmarked = indicator("unmarked.example")
        body = creator.post(self.url(community), envelope(unmarked)).json()
        (success,) = body["successes"]
        assert "TLP:AMBER" in success["message"] and "default" in success["message"]
        (served,) = creator.get(self.url(community)).json()["objects"]
        assert served["object_marking_refs"] == [MARKING_ID_FOR[Tlp.AMBER]]
        assert creator.post(self.url(community), envelope(unmarked)).json()["success_count"] == 1

    def test_an_object_marked_only_by_an_unknown_definition_is_refused(self, community, creator):
        strange = indicator("strange.example", object_marking_refs=[f"marking-definition--{uuid.uuid4()}"])
        body = creator.post(self.url(community), envelope(strange)).json()
        (failure,) = body["failures"]
        assert "not a marking definition known here" in failure["message"]
        assert "objects" not in creator.get(self.url(community)).json()

    def test_exact_duplicates_are_successes_and_stored_once(self, community, creator):
        obj = indicator("twice.example")
        creator.post(self.url(community), envelope(obj))
        body = creator.post(self.url(community), envelope(obj)).json()
        assert (body["success_count"], body["failure_count"]) == (1, 0)
        assert len(ids_of_body(creator.get(self.url(community), {"match[version]": "all"}).json())) == 1

    def test_the_same_id_and_version_with_other_content_fails(self, community, creator):
        obj = indicator("twice.example")
        creator.post(self.url(community), envelope(obj))
        body = creator.post(self.url(community), envelope({**obj, "name": "changed"})).json()
        assert body["failure_count"] == 1
        assert "already exists" in body["failures"][0]["message"]

    def test_the_status_is_readable_by_its_poster_only(self, community, creator):
        status_id = creator.post(self.url(community), envelope(indicator())).json()["id"]
        url = f"{ROOT}status/{status_id}/"
        again = creator.get(url)
        assert again.status_code == 200
        assert again.json()["status"] == "complete"
        assert_error(Taxii(token_for(community.colleague)).get(url), 404)
        assert_error(creator.get(f"{ROOT}status/not-a-uuid/"), 404)

    def test_a_pending_status_lists_its_pendings_until_the_worker_completes_it(self, community):
        from lionrock.core.accounts import services as account_services
        from lionrock.cyber.taxii import completion, services

        secret = token_for(community.creator)
        actor = account_services.token_authenticate(secret)
        obj = indicator()
        payload = json.dumps(envelope(obj))
        status = services._status_create(
            actor=actor, collection=community.collection, payload=payload, objects=[obj]
        )
        body = Taxii(secret).get(f"{ROOT}status/{status.pk}/").json()
        assert body["status"] == "pending"
        assert body["pending_count"] == 1
        assert body["pendings"] == [{"id": obj["id"], "version": obj["modified"]}]
        completion.status_complete(status_id=str(status.pk))
        body = Taxii(secret).get(f"{ROOT}status/{status.pk}/").json()
        assert (body["status"], body["success_count"], body["pending_count"]) == ("complete", 1, 0)
        assert Status.objects.get(pk=status.pk).payload == ""

    def test_a_read_only_caller_is_403_and_an_outsider_404(self, community):
        assert_error(Taxii(token_for(community.group_reader)).post(self.url(community), envelope()), 403)
        assert_error(Taxii(token_for(community.outsider)).post(self.url(community), envelope()), 404)

    def test_a_token_without_the_write_scope_is_403(self, community):
        reader = Taxii(token_for(community.direct_reader, ("intel:read",)))
        assert_error(reader.post(self.url(community), envelope(indicator())), 403)

    def test_an_envelope_nested_100000_deep_is_a_taxii_400(self, community, creator):
        body = '{"objects": [' + "[" * 100_000 + "]" * 100_000 + "]}"
        response = creator.post(collection_url(community.collection, "objects/"), body)
        assert_error(response, 400)
        assert "nested" in response.json()["description"]

    def test_malformed_json_is_400_and_stores_nothing(self, community, creator):
        assert_error(creator.post(self.url(community), '{"objects": ['), 400)
        assert_error(creator.post(self.url(community), b"\xff\xfe"), 400)
        assert not Status.objects.exists()

    @pytest.mark.parametrize("body", ["[]", '{"objects": {}}', '{"type": "bundle"}', '"objects"'])
    def test_json_that_is_not_an_envelope_is_422(self, community, creator, body):
        assert_error(creator.post(self.url(community), body), 422)

    def test_an_envelope_over_max_content_length_is_413(self, community, creator, settings):
        settings.LIONROCK_TAXII_MAX_CONTENT_LENGTH = 2000
        assert creator.get(ROOT).json()["max_content_length"] == 2000
        big = envelope(*(indicator(f"host{n}.example") for n in range(10)))
        assert_error(creator.post(self.url(community), big), 413)
        assert not Status.objects.exists()
        assert creator.post(self.url(community), envelope(indicator())).status_code == 202

    def test_envelopes_larger_than_django_form_limits_are_taken_up_to_max_content_length(self, community):
        """Django refuses form bodies over 5 MB; TAXII's own limit (20 MiB by default) applies instead."""
        poster = Taxii(token_for(community.creator))
        bigs = [indicator(f"big{n}.example", description="x" * 1_500_000) for n in range(4)]
        small = indicator("small.example")
        body = poster.post(self.url(community), envelope(*bigs, small)).json()
        assert body["total_count"] == 5
        assert [s["id"] for s in body["successes"]] == [*(big["id"] for big in bigs), small["id"]]

    def test_one_object_over_the_store_limit_fails_alone(self, community):
        poster = Taxii(token_for(community.creator))
        huge, small = indicator("huge.example", description="x" * (3 * 1024 * 1024)), indicator("ok.example")
        body = poster.post(self.url(community), envelope(huge, small)).json()
        assert [f["id"] for f in body["failures"]] == [huge["id"]]
        assert "larger than" in body["failures"][0]["message"]
        assert [s["id"] for s in body["successes"]] == [small["id"]]

    def test_posted_objects_keep_the_collection_rules(self, community):
        """A TLP:RED object to a collection that stops at AMBER+STRICT fails; the rest is stored."""
        strict = community_make(max_tlp=Tlp.AMBER_STRICT)
        poster = Taxii(token_for(strict.creator))
        red, amber = indicator(tlp=Tlp.RED), indicator(tlp=Tlp.AMBER)
        body = poster.post(collection_url(strict.collection, "objects/"), envelope(red, amber)).json()
        assert [f["id"] for f in body["failures"]] == [red["id"]]
        assert [s["id"] for s in body["successes"]] == [amber["id"]]


class TestOneObject:
    def test_the_latest_version_by_default_with_date_added_headers(self, community, creator):
        v1 = indicator("one.example", tlp=Tlp.AMBER)
        v2 = {**v1, "modified": "2025-04-01T00:00:00.000Z"}
        add(community, v1)
        add(community, v2)
        url = collection_url(community.collection, f"objects/{v1['id']}/")
        response = creator.get(url)
        assert response.json()["objects"] == [v2]
        assert response["X-TAXII-Date-Added-First"] == response["X-TAXII-Date-Added-Last"]
        assert RFC3339_MICRO.match(response["X-TAXII-Date-Added-Last"])
        every = creator.get(url, {"match[version]": "all"}).json()
        assert every["objects"] == [v1, v2]
        assert creator.get(url, {"match[version]": "first"}).json()["objects"] == [v1]

    def test_paging_through_the_versions_of_one_object(self, community, creator):
        v1 = indicator("one.example", tlp=Tlp.AMBER)
        versions = [v1] + [{**v1, "modified": f"2025-04-0{n}T00:00:00.000Z"} for n in range(1, 4)]
        for version in versions:
            add(community, version)
        url = collection_url(community.collection, f"objects/{v1['id']}/")
        first = creator.get(url, {"match[version]": "all", "limit": 3}).json()
        rest = creator.get(url, {"match[version]": "all", "limit": 3, "next": first["next"]}).json()
        assert first["objects"] + rest["objects"] == versions

    def test_an_unknown_object_is_404(self, community, creator):
        assert_error(creator.get(collection_url(community.collection, "objects/indicator--nope/")), 404)

    def test_an_object_invisible_under_tlp_is_404(self, community):
        red = indicator(tlp=Tlp.RED)
        add(community, red)
        reader = Taxii(token_for(community.direct_reader))
        assert_error(reader.get(collection_url(community.collection, f"objects/{red['id']}/")), 404)

    def test_object_by_id_refuses_match_id_and_type(self, community, creator):
        (obj,) = stored(community, 1)
        url = collection_url(community.collection, f"objects/{obj['id']}/")
        assert_error(creator.get(url, {"match[type]": "indicator"}), 400)

    def test_versions_lists_timestamps_oldest_added_first(self, community, creator):
        v1 = indicator("one.example", tlp=Tlp.AMBER)
        v2 = {**v1, "modified": "2025-04-01T00:00:00.000Z"}
        add(community, v1)
        add(community, v2)
        response = creator.get(collection_url(community.collection, f"objects/{v1['id']}/versions/"))
        assert response.json() == {
            "more": False,
            "versions": ["2025-03-01T08:00:00.000000Z", "2025-04-01T00:00:00.000000Z"],
        }
        assert RFC3339_MICRO.match(response["X-TAXII-Date-Added-First"])
        paged = creator.get(
            collection_url(community.collection, f"objects/{v1['id']}/versions/"), {"limit": 1}
        )
        assert paged.json()["more"] is True
        assert "next" in paged.json()

    def test_versions_of_an_unknown_object_is_404(self, community, creator):
        assert_error(creator.get(collection_url(community.collection, "objects/indicator--x/versions/")), 404)


class TestDelete:
    def test_deleting_removes_the_object_for_good(self, community, creator):
        (obj,) = stored(community, 1)
        url = collection_url(community.collection, f"objects/{obj['id']}/")
        response = creator.delete(url)
        assert response.status_code == 200
        assert response["Content-Type"] == TAXII_MEDIA_TYPE
        assert_error(creator.get(url), 404)
        assert_error(creator.delete(url), 404)

    def test_deleting_one_version_keeps_the_others(self, community, creator):
        v1 = indicator("one.example", tlp=Tlp.AMBER)
        v2 = {**v1, "modified": "2025-04-01T00:00:00.000Z"}
        add(community, v1)
        add(community, v2)
        url = collection_url(community.collection, f"objects/{v1['id']}/")
        assert creator.delete(url, {"match[version]": "2025-04-01T00:00:00.000Z"}).status_code == 200
        assert creator.get(url).json()["objects"] == [v1]

    def test_read_only_is_403(self, community):
        (obj,) = stored(community, 1)
        reader = Taxii(token_for(community.group_reader))
        assert_error(reader.delete(collection_url(community.collection, f"objects/{obj['id']}/")), 403)

    def test_neither_read_nor_write_is_404(self, community):
        (obj,) = stored(community, 1)
        outsider = Taxii(token_for(community.outsider))
        assert_error(outsider.delete(collection_url(community.collection, f"objects/{obj['id']}/")), 404)

    def test_a_writer_may_not_delete_what_another_organisation_contributed(self, community):
        (obj,) = stored(community, 1)
        writer = Taxii(token_for(community.direct_reader))
        url = collection_url(community.collection, f"objects/{obj['id']}/")
        assert_error(writer.delete(url), 403)
        assert Taxii(token_for(community.creator)).get(url).status_code == 200

    def test_a_deleted_object_leaves_no_page_gap_for_others(self, community, creator):
        objects = stored(community, 4)
        url = collection_url(community.collection, "objects/")
        first = creator.get(url, {"limit": 2}).json()
        creator.delete(collection_url(community.collection, f"objects/{objects[1]['id']}/"))
        creator.delete(collection_url(community.collection, f"objects/{objects[2]['id']}/"))
        rest = creator.get(url, {"limit": 2, "next": first["next"]}).json()
        assert ids_of_body(rest) == [objects[3]["id"]]


def test_an_unknown_taxii_url_answers_as_taxii(community, creator):
    assert_error(creator.get("/taxii2/api/no-such-endpoint/"), 404)
    assert_error(creator.delete(collection_url(community.collection, "objects/x/versions/extra/")), 404)


def test_a_server_failure_answers_as_taxii(community, creator, monkeypatch):
    from lionrock.cyber.taxii import selectors as taxii_selectors

    def broken(**_kwargs):
        raise RuntimeError("database went away")

    # A stand-in for a failure this machine cannot otherwise provoke on demand.
    monkeypatch.setattr(taxii_selectors, "collections_listed", broken)
    assert_error(creator.get("/taxii2/api/collections/"), 500)


def test_error_bodies_have_title_and_matching_http_status(community):
    response = Taxii(token_for(community.outsider)).get(collection_url(community.collection))
    body = response.json()
    assert set(body) >= {"title", "http_status"}
    assert body["http_status"] == "404"


def test_date_added_headers_use_utc_with_microseconds(community, creator):
    (obj,) = stored(community, 1)
    row = community.collection.stix_objects.get()
    response = creator.get(collection_url(community.collection, f"objects/{obj['id']}/"))
    expected = row.date_added.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert response["X-TAXII-Date-Added-Last"] == expected
