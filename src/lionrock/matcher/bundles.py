"""A STIX bundle of many indicators read in bulk, with the same result as reading it object by object.

A feed of a million indicators is 300 MB of JSON whose objects nearly all have one shape:
`[ipv4-addr:value = '…']`, a name, a URL, a hash. Parsing it into a million dictionaries and analysing
each pattern in Python took 14 s and 1.7 GB. Here msgspec decodes only the fields the matcher uses, the
common pattern shapes are recognised a column at a time (`patterns.analyse_column`), validity times are
converted once per distinct text, and runs of such indicators are added in bulk. Every object that is not
of those shapes (another pattern, a missing id, a bad time, a revoked flag) goes through
`indicators.load_stix` one by one as before, in its place, so numbering and output do not change.
A document that is not a plain `{"objects": [...]}` container is left to the general reader (`None`).
"""

from __future__ import annotations

import codecs
import re
from operator import itemgetter
from typing import Any

import msgspec
import numpy as np

from lionrock.matcher import patterns
from lionrock.matcher.indicators import IndicatorCollection, NotIndicators, load_stix, to_micros

_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")
_BAD = object()


class _Object(msgspec.Struct, gc=False):
    """The fields of a STIX object that loading reads; a missing one reads as `dict.get` would give it."""

    type: Any = None
    id: Any = None
    pattern: Any = None
    pattern_type: Any = "stix"
    valid_from: Any = None
    valid_until: Any = None
    revoked: Any = None


class _Container(msgspec.Struct, gc=False):
    objects: list[_Object] | None = None


_decoder: msgspec.json.Decoder[_Container] | None = None


def load_bundle(raw: bytes, source: str) -> IndicatorCollection | None:
    """The indicators of a bundle or envelope, or `None` for any document this reader does not take."""
    global _decoder
    body = memoryview(raw)[3:] if raw.startswith(codecs.BOM_UTF8) else memoryview(raw)
    start = _LEADING_SPACE.match(raw, 3 if raw.startswith(codecs.BOM_UTF8) else 0)
    if start is None or raw[start.end() : start.end() + 1] != b"{":
        return None
    if _decoder is None:
        _decoder = msgspec.json.Decoder(_Container)
    try:
        document = _decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    if document.objects is None:
        return None
    collection = IndicatorCollection()
    _load_objects(document.objects, source, collection)
    if not len(collection) and not collection.refused and not collection.revoked:
        others = ", ".join(f"{k} {n}" for k, n in sorted(collection.other_objects.items()))
        raise NotIndicators(f"holds no indicators ({others or 'no objects'})")
    return collection


def _as_dict(obj: _Object) -> dict[str, Any]:
    return {
        "type": obj.type,
        "id": obj.id,
        "pattern": obj.pattern,
        "pattern_type": obj.pattern_type,
        "valid_from": obj.valid_from,
        "valid_until": obj.valid_until,
        "revoked": obj.revoked,
    }


def _micros(texts: list[Any]) -> list[Any]:
    """`to_micros` of each time, computed once per distinct text; `_BAD` where it would fail."""
    converted: dict[str | None, Any] = {}
    result: list[Any] = []
    for text in texts:
        if text is not None and type(text) is not str:
            result.append(_BAD)
            continue
        value = converted.get(text, _BAD)
        if value is _BAD and text not in converted:
            try:
                value = to_micros(text)
            except (TypeError, ValueError):
                value = _BAD
            converted[text] = value
        result.append(value)
    return result


def _load_objects(objects: list[_Object], source: str, into: IndicatorCollection) -> None:
    """Adds every object in order: bulk where the common shapes allow, one by one elsewhere."""
    positions = [i for i, obj in enumerate(objects) if obj.type == "indicator"]
    for obj in objects:
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
    kinds: list[str | None] = [None] * len(indicators)
    values: list[str | None] = [None] * len(indicators)
    found_kinds, found_values = patterns.analyse_column([texts[i] for i in candidates.tolist()])
    for row, kind, value in zip(candidates.tolist(), found_kinds, found_values, strict=True):
        kinds[row], values[row] = kind, value
    bulk = np.fromiter((kind is not None for kind in kinds), dtype=np.bool_, count=len(indicators))
    codes = {"ip": 1, "domain": 2, "url": 3, "hash": 4}
    kind_codes = np.fromiter((codes.get(k or "", 0) for k in kinds), dtype=np.int8, count=len(kinds))
    row = 0
    for single in [*np.flatnonzero(~bulk).tolist(), len(indicators)]:
        if single > row:
            _add_run(into, row, single, ids, starts, ends, values, kind_codes, codes)
        if single < len(indicators):
            load_stix([_as_dict(indicators[single])], source, into, first_position=positions[single])
        row = single + 1


def _add_run(
    into: IndicatorCollection,
    first: int,
    stop: int,
    ids: list[Any],
    starts: list[Any],
    ends: list[Any],
    values: list[str | None],
    kind_codes: np.ndarray[Any, np.dtype[np.int8]],
    codes: dict[str, int],
) -> None:
    """Adds indicators [first, stop), each of one recognised value, as `IndicatorCollection.add` would."""
    base = len(into.ids) - first
    into.ids.extend(ids[first:stop])
    into.valid_from.extend(starts[first:stop])
    into.valid_until.extend(ends[first:stop])
    run = kind_codes[first:stop]
    # Kinds in the order they first appear, as adding one by one would create them.
    present = sorted(set(np.unique(run).tolist()), key=lambda code: int(np.argmax(run == code)))
    names = {code: kind for kind, code in codes.items()}
    for code in present:
        kind = names[code]
        rows = np.flatnonzero(kind_codes[first:stop] == code) + first
        keys, numbers = into.entries.setdefault(kind, ([], []))
        picked = itemgetter(*rows.tolist())(values) if len(rows) > 1 else (values[int(rows[0])],)
        keys.extend(str(value) for value in picked)
        numbers.extend((rows + base).tolist())
