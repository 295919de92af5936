"""Loads indicators from the forms stakeholders receive them in, into one flat collection.

Sources: STIX 2.1 bundles and TAXII 2.1 envelopes (the platform's exports are bundles), Zeek Intel files
and plain lists of values (one a line, defanged or not). Each loaded indicator keeps its STIX id, because
sightings are reported against it; list entries get a stable id derived from their value so that two runs
on the same list report against the same id.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lionrock.matcher import canonical, patterns
from lionrock.matcher.refang import refang

if TYPE_CHECKING:
    import numpy as np

    from lionrock.matcher.bundles import BundleObject

# A fixed namespace so that list entries get the same id on every machine and every run.
LIST_NAMESPACE = uuid.UUID("6f1c2b4e-3d0a-5e8f-9b7c-1a2d3e4f5a6b")

_ZEEK_INTEL_KINDS = {
    "Intel::ADDR": "address",
    "Intel::SUBNET": "address",
    "Intel::DOMAIN": "domain",
    "Intel::URL": "url",
    "Intel::EMAIL": "email",
    "Intel::FILE_HASH": "hash",
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BAD = object()
_HASH_TEXT = re.compile(r"^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{64}$")


@functools.lru_cache(maxsize=65536)
def to_micros(text: str | None) -> int | None:
    """RFC 3339 timestamp to microseconds since the epoch; a time without zone is UTC, as STIX requires."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class SlowIndicator:
    """An indicator whose pattern only an evaluator can answer, with the literal values it names."""

    number: int
    pattern: str
    literals: tuple[patterns.Value, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """An indicator that cannot be matched at all, with where it came from and why."""

    source: str
    reference: str
    reason: str


@dataclass(slots=True)
class IndicatorCollection:
    """Indicators as parallel lists, so a million of them cost lists of values, not a million objects.

    `entries` holds the fast-index values: (kind, canonical value, indicator number). Revoked indicators
    are counted and kept out entirely; they can never match.
    """

    ids: list[str] = field(default_factory=list)
    valid_from: list[int | None] = field(default_factory=list)
    valid_until: list[int | None] = field(default_factory=list)
    entries: dict[str, tuple[list[str], list[int]]] = field(default_factory=dict)
    slow: list[SlowIndicator] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    revoked: int = 0
    other_objects: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        stix_id: str,
        values: Iterable[patterns.Value],
        *,
        valid_from: int | None = None,
        valid_until: int | None = None,
    ) -> int:
        """Adds one indicator with its fast values and returns its number."""
        number = len(self.ids)
        self.ids.append(stix_id)
        self.valid_from.append(valid_from)
        self.valid_until.append(valid_until)
        for kind, value in values:
            keys, numbers = self.entries.setdefault(kind, ([], []))
            keys.append(value)
            numbers.append(number)
        return number

    def add_slow(
        self,
        stix_id: str,
        analysis: patterns.Analysis,
        pattern: str,
        *,
        valid_from: int | None,
        valid_until: int | None,
    ) -> None:
        """Adds an indicator for the slow path."""
        number = self.add(stix_id, (), valid_from=valid_from, valid_until=valid_until)
        self.slow.append(SlowIndicator(number, pattern, analysis.literals, analysis.reason))

    def extend(self, other: IndicatorCollection) -> None:
        """Appends another collection, renumbering its indicators."""
        offset = len(self.ids)
        self.ids.extend(other.ids)
        self.valid_from.extend(other.valid_from)
        self.valid_until.extend(other.valid_until)
        for kind, (keys, numbers) in other.entries.items():
            mine = self.entries.setdefault(kind, ([], []))
            mine[0].extend(keys)
            mine[1].extend(n + offset for n in numbers)
        self.slow.extend(
            SlowIndicator(s.number + offset, s.pattern, s.literals, s.reason) for s in other.slow
        )
        self.refused.extend(other.refused)
        self.revoked += other.revoked
        self.other_objects.update(other.other_objects)

    def __len__(self) -> int:
        return len(self.ids)


def list_id(kind: str, value: str) -> str:
    """A stable STIX id for a list entry: the same value always reports against the same indicator.

    URLs were once kept without their scheme; an `http://` URL keeps the id it had then (so a feed
    imported again updates its indicators instead of adding new ones), other schemes get their own.
    """
    if kind == "url" and value.startswith("http://"):
        value = value[len("http://") :]
    return f"indicator--{uuid.uuid5(LIST_NAMESPACE, f'{kind}:{value}')}"


def infer_value(raw: str) -> patterns.Value | None:
    """Guesses the kind of a bare value from a plain list, after refanging it."""
    text = refang(raw)
    if not text:
        return None
    if "://" in text:
        return patterns.classify_value("url", text)
    if "@" in text and "/" not in text:
        return patterns.classify_value("email", text)
    if _HASH_TEXT.match(text):
        return ("hash", text.lower())
    value = patterns.classify_value("address", text)
    if value is not None:
        return value
    if "/" in text:
        return patterns.classify_value("url", text)
    if ":" in text and text.count(":") == 1:
        address, _, port = text.partition(":")
        key = canonical.ip_port(address, port)
        if key is not None:
            return ("ipport", key)
    if "." not in text:
        return None
    return patterns.classify_value("domain", text)


class NotIndicators(ValueError):
    """A source that was read but holds no indicators: another STIX object, a bundle without indicators,
    JSON that is not STIX. A run skips it and says so, rather than stopping."""


def load_stix(document: Any, source: str, into: IndicatorCollection, *, first_position: int = 0) -> None:
    """Loads the indicators of a STIX bundle, a TAXII envelope, a list of objects or one object.

    Objects that are not indicators are counted by type in `into.other_objects`; a document that is no
    STIX container and no indicator raises `NotIndicators`.
    """
    if isinstance(document, dict):
        objects = document.get("objects")
        if objects is None and document.get("type") == "indicator":
            objects = [document]
        elif objects is None and (document.get("type") == "bundle" or "more" in document):
            objects = []  # an empty bundle, or the envelope of an empty TAXII collection
        elif objects is None and isinstance(document.get("type"), str):
            raise NotIndicators(f"a STIX {document['type']} object, not an indicator")
    elif isinstance(document, list):
        objects = document
    else:
        objects = None
    if not isinstance(objects, list):
        raise NotIndicators("JSON that is not a STIX bundle, TAXII envelope or indicator")
    for position, obj in enumerate(objects, start=first_position):
        if isinstance(obj, dict) and obj.get("type") == "indicator":
            _load_stix_indicator(obj, source, position, into)
        else:
            kind = obj.get("type") if isinstance(obj, dict) else None
            into.other_objects[kind if isinstance(kind, str) else "(not an object)"] += 1


def _load_stix_indicator(obj: dict[str, Any], source: str, position: int, into: IndicatorCollection) -> None:
    """Loads one indicator object; a broken one becomes a refusal, never an exception."""
    stix_id = str(obj.get("id") or f"{source}#objects[{position}]")
    if obj.get("revoked") is True:
        into.revoked += 1
        return
    pattern_type = obj.get("pattern_type", "stix")
    pattern = obj.get("pattern")
    if pattern_type != "stix" or not isinstance(pattern, str):
        into.refused.append(Refusal(source, stix_id, f"pattern_type {pattern_type!r} is not a STIX pattern"))
        return
    try:
        valid_from = to_micros(obj.get("valid_from"))
        valid_until = to_micros(obj.get("valid_until"))
    except (TypeError, ValueError) as error:
        into.refused.append(Refusal(source, stix_id, f"bad validity time: {error}"))
        return
    try:
        analysis = patterns.analyse(pattern)
    except patterns.PatternRefused as error:
        into.refused.append(Refusal(source, stix_id, str(error)))
        return
    if analysis.slow:
        into.add_slow(stix_id, analysis, pattern, valid_from=valid_from, valid_until=valid_until)
    else:
        into.add(stix_id, analysis.fast, valid_from=valid_from, valid_until=valid_until)


def load_zeek_intel(lines: Iterable[str], source: str, into: IndicatorCollection) -> None:
    """Loads a Zeek Intel framework file (`#fields indicator indicator_type meta.source ...`)."""
    columns: list[str] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if line.startswith("#fields"):
            columns = line.split("\t")[1:]
            continue
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not columns or len(cells) < 2:
            into.refused.append(Refusal(source, f"line {number}", "not a Zeek Intel line"))
            continue
        row = dict(zip(columns, cells, strict=False))
        raw, intel_type = row.get("indicator", cells[0]), row.get("indicator_type", cells[1])
        kind = _ZEEK_INTEL_KINDS.get(intel_type)
        if kind is None:
            into.refused.append(Refusal(source, f"line {number}", f"{intel_type} is not matched in logs"))
            continue
        value = patterns.classify_value(kind, refang(raw))
        if value is None:
            into.refused.append(Refusal(source, f"line {number}", f"{raw!r} is not a valid {kind}"))
            continue
        into.add(list_id(*value), (value,))


def load_plain(lines: Iterable[str], source: str, into: IndicatorCollection) -> None:
    """Loads a plain list: one value a line, `#` comments, defanged values refanged, kind inferred."""
    for number, line in enumerate(lines, start=1):
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith("#"):
            continue
        value = infer_value(text)
        if value is None:
            into.refused.append(Refusal(source, f"line {number}", f"{text[:80]!r} is not a recognised value"))
            continue
        into.add(list_id(*value), (value,))


def load_text(text: str, source: str) -> IndicatorCollection:
    """Loads indicators from the text of a file, recognising its form from its content."""
    collection = IndicatorCollection()
    stripped = text.lstrip()
    if stripped.startswith(("{", "[{", "[\n", "[ ")) and not stripped.startswith("[.]"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            if stripped.startswith("{"):
                raise ValueError(f"{source}: invalid JSON at line {error.lineno}: {error.msg}") from error
        else:
            load_stix(document, source, collection)
            if not len(collection) and not collection.refused and not collection.revoked:
                others = ", ".join(f"{k} {n}" for k, n in sorted(collection.other_objects.items()))
                raise NotIndicators(f"holds no indicators ({others or 'no objects'})")
            return collection
    lines = text.splitlines()
    if any(line.startswith("#fields") and "indicator_type" in line for line in lines[:20]):
        load_zeek_intel(lines, source, collection)
    else:
        load_plain(lines, source, collection)
    return collection


def load_bundle(raw: bytes, source: str) -> IndicatorCollection | None:
    """The indicators of a bundle or envelope read in bulk (see `bundles`), exactly as `load_text` reads
    them; `None` for any document the bulk reader does not take."""
    from lionrock.matcher.bundles import decode_objects

    objects = decode_objects(raw)
    if objects is None:
        return None
    return _bundle_collection(objects, source)


def _bundle_collection(objects: list[BundleObject], source: str) -> IndicatorCollection:
    collection = IndicatorCollection()
    _load_objects(objects, source, collection)
    if not len(collection) and not collection.refused and not collection.revoked:
        others = ", ".join(f"{k} {n}" for k, n in sorted(collection.other_objects.items()))
        raise NotIndicators(f"holds no indicators ({others or 'no objects'})")
    return collection


def _micros(texts: list[Any]) -> list[Any]:
    """`to_micros` of each time, computed once per distinct text; `_BAD` where it would fail."""

    def convert(text: Any) -> Any:
        if text is not None and type(text) is not str:
            return _BAD
        try:
            return to_micros(text)
        except (TypeError, ValueError):
            return _BAD

    try:
        converted = {text: convert(text) for text in set(texts)}
    except TypeError:  # an unhashable value (a list, an object): one at a time
        return [convert(text) for text in texts]
    return list(map(converted.__getitem__, texts))


def _load_objects(objects: list[BundleObject], source: str, into: IndicatorCollection) -> None:
    """Adds every object in order: bulk where the common shapes allow, one by one elsewhere."""
    import numpy as np

    from lionrock.matcher.bundles import as_dict

    positions = [i for i, obj in enumerate(objects) if obj.type == "indicator"]
    for obj in objects if len(positions) < len(objects) else ():
        if obj.type != "indicator":
            into.other_objects[obj.type if isinstance(obj.type, str) else "(not an object)"] += 1
    if not positions:
        return
    indicators = itemgetter(*positions)(objects) if len(positions) > 1 else (objects[positions[0]],)
    ids = [obj.id for obj in indicators]
    texts = [obj.pattern for obj in indicators]
    starts = _micros([obj.valid_from for obj in indicators])
    ends = _micros([obj.valid_until for obj in indicators])
    plain = np.fromiter(
        (
            obj.revoked is not True
            and obj.pattern_type == "stix"
            and type(obj.pattern) is str
            and type(obj.id) is str
            and obj.id != ""
            for obj in indicators
        ),
        dtype=np.bool_,
        count=len(indicators),
    )
    plain &= np.fromiter((s is not _BAD for s in starts), dtype=np.bool_, count=len(indicators))
    plain &= np.fromiter((e is not _BAD for e in ends), dtype=np.bool_, count=len(indicators))
    candidates = np.flatnonzero(plain)
    kind_codes = np.zeros(len(indicators), dtype=np.int8)
    values = np.full(len(indicators), None, dtype=object)
    found_kinds, found_values = patterns.analyse_column([texts[i] for i in candidates.tolist()])
    kind_codes[candidates], values[candidates] = found_kinds, found_values
    bulk = kind_codes != 0
    row = 0
    for single in [*np.flatnonzero(~bulk).tolist(), len(indicators)]:
        if single > row:
            _add_run(into, row, single, ids, starts, ends, values, kind_codes)
        if single < len(indicators):
            load_stix([as_dict(indicators[single])], source, into, first_position=positions[single])
        row = single + 1


def _add_run(
    into: IndicatorCollection,
    first: int,
    stop: int,
    ids: list[Any],
    starts: list[Any],
    ends: list[Any],
    values: np.ndarray[Any, np.dtype[Any]],
    kind_codes: np.ndarray[Any, np.dtype[np.int8]],
) -> None:
    """Adds indicators [first, stop), each of one recognised value, as `IndicatorCollection.add` would."""
    import numpy as np

    base = len(into.ids) - first
    into.ids.extend(ids[first:stop])
    into.valid_from.extend(starts[first:stop])
    into.valid_until.extend(ends[first:stop])
    run = kind_codes[first:stop]
    # Kinds in the order they first appear, as adding one by one would create them.
    present = sorted(set(np.unique(run).tolist()), key=lambda code: int(np.argmax(run == code)))
    for code in present:
        rows = np.flatnonzero(run == code) + first
        keys, numbers = into.entries.setdefault(patterns.COLUMN_KINDS[code], ([], []))
        keys.extend(values[rows].tolist())
        numbers.extend((rows + base).tolist())


def load_path(path: Path) -> IndicatorCollection:
    """Loads one indicator file (any supported form, gzip or not)."""
    import gzip

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    from lionrock.matcher.bundles import decode_objects

    objects = decode_objects(raw)
    if objects is None:
        return load_text(raw.decode("utf-8-sig", errors="replace"), str(path))
    del raw  # 300 MB for a million indicators, no longer needed once decoded
    return _bundle_collection(objects, str(path))


def iter_values(collection: IndicatorCollection) -> Iterator[tuple[str, str, int]]:
    """Every fast value as (kind, value, indicator number); for reports and tests."""
    for kind, (keys, numbers) in collection.entries.items():
        for key, number in zip(keys, numbers, strict=True):
            yield kind, key, number
