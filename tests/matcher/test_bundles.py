"""A big STIX bundle is read in bulk, and gives exactly what reading it object by object gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from lionrock.matcher import patterns
from lionrock.matcher.indicators import IndicatorCollection, NotIndicators, load_bundle, load_path, load_text

from .factories import bundle, stix_indicator

# Each shape a feed uses, with the near misses that must take the careful path (and agree there).
CORPUS = [
    "[ipv4-addr:value = '203.0.113.7']",
    "[ipv4-addr:value = '203.0.113.0/24']",
    "[ipv4-addr:value = '203.000.113.7']",
    "[ipv4-addr:value = '1.2.3.256']",
    "[ipv4-addr:value='203.0.113.8']",
    "[ipv4-addr:value  =  '203.0.113.9'  ]",
    "[ipv4-addr:value = '::ffff:198.51.100.1']",
    "[ipv6-addr:value = '2001:DB8::1']",
    "[domain-name:value = 'Evil.Example.COM.']",
    "[domain-name:value = 'evil.example.com']",
    "[domain-name:value = 'bücher.example']",
    "[domain-name:value = 'under_score.example']",
    "[domain-name:value = 'a..b.example']",
    "[domain-name:value = 'has space.example']",
    "[domain-name:value = '" + "a" * 250 + ".com']",
    "[domain-name:value = 'it\\'s.example']",
    "[domain-name:value LIKE '%.evil.example']",
    "[url:value = 'http://evil.example/wp-admin/x.php?id=7']",
    "[url:value = 'https://evil.example/a/../b']",
    "[url:value = 'https://evil.example/./b']",
    "[url:value = 'HTTP://Evil.Example/Path']",
    "[url:value = 'http://evil.example:80/x']",
    "[url:value = 'http://evil.example']",
    "[url:value = 'http://evil.example/x?']",
    "[url:value = 'http://evil.example/%7Euser']",
    "[url:value = 'evil.example/no-scheme']",
    "[url:value = 'http://user@evil.example/x']",
    "[url:value = 'http://203.0.113.7/x']",
    "[url:value = 'http://300.0.113.7/x']",
    "[file:hashes.'SHA-256' = '" + "AB" * 32 + "']",
    "[file:hashes.'MD5' = '" + "0f" * 16 + "']",
    "[file:hashes.'SHA-1' = '" + "1" * 40 + "']",
    "[file:hashes.MD5 = '" + "e" * 32 + "']",
    "[file:hashes.'SHA-512' = '" + "e" * 128 + "']",
    "[file:hashes.'MD5' = 'not-hex-at-all-not-hex-at-all-xx']",
    "[email-addr:value = 'Boss@Evil.Example']",
    "[network-traffic:dst_ref.value = '198.51.100.7' AND network-traffic:dst_port = 4444]",
    "[ipv4-addr:value = '198.51.100.1' OR domain-name:value = 'x.example']",
    "[x-custom:value = 'nothing logs']",
    "not a pattern",
]


def _analysed(pattern: str) -> tuple[str, str] | None:
    """What `analyse` makes of a pattern when it is one fast value, else None."""
    try:
        analysis = patterns.analyse(pattern)
    except patterns.PatternRefused:
        return None
    if analysis.slow or len(analysis.fast) != 1:
        return None
    return analysis.fast[0]


def test_patterns_read_a_column_at_a_time_agree_with_the_full_analysis() -> None:
    codes, values = patterns.analyse_column(CORPUS)
    taken = 0
    for pattern, code, value in zip(CORPUS, codes.tolist(), values.tolist(), strict=True):
        if code == 0:
            assert value is None
            continue  # left to the full analysis, which the bulk reader then applies
        taken += 1
        assert (patterns.COLUMN_KINDS[code], value) == _analysed(pattern), pattern
    assert taken >= 12  # the common shapes really are taken a column at a time


def _collection_facts(collection: IndicatorCollection) -> tuple[object, ...]:
    return (
        collection.ids,
        collection.valid_from,
        collection.valid_until,
        list(collection.entries.items()),
        collection.slow,
        collection.refused,
        collection.revoked,
        dict(collection.other_objects),
    )


def test_a_bundle_read_in_bulk_equals_the_bundle_read_object_by_object() -> None:
    rng = random.Random(5)
    objects: list[dict[str, object]] = []
    for n in range(600):
        extra: dict[str, object] = {}
        if n % 37 == 0:
            extra["revoked"] = True
        if n % 41 == 0:
            extra["valid_until"] = "2025-06-01T00:00:00Z"
        if n % 43 == 0:
            extra["valid_from"] = "not a time"
        if n % 47 == 0:
            extra["pattern_type"] = "sigma"
        objects.append(stix_indicator(rng.choice(CORPUS), **extra))
        if n % 53 == 0:
            objects.append({"type": "malware", "id": f"malware--{n}", "name": "x"})
    objects.append({"type": "indicator", "pattern": "[ipv4-addr:value = '192.0.2.9']"})  # no id
    text = bundle(*objects)
    bulk = load_bundle(text.encode(), "feed.json")
    assert bulk is not None
    assert _collection_facts(bulk) == _collection_facts(load_text(text, "feed.json"))
    assert len(bulk.refused) > 0 and bulk.revoked > 0 and bulk.slow  # every path was exercised


def test_documents_the_bulk_reader_does_not_take_are_read_the_general_way(tmp_path: Path) -> None:
    single = stix_indicator("[ipv4-addr:value = '203.0.113.7']")
    for name, text in [
        ("single.json", json.dumps(single)),
        ("list.json", json.dumps([single])),
        ("odd.json", json.dumps({"type": "bundle", "objects": [single, 7]})),
        ("nan.json", '{"type": "bundle", "objects": [], "x": NaN}'),
    ]:
        assert load_bundle(text.encode(), name) is None
        path = tmp_path / name
        path.write_text(text)
        if name == "nan.json":
            with pytest.raises(NotIndicators):
                load_path(path)
            continue
        assert _collection_facts(load_path(path)) == _collection_facts(load_text(text, str(path)))


def test_a_bundle_without_indicators_is_skipped_as_before() -> None:
    text = bundle({"type": "malware", "id": "malware--1", "name": "x"})
    with pytest.raises(NotIndicators, match="malware 1"):
        load_bundle(text.encode(), "feed.json")
