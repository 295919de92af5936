import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts.access import Actor
from lionrock.core.audit.models import AuditEntry
from lionrock.cyber.intel import selectors, services
from lionrock.cyber.intel.models import CollectionGrant, StixObject
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.cyber.intel.factories import VIEWERS, VISIBILITY, analyst_make, community_make, indicator, sco

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def client_for(actor: Actor) -> Client:
    """A browser session past sign-in and MFA."""
    assert actor.user is not None
    client = Client()
    client.force_login(actor.user)
    device = TOTPDevice.objects.create(user=actor.user, name="app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def _every_field_labelled(html: str) -> None:
    fields = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    assert fields
    for field_id in fields:
        assert f'for="{field_id}"' in html, field_id


def _indicator_form(collection_alias: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Phishing landing page",
        "description": "Credential harvesting for a bank.",
        "value_type": "domain-name",
        "value": "login.example.com",
        "pattern": "",
        "valid_from": "2026-11-01T09:00",
        "valid_until": "",
        "labels": "phishing, banking",
        "confidence": "80",
        "tlp": "green",
        "collection": collection_alias,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_object_page_follows_the_tlp_matrix(tlp, viewer):
    community = community_make()
    obj = indicator("matrix.example.com", tlp=tlp)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    response = client_for(getattr(community, viewer)).get(f"/intel/objects/{obj['id']}/")
    assert response.status_code == (200 if viewer in VISIBILITY[tlp] else 404)
    if response.status_code == 200:
        assert "matrix.example.com" in response.content.decode()


def test_the_object_page_shows_markings_versions_relationships_sightings_and_seen_elsewhere():
    community = community_make()
    first = indicator(
        "c2.example.net", tlp=Tlp.AMBER, labels=["botnet"], valid_until="2026-12-31T00:00:00.000Z"
    )
    malware = {
        "type": "malware",
        "spec_version": "2.1",
        "id": f"malware--{uuid.uuid4()}",
        "created": first["created"],
        "modified": first["modified"],
        "name": "Harbour Rat",
        "is_family": True,
        "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
    }
    relation = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": f"relationship--{uuid.uuid4()}",
        "created": first["created"],
        "modified": first["modified"],
        "relationship_type": "indicates",
        "source_ref": first["id"],
        "target_ref": malware["id"],
        "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
    }
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": first["created"],
        "modified": first["modified"],
        "sighting_of_ref": first["id"],
        "count": 3,
        "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER]],
    }
    elsewhere = indicator("C2.Example.NET.", tlp=Tlp.GREEN, name="Same host in another report")
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[first, malware, relation, sighting, elsewhere],
    )
    second = dict(first, modified="2025-03-02T08:00:00.000Z", name="C2 server, confirmed")
    services.objects_add(actor=community.creator, collection=community.collection, objects=[second])

    html = client_for(community.direct_reader).get(f"/intel/objects/{first['id']}/").content.decode()
    assert "C2 server, confirmed" in html  # the latest version
    assert "tlp tlp-amber" in html and "TLP:AMBER" in html
    assert "[domain-name:value = &#x27;c2.example.net&#x27;]" in html
    assert "botnet" in html and html.count("/intel/objects/indicator--") >= 1
    assert "Harbour Rat" in html and relation["id"] in html
    assert sighting["id"] in html
    assert "Same host in another report" in html
    assert html.count('<td class="nowrap">') >= 2  # both versions listed
    assert "&quot;pattern&quot;" in html  # the raw JSON, escaped
    _no_inline_script_or_style(html)

    # The outsider sees the GREEN malware but not the AMBER indicator it is related to.
    outsider = client_for(community.outsider).get(f"/intel/objects/{malware['id']}/").content.decode()
    assert "Harbour Rat" in outsider
    assert first["id"] not in outsider and "c2.example.net" not in outsider


def test_search_finds_a_normalised_value_and_only_what_the_viewer_may_see():
    community = community_make()
    green = indicator("bad.example.org", tlp=Tlp.GREEN)
    amber = indicator("bad.example.org", tlp=Tlp.AMBER)
    other = indicator("fine.example.org", tlp=Tlp.GREEN)
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[green, amber, other]
    )
    html = client_for(community.outsider).get("/intel/", {"q": "BAD.example.org."}).content.decode()
    assert green["id"] in html
    assert amber["id"] not in html and other["id"] not in html
    inside = client_for(community.group_reader).get("/intel/", {"q": "bad.example.org"}).content.decode()
    assert green["id"] in inside and amber["id"] in inside


def test_search_filters_by_type_label_tlp_organisation_collection_and_date():
    community = community_make()
    tagged = indicator("tagged.example.com", tlp=Tlp.GREEN, labels=["phishing"])
    plain = indicator("plain.example.com", tlp=Tlp.AMBER)
    address = sco("ipv4-addr", "192.0.2.7") | {"object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]]}
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[tagged, plain, address]
    )
    client = client_for(community.colleague)

    def found(**query: str) -> set[str]:
        html = client.get("/intel/", query).content.decode()
        return {obj["id"] for obj in (tagged, plain, address) if obj["id"] in html}

    assert found(label="phishing") == {tagged["id"]}
    assert found(type="ipv4-addr") == {address["id"]}
    assert found(tlp="amber") == {plain["id"]}
    assert found(collection=community.collection.alias) == {tagged["id"], plain["id"], address["id"]}
    assert found(organisation=community.collection.owner.slug) == {tagged["id"], plain["id"], address["id"]}
    assert found(organisation="nobody") == set()
    today = timezone.localdate()
    assert len(found(since=today.isoformat(), until=today.isoformat())) == 3
    assert found(until=(today - timedelta(days=2)).isoformat()) == set()
    assert found(q="192.0.2.7") == {address["id"]}


def test_search_dates_at_the_ends_of_the_calendar_are_no_bound_rather_than_an_error():
    community = community_make()
    obj = indicator("calendar.example.com", tlp=Tlp.GREEN)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    response = client_for(community.colleague).get("/intel/", {"since": "0001-01-01", "until": "9999-12-31"})
    assert response.status_code == 200
    assert obj["id"] in response.content.decode()


def test_the_list_page_runs_the_same_number_of_queries_for_one_object_and_for_thirty():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = community_make()
    client = client_for(community.direct_reader)
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.GREEN)]
    )
    client.get("/intel/")
    with CaptureQueriesContext(connection) as one:
        client.get("/intel/")
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator(f"more{n}.example", tlp=[Tlp.AMBER, Tlp.GREEN, Tlp.AMBER_STRICT][n % 3], labels=["x"])
            for n in range(20)
        ],
    )
    services.objects_add(
        actor=community.direct_reader,
        collection=community.collection,
        objects=[sco("ipv4-addr", f"192.0.2.{n}") for n in range(9)],
    )
    with CaptureQueriesContext(connection) as thirty:
        response = client.get("/intel/")
    assert response.content.decode().count('href="/intel/objects/') == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


def test_browsing_pages_through_older_objects_and_back(monkeypatch):
    from lionrock.cyber.intel import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    community = community_make()
    objects = [indicator(f"p{n}.example", tlp=Tlp.GREEN) for n in range(5)]
    services.objects_add(actor=community.creator, collection=community.collection, objects=objects)
    client = client_for(community.outsider)

    def shown(html: str) -> list[str]:
        return [obj["id"] for obj in reversed(objects) if obj["id"] in html]

    def link(html: str, word: str) -> str:
        found = re.search(r'<a href="([^"]+)">' + word + "</a>", html)
        assert found, word
        return found.group(1).replace("&amp;", "&")

    first = client.get("/intel/", {"tlp": "green"}).content.decode()
    assert shown(first) == [objects[4]["id"], objects[3]["id"]] and "Newer</a>" not in first
    assert "5 objects" in first
    second = client.get("/intel/" + link(first, "Older")).content.decode()
    assert shown(second) == [objects[2]["id"], objects[1]["id"]]
    third = client.get("/intel/" + link(second, "Older")).content.decode()
    assert shown(third) == [objects[0]["id"]] and "Older</a>" not in third
    assert "tlp=green" in link(third, "Newer")
    back = client.get("/intel/" + link(third, "Newer")).content.decode()
    assert shown(back) == shown(second)


def test_more_matches_than_the_cap_are_announced_instead_of_counted(monkeypatch):
    from lionrock.cyber.intel import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    community = community_make()
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"c{n}.example", tlp=Tlp.GREEN) for n in range(3)],
    )
    html = client_for(community.outsider).get("/intel/").content.decode()
    assert "More than 2 objects; narrow the search to count them." in html


def test_the_collection_list_runs_a_constant_number_of_queries(django_assert_max_num_queries):
    community = community_make()
    client = client_for(community.creator)
    client.get("/intel/collections/")
    with django_assert_max_num_queries(20) as few:
        client.get("/intel/collections/")
    for n in range(8):
        services.collection_create(
            actor=community.creator, owner=community.collection.owner, alias=f"extra-{n}", title=f"Extra {n}"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/intel/collections/")
    assert response.content.decode().count('href="/intel/collections/extra-') == 8


def test_the_results_come_as_an_htmx_partial():
    community = community_make()
    response = client_for(community.creator).get("/intel/", {"tlp": "green"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"<html" not in response.content


def test_pages_are_labelled_and_free_of_inline_script_and_style():
    community = community_make()
    client = client_for(community.creator)
    for url in (
        "/intel/",
        "/intel/indicators/new/",
        "/intel/reports/new/",
        "/intel/collections/new/",
        f"/intel/collections/{community.collection.alias}/",
        "/intel/groups/",
    ):
        html = client.get(url).content.decode()
        _no_inline_script_or_style(html)
        _every_field_labelled(html)


def test_an_analyst_shares_an_indicator_from_a_value_and_it_is_audited():
    community = community_make()
    response = client_for(community.creator).post(
        "/intel/indicators/new/", _indicator_form(community.collection.alias)
    )
    assert response.status_code == 302
    stored = StixObject.objects.get(type="indicator")
    assert response["Location"] == f"/intel/objects/{stored.stix_id}/"
    assert "[domain-name:value = 'login.example.com']" in stored.raw
    assert stored.tlp == Tlp.GREEN
    assert AuditEntry.objects.filter(action="intel.objects.add", summary__contains="via ui").exists()


@pytest.mark.parametrize(
    ("value_type", "defanged", "pattern"),
    [
        ("ipv4-addr", "203.0.113[.]77", "[ipv4-addr:value = '203.0.113.77']"),
        ("url", "hxxps://x[.]example/login", "[url:value = 'https://x.example/login']"),
        ("domain-name", "login[.]example[.]com", "[domain-name:value = 'login.example.com']"),
    ],
)
def test_a_defanged_value_is_accepted_by_new_indicator_and_stored_live(value_type, defanged, pattern):
    community = community_make()
    response = client_for(community.creator).post(
        "/intel/indicators/new/",
        _indicator_form(community.collection.alias, value_type=value_type, value=defanged),
    )
    assert response.status_code == 302
    assert pattern in StixObject.objects.get(type="indicator").raw


def test_editing_an_indicator_stores_a_new_version_with_the_same_id():
    community = community_make()
    client = client_for(community.creator)
    client.post("/intel/indicators/new/", _indicator_form(community.collection.alias))
    first = StixObject.objects.get()
    response = client.post(
        f"/intel/objects/{first.stix_id}/edit/",
        _indicator_form(community.collection.alias, name="Phishing page, now offline", tlp="amber"),
    )
    assert response.status_code == 302
    versions = StixObject.objects.filter(stix_id=first.stix_id).order_by("modified")
    assert versions.count() == 2 and versions.last().modified > first.modified
    assert versions.last().is_latest and versions.last().tlp == Tlp.AMBER
    assert "now offline" in client.get(f"/intel/objects/{first.stix_id}/").content.decode()


def test_another_organisation_cannot_edit_or_revoke_an_indicator():
    community = community_make()
    obj = indicator("owned.example.com", tlp=Tlp.GREEN)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    reader = client_for(community.direct_reader)
    assert reader.get(f"/intel/objects/{obj['id']}/edit/").status_code == 404
    assert reader.post(f"/intel/objects/{obj['id']}/revoke/").status_code == 404
    assert StixObject.objects.count() == 1


def test_revoking_stores_a_revoked_version():
    community = community_make()
    obj = indicator("gone.example.com", tlp=Tlp.GREEN)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    client = client_for(community.colleague)
    assert client.post(f"/intel/objects/{obj['id']}/revoke/").status_code == 302
    latest = selectors.stix_object_get(actor=community.creator, stix_id=obj["id"])
    assert latest.revoked and '"revoked":true' in latest.raw
    assert obj["id"] not in client.get("/intel/").content.decode()
    assert obj["id"] in client.get("/intel/", {"revoked": "on"}).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"value": "", "value_type": "", "pattern": "[domain-name:value = 'x.example' AND]"}, "pattern"),
        ({"value": "not a domain!"}, "not a valid"),
        ({"name": "x" * 300}, "at most 250 characters"),
        ({"collection": "no-such-collection"}, "Select a valid choice"),
        ({"tlp": "red", "collection": "__limited__"}, "more restrictive than this collection accepts"),
        ({"valid_until": "2026-10-01T00:00"}, "later than"),
    ],
)
def test_bad_indicator_input_gets_a_clear_error_and_changes_nothing(overrides, message):
    community = community_make()
    limited = services.collection_create(
        actor=community.creator,
        owner=community.collection.owner,
        alias="limited",
        title="Limited",
        max_tlp=Tlp.AMBER,
    )
    if overrides.get("collection") == "__limited__":
        overrides = {**overrides, "collection": limited.alias}
    client = client_for(community.creator)
    audit_before = AuditEntry.objects.count()
    response = client.post("/intel/indicators/new/", _indicator_form(community.collection.alias, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StixObject.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_a_stakeholder_cannot_write_to_a_collection_it_may_only_read():
    community = community_make()
    response = client_for(community.group_reader).post(
        "/intel/indicators/new/", _indicator_form(community.collection.alias)
    )
    assert response.status_code in (400, 404)
    assert StixObject.objects.count() == 0


def test_scripts_in_a_name_are_shown_as_text():
    community = community_make()
    client = client_for(community.creator)
    client.post("/intel/indicators/new/", _indicator_form(community.collection.alias, name=HOSTILE))
    stored = StixObject.objects.get()
    for url in (f"/intel/objects/{stored.stix_id}/", "/intel/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;" in html
        _no_inline_script_or_style(html)


def test_a_report_cites_visible_objects_and_refuses_unseen_ones():
    community = community_make()
    seen = indicator("cited.example.com", tlp=Tlp.GREEN)
    hidden = indicator("hidden.example.com", tlp=Tlp.RED)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[seen, hidden])
    client = client_for(community.direct_reader)
    form = {
        "name": "Campaign against banks",
        "published": "2026-11-20T10:00",
        "object_refs": [seen["id"]],
        "more_refs": "",
        "tlp": "green",
        "collection": community.collection.alias,
    }
    refused = client.post("/intel/reports/new/", {**form, "more_refs": hidden["id"]})
    assert refused.status_code == 400 and "unknown" in refused.content.decode()
    assert not StixObject.objects.filter(type="report").exists()
    response = client.post("/intel/reports/new/", form)
    assert response.status_code == 302
    report = StixObject.objects.get(type="report")
    html = client.get(f"/intel/objects/{report.stix_id}/").content.decode()
    assert "Campaign against banks" in html and seen["id"] in html


def test_red_recipients_chosen_on_the_form_can_read_the_object():
    community = community_make()
    named = analyst_make(None)
    response = client_for(community.creator).post(
        "/intel/indicators/new/",
        _indicator_form(community.collection.alias, tlp="red", recipient_users=[str(named.user.pk)]),
    )
    assert response.status_code == 302
    stored = StixObject.objects.get()
    assert client_for(named).get(f"/intel/objects/{stored.stix_id}/").status_code == 200
    assert client_for(community.colleague).get(f"/intel/objects/{stored.stix_id}/").status_code == 404


def test_recipients_must_match_the_tlp():
    community = community_make()
    named = analyst_make(None)
    response = client_for(community.creator).post(
        "/intel/indicators/new/",
        _indicator_form(community.collection.alias, tlp="amber", recipient_users=[str(named.user.pk)]),
    )
    assert response.status_code == 400 and StixObject.objects.count() == 0


def test_the_owner_creates_a_collection_and_grants_a_sharing_group():
    community = community_make()
    client = client_for(community.creator)
    response = client.post(
        "/intel/collections/new/",
        {
            "owner": community.collection.owner.slug,
            "alias": "elections-2026",
            "title": "Election watch",
            "description": "",
            "default_tlp": "amber",
            "max_tlp": "red",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/intel/collections/elections-2026/"
    group = CollectionGrant.objects.filter(group__isnull=False).first().group
    response = client.post(
        "/intel/collections/elections-2026/grants/",
        {"grant-grantee": f"group:{group.slug}", "grant-access": "write"},
    )
    assert response.status_code == 302
    grant = CollectionGrant.objects.get(collection__alias="elections-2026")
    assert grant.group == group and grant.can_read and grant.can_write
    page = client.get("/intel/collections/elections-2026/").content.decode()
    assert group.name in page
    assert AuditEntry.objects.filter(action="intel.collection.grant").exists()


def test_only_the_owner_manages_grants_and_red_recipients():
    community = community_make()
    reader = client_for(community.direct_reader)
    alias = community.collection.alias
    assert reader.get(f"/intel/collections/{alias}/").status_code == 200
    assert "grant-grantee" not in reader.get(f"/intel/collections/{alias}/").content.decode()
    assert reader.post(f"/intel/collections/{alias}/grants/", {}).status_code == 404
    assert reader.post(f"/intel/collections/{alias}/red-recipients/", {}).status_code == 404
    assert client_for(community.outsider).get(f"/intel/collections/{alias}/").status_code == 404


def test_the_owner_names_red_recipients():
    community = community_make()
    client = client_for(community.creator)
    alias = community.collection.alias
    response = client.post(
        f"/intel/collections/{alias}/red-recipients/", {"red-users": [str(community.direct_reader.user.pk)]}
    )
    assert response.status_code == 302
    assert list(community.collection.red_recipients.all()) == [community.direct_reader.user]


def test_an_analyst_creates_a_sharing_group():
    community = community_make()
    response = client_for(community.creator).post(
        "/intel/groups/",
        {"slug": "data-centres", "name": "Data centres", "organisations": [community.collection.owner.slug]},
    )
    assert response.status_code == 302
    assert "Data centres" in client_for(community.outsider).get("/intel/groups/").content.decode()
    assert client_for(community.outsider).post("/intel/groups/", {}).status_code == 404


def test_people_without_an_intelligence_role_are_kept_out():
    community = community_make()
    client = client_for(community.no_intel_role)
    for url in ("/intel/", "/intel/collections/", "/intel/indicators/new/", "/intel/groups/"):
        assert client.get(url).status_code == 404


def test_the_home_page_shows_new_and_expiring_intelligence():
    community = community_make()
    soon = (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator("new.example.com", tlp=Tlp.GREEN),
            indicator("soon.example.com", tlp=Tlp.GREEN, valid_until=soon),
        ],
    )
    html = client_for(community.direct_reader).get("/").content.decode()
    assert "New objects shared with you in the last 7 days" in html
    assert "Indicators expiring within 7 days" in html
    assert 'href="/intel/"' in html


def test_the_demo_shares_intelligence_in_every_tlp_and_building_it_twice_adds_nothing(monkeypatch):
    from lionrock import demo
    from lionrock.core.accounts.access import actor_for_user
    from lionrock.core.accounts.models import User

    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    count = StixObject.objects.count()
    assert {tlp for tlp in StixObject.objects.values_list("tlp", flat=True)} == set(Tlp)
    assert StixObject.objects.filter(type="report", raw__contains="Harbour Rat botnet").count() == 1
    assert StixObject.objects.filter(type="sighting", raw__contains="four customer routers").count() == 1
    demo.demo_world_build(force=False, quiet=True)
    assert StixObject.objects.count() == count

    from lionrock.cyber.intel.demo import _id

    strict, red = _id("indicator", "staging-host"), _id("indicator", "ransom-desk")

    def visible(email: str) -> set[str]:
        actor = actor_for_user(User.objects.get(email=email))
        rows = selectors.stix_objects_visible(actor=actor).filter(stix_id__in=[strict, red])
        return set(rows.values_list("stix_id", flat=True))

    assert visible("soc.victoria@lionrock.test") == {strict, red}  # directly granted, RED recipient
    assert visible("soc.kowloon@lionrock.test") == {strict}  # named recipient of the AMBER+STRICT one
    assert visible("noc.lantau@lionrock.test") == set()  # reads through the ISPs group only
    victoria = actor_for_user(User.objects.get(email="soc.victoria@lionrock.test"))
    client = client_for(victoria)
    home = client.get("/").content.decode()
    assert "Indicators expiring within 7 days" in home
    for stix_id in set(selectors.stix_objects_visible(actor=victoria).values_list("stix_id", flat=True)):
        assert client.get(f"/intel/objects/{stix_id}/").status_code == 200


def test_the_object_page_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    community = community_make()
    target = indicator("hub.example.com", tlp=Tlp.GREEN)
    client = client_for(community.direct_reader)
    url = f"/intel/objects/{target['id']}/"

    def grow(start: int, count: int) -> None:
        others = [indicator("hub.example.com", tlp=Tlp.GREEN, name=f"Copy {n}") for n in range(start, count)]
        relations = [
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": f"relationship--{uuid.uuid4()}",
                "created": target["created"],
                "modified": target["modified"],
                "relationship_type": "related-to",
                "source_ref": target["id"],
                "target_ref": other["id"],
                "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
            }
            for other in others
        ]
        versions = [dict(target, modified=f"2025-03-{n + 2:02d}T08:00:00.000Z") for n in range(start, count)]
        services.objects_add(
            actor=community.creator, collection=community.collection, objects=[*others, *relations, *versions]
        )

    services.objects_add(actor=community.creator, collection=community.collection, objects=[target])
    grow(0, 1)
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    grow(1, 8)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):  # +2: the session's savepoint
        html = client.get(url).content.decode()
    assert html.count("Copy ") >= 16  # each copy in "seen elsewhere" and in the relationships


def test_amber_strict_recipients_offered_are_only_organisations_taking_part_in_intel_sharing():
    from lionrock.core.accounts.models import Organisation
    from tests.core.accounts.factories import OrganisationFactory

    community = community_make()
    shelter = OrganisationFactory(kind=Organisation.Kind.SUPPORT_SERVICE, name_en="Harbour Shelter")
    isp = community.direct_reader.user.memberships.get().organisation
    client = client_for(community.creator)
    html = client.get("/intel/indicators/new/").content.decode()
    assert f'value="{isp.slug}"' in html
    assert f'value="{shelter.slug}"' not in html
    response = client.post(
        "/intel/indicators/new/",
        _indicator_form(
            community.collection.alias, tlp="amber+strict", recipient_organisations=[shelter.slug]
        ),
    )
    assert response.status_code == 400
    assert not StixObject.objects.exists()


def test_a_report_may_not_be_shared_more_widely_than_what_it_cites():
    community = community_make()
    amber = indicator("amber-cited.example.com", tlp=Tlp.AMBER)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[amber])
    client = client_for(community.creator)
    form = {
        "name": "Campaign against banks",
        "published": "2026-11-20T10:00",
        "object_refs": [amber["id"]],
        "more_refs": "",
        "tlp": "green",
        "collection": community.collection.alias,
    }
    refused = client.post("/intel/reports/new/", form)
    assert refused.status_code == 400
    assert "cites TLP:AMBER objects" in refused.content.decode()
    assert not StixObject.objects.filter(type="report").exists()
    assert client.post("/intel/reports/new/", {**form, "tlp": "amber"}).status_code == 302
    assert StixObject.objects.filter(type="report", tlp=Tlp.AMBER).count() == 1


def test_an_analysts_home_page_costs_the_same_queries_with_one_shared_object_as_with_twenty(
    django_assert_max_num_queries,
):
    community = community_make()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator("h0.example")]
    )
    client = client_for(community.direct_reader)
    client.get("/")
    with django_assert_max_num_queries(30) as few:
        assert client.get("/").status_code == 200
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"h{n}.example", tlp=Tlp.GREEN) for n in range(1, 20)],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
