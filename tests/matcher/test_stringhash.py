"""Exact string lookups by hash: the same answers as comparing the text, collisions included."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lionrock.matcher.matching import domain_hits
from lionrock.matcher.stringhash import StringSet, span_hashes, spans

from .factories import index_of


def _thue_morse(length: int) -> str:
    return "".join("ab"[bin(i).count("1") % 2] for i in range(length))


def _words(rng: random.Random, count: int) -> list[str]:
    alphabet = "abcé.-0Ω"
    return ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(count)]


def test_a_set_finds_exactly_the_values_that_comparing_the_text_finds() -> None:
    rng = random.Random(7)
    keys = [*_words(rng, 3000), "", "abc", "abc"]
    probes = [*_words(rng, 5000), "abc", ""]
    data, starts, ends, _ = spans(pa.array(probes))
    which, positions = StringSet(pa.array(keys)).find(data, starts, ends)
    where: dict[str, list[int]] = {}
    for k, key in enumerate(keys):
        where.setdefault(key, []).append(k)
    expected = [(i, k) for i, p in enumerate(probes) for k in where.get(p, [])]
    assert list(zip(which.tolist(), positions.tolist(), strict=True)) == expected
    in_arrow = pc.is_in(pa.array(probes), value_set=pa.array(keys)).to_pylist()
    assert sorted(set(which.tolist())) == [i for i, member in enumerate(in_arrow) if member]


def test_a_null_probe_never_matches_even_the_empty_string() -> None:
    index = index_of("evil.com")
    assert index.match_strings("domain", pa.array([None, "evil.com"], type=pa.string())) == {"evil.com": [0]}


def test_strings_whose_hashes_collide_are_still_told_apart() -> None:
    word = _thue_morse(2048)
    twin = word.translate(str.maketrans("ab", "ba"))
    data, starts, ends, _ = spans(pa.array([word, twin]))
    assert span_hashes(data, starts, ends)[0] == span_hashes(data, starts, ends)[1]  # a real collision
    which, positions = StringSet(pa.array([word])).find(data, starts, ends)
    assert which.tolist() == [0]
    assert positions.tolist() == [0]


def test_the_hash_of_a_span_does_not_depend_on_where_it_lies() -> None:
    data, starts, ends, _ = spans(pa.array(["x.evil.com", "evil.com", "zzzzzzzzevil.com"]))
    parts = span_hashes(data, np.array([2, 10, 26], dtype=np.int64), np.array([10, 18, 34], dtype=np.int64))
    assert parts[0] == parts[1] == parts[2]
    assert span_hashes(data, starts, ends)[1] == parts[0]


def test_every_parent_domain_of_every_name_is_found_as_comparing_suffixes_would() -> None:
    rng = random.Random(11)
    labels = ["evil", "com", "a", "", "xn--bcher-kva", "b"]
    names = [".".join(rng.choices(labels, k=rng.randint(1, 5))) for _ in range(2000)]
    keys = sorted({name for name in names[:300] if name})
    index = index_of(*keys)
    listed = index.string_keys("domain")
    assert listed is not None
    indexed = set(listed.to_pylist())
    found = domain_hits(index, pa.array(names))
    for position, name in enumerate(names):
        candidates = [name] + [name[k + 1 :] for k, c in enumerate(name) if c == "."]
        expected = [c for c in candidates if c in indexed]
        assert [value for value, _, _, _ in found.get(position, [])] == expected, name
