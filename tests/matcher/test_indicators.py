"""Loading indicators: every form stakeholders receive, and nothing dropped silently."""

from __future__ import annotations

import json

from lionrock.matcher import compile_indicators, load_text
from lionrock.matcher.indicators import list_id

from .factories import bundle, stix_indicator


def test_a_stix_bundle_puts_simple_patterns_in_the_index_by_kind() -> None:
    text = bundle(
        stix_indicator("[ipv4-addr:value = '1.2.3.4']"),
        stix_indicator("[domain-name:value = 'Evil.COM']"),
        stix_indicator("[file:hashes.'SHA-256' = '" + "A" * 64 + "']"),
        stix_indicator("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"),
    )
    collection = load_text(text, "feed.json")
    assert collection.entries["ip"][0] == ["1.2.3.4"]
    assert collection.entries["domain"][0] == ["evil.com"]
    assert collection.entries["hash"][0] == ["a" * 64]
    assert collection.entries["cidr"][0] == ["10.0.0.0/8"]


def test_an_or_of_values_and_an_in_list_are_all_indexed_under_one_indicator() -> None:
    obj = stix_indicator("[domain-name:value = 'a.com' OR domain-name:value IN ('b.com', 'c.com')]")
    index = compile_indicators(load_text(bundle(obj), "feed.json"))
    assert index.indexed == 1
    assert index.kinds["domain"] == 3


def test_an_address_and_port_pattern_is_indexed_as_a_pair() -> None:
    obj = stix_indicator("[network-traffic:dst_ref.value = '1.2.3.4' AND network-traffic:dst_port = 4444]")
    collection = load_text(bundle(obj), "feed.json")
    assert collection.entries["ipport"][0] == ["1.2.3.4:4444"]


def test_patterns_the_index_cannot_express_go_to_the_slow_path_with_a_reason() -> None:
    obj = stix_indicator("[domain-name:value MATCHES '^evil[0-9]+\\\\.com$']")
    index = compile_indicators(load_text(bundle(obj), "feed.json"))
    assert len(index.slow) == 1
    assert "MATCHES" in index.slow[0].reason


def test_broken_patterns_and_foreign_pattern_types_are_refused_with_reasons() -> None:
    text = bundle(
        stix_indicator("[domain-name:value = 'evil.com'"),
        stix_indicator("title: x", pattern_type="sigma"),
        stix_indicator("[process:name = 'evil.exe']"),
    )
    collection = load_text(text, "feed.json")
    reasons = [r.reason for r in collection.refused]
    assert len(reasons) == 3
    assert "does not parse" in reasons[0]
    assert "sigma" in reasons[1]
    assert "no log field carries process" in reasons[2]


def test_revoked_indicators_are_counted_and_never_indexed() -> None:
    collection = load_text(bundle(stix_indicator("[ipv4-addr:value = '1.2.3.4']", revoked=True)), "feed.json")
    assert collection.revoked == 1
    assert len(collection) == 0


def test_a_taxii_envelope_loads_like_a_bundle() -> None:
    envelope = json.dumps({"more": False, "objects": [stix_indicator("[url:value = 'http://evil.com/x']")]})
    assert load_text(envelope, "envelope.json").entries["url"][0] == ["http://evil.com/x"]


def test_a_zeek_intel_file_loads_supported_types_and_refuses_the_rest_by_line() -> None:
    text = (
        "#fields\tindicator\tindicator_type\tmeta.source\n"
        "1.2.3.4\tIntel::ADDR\tfeed\n"
        "evil.com\tIntel::DOMAIN\tfeed\n"
        "curl/7.1\tIntel::SOFTWARE\tfeed\n"
    )
    collection = load_text(text, "feed.intel")
    assert collection.entries["ip"][0] == ["1.2.3.4"]
    assert collection.entries["domain"][0] == ["evil.com"]
    assert [(r.reference, r.reason) for r in collection.refused] == [
        ("line 4", "Intel::SOFTWARE is not matched in logs")
    ]


def test_a_plain_list_is_refanged_typed_and_given_stable_ids() -> None:
    collection = load_text(
        "# feed\nevil[.]com\nhxxp://bad.example/x\n1.2.3[.]4\n10.0.0.0/8\n???\n", "list.txt"
    )
    assert collection.entries["domain"][0] == ["evil.com"]
    assert collection.entries["url"][0] == ["http://bad.example/x"]
    assert collection.entries["ip"][0] == ["1.2.3.4"]
    assert collection.ids[0] == list_id("domain", "evil.com")
    assert collection.refused[0].reference == "line 6"


def test_validity_times_are_kept_per_indicator() -> None:
    obj = stix_indicator("[ipv4-addr:value = '1.2.3.4']", valid_until="2024-01-01T00:00:00Z")
    index = compile_indicators(load_text(bundle(obj), "feed.json"))
    assert int(index.valid_until[0]) == 1_704_067_200_000_000


def test_an_http_list_url_keeps_its_id_and_an_https_one_gets_its_own() -> None:
    collection = load_text("http://bad.example/x\nhttps://bad.example/x\n", "list.txt")
    assert collection.ids[0] == list_id("url", "bad.example/x")
    assert collection.ids[1] != collection.ids[0]
