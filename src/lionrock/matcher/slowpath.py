"""The slow path: patterns the index cannot express, evaluated by stix2-matcher on candidate events.

A candidate is an event holding one of the literal values the pattern names (found with the same fast
machinery, on a small index of those literals); a pattern naming no literal (only MATCHES or LIKE) has
every event as candidate. Each candidate becomes an observed-data object built from its role columns, and
stix2-matcher decides. Observation expressions joined across events (AND, FOLLOWEDBY between
observations) are evaluated within one batch of events.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from lionrock.matcher import prefilter
from lionrock.matcher.columns import Flat, flatten
from lionrock.matcher.indicators import IndicatorCollection

if TYPE_CHECKING:
    from lionrock.matcher.counts import MatchReport
    from lionrock.matcher.index import CompiledIndex

_HASH_NAMES = {32: "MD5", 40: "SHA-1", 64: "SHA-256"}
_QUALIFIED = re.compile(r"START|STOP|WITHIN|REPEATS", re.IGNORECASE)
_DESTINATION_HINTS = ("resp", "dest", "dst", "da", "dpt")


class _State:
    """Per-index slow-path machinery, built on first use."""

    def __init__(self, index: CompiledIndex) -> None:
        from stix2matcher.matcher import Pattern

        from lionrock.matcher.index import CompiledIndex

        self.patterns: list[Any] = []
        self.numbers: list[int] = []
        self.without_literals: list[int] = []
        self.timed: list[bool] = []  # patterns whose answer may depend on the event's time
        # (roles, literal or expression) -> the slow-path positions that name it
        self.substrings: dict[tuple[frozenset[str], str], list[int]] = defaultdict(list)
        self.regexes: dict[tuple[frozenset[str], str], list[int]] = defaultdict(list)
        literals = IndicatorCollection()
        for position, slow in enumerate(index.slow):
            try:
                self.patterns.append(Pattern(slow.pattern))
            except Exception:  # noqa: BLE001 - a pattern stix2-matcher cannot compile never matches
                self.patterns.append(None)
            self.numbers.append(slow.number)
            self.timed.append(bool(_QUALIFIED.search(slow.pattern)))
            needed = prefilter.requirement(slow.pattern)
            if needed is None:
                self.without_literals.append(position)
                continue
            if needed.values:
                literals.add(f"slow--{position}", needed.values)
            for key in needed.substrings:
                self.substrings[key].append(position)
            for key in needed.regexes:
                self.regexes[key].append(position)
        self.literal_index = CompiledIndex(literals)


def _state(index: CompiledIndex) -> _State:
    state: _State | None = getattr(index, "_slow_state", None)
    if state is None:
        state = _State(index)
        index._slow_state = state  # type: ignore[attr-defined]
    return state


def _objects(batch: pa.RecordBatch, row: int, roles: dict[str, tuple[str, str | None]]) -> dict[str, Any]:
    """The STIX cyber-observables one log event shows, keyed as observed-data `objects`."""
    from lionrock.matcher import canonical

    objects: dict[str, Any] = {}
    refs: dict[str, str] = {}

    def add(obj: dict[str, Any]) -> str:
        key = str(len(objects))
        objects[key] = obj
        return key

    for name, (role, _) in roles.items():
        value = batch.column(name)[row].as_py()
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            text = str(item)
            if role in ("ip", "host"):
                sorted_out = canonical.host(text) if role == "host" else ("ip", canonical.ip(text) or "")
                if sorted_out and sorted_out[0] == "ip" and sorted_out[1]:
                    kind = "ipv6-addr" if ":" in sorted_out[1] else "ipv4-addr"
                    refs[name] = add({"type": kind, "value": sorted_out[1]})
                elif sorted_out:
                    add({"type": "domain-name", "value": sorted_out[1]})
            elif role == "domain":
                name_value = canonical.domain(text)
                if name_value:
                    add({"type": "domain-name", "value": name_value})
            elif role == "url":
                add({"type": "url", "value": text})
            elif role == "email":
                address = canonical.email(text)
                if address:
                    add({"type": "email-addr", "value": address})
            elif role == "hash" and len(text) in _HASH_NAMES:
                add({"type": "file", "hashes": {_HASH_NAMES[len(text)]: text.lower()}})
    traffic: dict[str, Any] = {"type": "network-traffic", "protocols": ["ipv4"]}
    for name, (role, pair) in roles.items():
        if role != "port" or pair not in refs:
            continue
        port = batch.column(name)[row].as_py()
        side = "dst" if any(h in name for h in _DESTINATION_HINTS) else "src"
        traffic[f"{side}_ref"] = refs[pair]
        if port is not None and str(port).isdigit():
            traffic[f"{side}_port"] = int(port)
    if "src_ref" in traffic or "dst_ref" in traffic:
        add(traffic)
    return objects


def evaluate(
    index: CompiledIndex,
    batch: pa.RecordBatch,
    roles: dict[str, tuple[str, str | None]],
    report: MatchReport,
    *,
    match: Callable[..., pa.Table],
) -> list[tuple[str, Flat, Any]]:
    """Slow-path hits of one batch, in the matcher's (field, flat column, pairs) form.

    ``match`` is the fast matcher (``matching.match_batch``), passed in because it calls this module:
    it finds the candidate events holding a literal the patterns name.
    """
    from lionrock.matcher.index import Pairs

    state = _state(index)
    candidates: dict[int, set[int]] = defaultdict(set)
    if len(state.literal_index):
        literal_hits = match(state.literal_index, batch, warninglists=False)
        if literal_hits.num_rows:
            line_to_row = {line: row for row, line in enumerate(batch.column("line").to_pylist())}
            for number, line in zip(
                _literal_numbers(state, literal_hits), literal_hits.column("line").to_pylist(), strict=True
            ):
                candidates[line_to_row[line]].add(number)
    if state.substrings or state.regexes:
        _text_candidates(state, batch, roles, candidates)
    if state.without_literals:
        for row in range(batch.num_rows):
            candidates[row].update(state.without_literals)
    if not candidates:
        return []
    pairs = Pairs()
    times = batch.column("ts")
    shown: dict[int, dict[str, Any]] = {}
    answers: dict[tuple[int, str, str], bool] = {}
    for row, positions in sorted(candidates.items()):
        objects = _objects(batch, row, roles)
        if not objects:
            continue
        shown[row] = objects
        moment = times[row].as_py()
        stamp = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if moment else "1970-01-01T00:00:00Z"
        observed = {
            "type": "observed-data",
            "id": "observed-data--00000000-0000-4000-8000-000000000000",
            "first_observed": stamp,
            "last_observed": stamp,
            "number_observed": 1,
            "objects": objects,
        }
        content = json.dumps(objects, sort_keys=True)
        for position in positions:
            pattern = state.patterns[position]
            report.slow_candidates += 1
            if pattern is None:
                continue
            # The same event content gives the same answer; the time matters only to qualifiers.
            key = (position, content, stamp if state.timed[position] else "")
            matched = answers.get(key)
            if matched is None:
                try:
                    matched = bool(pattern.match([observed]))
                except Exception:  # noqa: BLE001 - an evaluator error on one event is no hit, not a crash
                    matched = False
                answers[key] = matched
            if matched:
                report.slow_hits += 1
                pairs.add(row, state.numbers[position], index.slow[position].pattern, 0, "pattern")
    if not len(pairs):
        return []
    texts: list[str | None] = [None] * batch.num_rows
    for row in set(pairs.rows):
        texts[row] = _summary(shown[row])
    summary = pa.array(texts, type=pa.string())
    return [("(pattern)", Flat(summary, np.arange(batch.num_rows, dtype=np.int64)), pairs)]


def _text_candidates(
    state: _State, batch: pa.RecordBatch, roles: dict[str, tuple[str, str | None]], out: dict[int, set[int]]
) -> None:
    """Adds the events holding a literal (or matching an expression) that a pattern needs, per column."""
    for name, (role, _) in roles.items():
        substrings = {text: ps for (wanted, text), ps in state.substrings.items() if role in wanted}
        regexes = {text: ps for (wanted, text), ps in state.regexes.items() if role in wanted}
        column = batch.column(name)
        if (not substrings and not regexes) or column.null_count == len(column):
            continue
        flat = flatten(column)
        if not pa.types.is_string(flat.values.type) and not pa.types.is_large_string(flat.values.type):
            continue
        for text, positions in substrings.items():
            mask = prefilter.text_candidates(flat.values, role, substrings=[text], regexes=[])
            for row in np.unique(flat.rows[mask]).tolist():
                out[row].update(positions)
        for text, positions in regexes.items():
            mask = prefilter.text_candidates(flat.values, role, substrings=[], regexes=[text])
            for row in np.unique(flat.rows[mask]).tolist():
                out[row].update(positions)


def _literal_numbers(state: _State, hits: pa.Table) -> list[int]:
    """Maps literal-index hits back to slow-path positions (their ids are `slow--<position>`)."""
    del state
    return [int(str(i).split("--")[1]) for i in hits.column("indicator").to_pylist()]


def _summary(objects: dict[str, Any]) -> str:
    """A short text of what an event showed, for the `observed` key of a pattern hit."""
    parts = [str(o.get("value") or next(iter(o.get("hashes", {}).values()), "")) for o in objects.values()]
    return " ".join(p for p in parts if p)
