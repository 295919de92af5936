import json

import pytest

from lionrock.cyber.exchange import readers
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.cyber.intel.validation import object_errors
from tests.cyber.exchange.fixtures import bundle, indicator, misp_event, misp_feed_zip, stix20_bundle


def _valid(objects):
    return [str(error) for index, obj in enumerate(objects) for error in object_errors(obj, index)]


def test_a_stix_21_bundle_is_taken_as_it_is():
    obj = indicator("evil.example")
    parsed = readers.parse(bundle(obj), name="b.json")
    assert parsed.format == "stix"
    assert parsed.objects == [obj]


def test_stix_20_content_is_upgraded_to_valid_21_objects():
    parsed = readers.parse(stix20_bundle(), name="old.json")
    assert parsed.upgraded
    ind, malware = parsed.objects
    assert ind["spec_version"] == "2.1" and ind["pattern_type"] == "stix"
    assert ind["indicator_types"] == ["malicious-activity"] and "labels" not in ind
    assert malware["is_family"] is True and malware["malware_types"] == ["remote-access-trojan"]
    assert _valid(parsed.objects) == []


def test_a_misp_event_is_converted_by_misp_stix():
    event = misp_event(("domain", "evil.example"), ("ip-dst", "198.51.100.7"))
    parsed = readers.parse(json.dumps(event).encode(), name="event.json")
    assert parsed.format == "misp"
    patterns = {obj["pattern"] for obj in parsed.objects if obj["type"] == "indicator"}
    assert "[domain-name:value = 'evil.example']" in patterns
    assert _valid(parsed.objects) == []


def test_a_zipped_misp_feed_converts_every_event_in_its_manifest():
    first, second = misp_event(("domain", "one.example")), misp_event(("domain", "two.example"))
    parsed = readers.parse(misp_feed_zip(first, second), name="feed.zip")
    assert parsed.format == "misp-feed"
    names = " ".join(obj["pattern"] for obj in parsed.objects if obj["type"] == "indicator")
    assert "one.example" in names and "two.example" in names


def test_a_misp_feed_missing_an_event_file_is_refused_by_name():
    event = misp_event(("domain", "one.example"))
    data = misp_feed_zip(event)
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        target.writestr("manifest.json", source.read("feed/manifest.json"))
    with pytest.raises(readers.ImportRefused, match="is missing"):
        readers.parse(buffer.getvalue(), name="feed.zip")


def test_a_defanged_text_list_is_refanged_and_typed():
    text = (
        b"# campaign 7\nhxxp://evil[.]example/login\n198.51.100[.]7\nbad[@]evil.example\n" + b"a" * 64 + b"\n"
    )
    parsed = readers.parse(text, name="iocs.txt")
    patterns = sorted(obj["pattern"] for obj in parsed.objects)
    assert patterns == sorted(
        [
            "[url:value = 'http://evil.example/login']",
            "[ipv4-addr:value = '198.51.100.7']",
            "[email-addr:value = 'bad@evil.example']",
            "[file:hashes.'SHA-256' = '" + "a" * 64 + "']",
        ]
    )
    assert _valid(parsed.objects) == []


def test_prose_yields_only_the_values_in_it():
    text = b"Seen today: evil[.]example contacted 203.0.113.9 on port 443, e.g. during the outage.\n"
    parsed = readers.parse(text, name="note.txt", format="text")
    patterns = sorted(obj["pattern"] for obj in parsed.objects)
    assert patterns == ["[domain-name:value = 'evil.example']", "[ipv4-addr:value = '203.0.113.9']"]


def test_an_unrecognised_line_is_named_with_its_number():
    with pytest.raises(readers.ImportRefused, match=r"list.txt: line 2: 'not_a_value!'"):
        readers.parse(b"evil.example\nnot_a_value!\n", name="list.txt", format="text")


def test_a_csv_with_misp_types_skips_non_indicators_and_keeps_comments():
    data = (
        b"uuid,type,value,comment\n"
        b"1,domain,evil.example,phishing\n"
        b"2,text,just words,\n"
        b"3,ip-dst|port,198.51.100.7|8443,c2\n"
        b"4,filename|md5,a.exe|" + b"b" * 32 + b",\n"
    )
    parsed = readers.parse(data, name="event.csv")
    assert parsed.format == "csv"
    by_pattern = {obj["pattern"]: obj for obj in parsed.objects}
    assert by_pattern["[domain-name:value = 'evil.example']"]["description"] == "phishing"
    assert (
        "[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 8443]" in by_pattern
    )
    assert "[file:hashes.'MD5' = '" + "b" * 32 + "']" in by_pattern
    assert parsed.skipped == ["line 3: type text is not an indicator"]
    assert _valid(parsed.objects) == []


def test_a_csv_that_is_not_utf8_is_refused_with_its_line():
    with pytest.raises(readers.ImportRefused, match="line 2: not UTF-8"):
        readers.parse("value\névil.example\n".encode("latin-1"), name="x.csv")


def test_malformed_json_is_refused_with_line_and_column():
    with pytest.raises(readers.ImportRefused, match=r"b.json: line 2, column \d+: malformed JSON"):
        readers.parse(b'{"type": "bundle",\n "objects": [}', name="b.json")


def test_an_unknown_format_is_refused():
    with pytest.raises(readers.ImportRefused, match="unknown format"):
        readers.parse(b"evil.example", name="x", format="yaml")


def test_json_that_is_neither_stix_nor_misp_is_refused():
    with pytest.raises(readers.ImportRefused, match="neither a STIX bundle nor a MISP event"):
        readers.parse(b'{"hello": "world"}', name="x.json")


def test_the_chosen_tlp_marks_only_objects_without_a_marking():
    marked = indicator("a.example", tlp=Tlp.RED)
    plain = indicator("b.example")
    parsed = readers.parse(bundle(marked, plain), name="b.json", tlp=Tlp.GREEN)
    assert parsed.objects[0]["object_marking_refs"] == [MARKING_ID_FOR[Tlp.RED]]
    assert parsed.objects[1]["object_marking_refs"] == [MARKING_ID_FOR[Tlp.GREEN]]
