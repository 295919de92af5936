"""What a run hands back: one JSON line per hit, and STIX 2.1 Sightings aggregated per indicator.

The JSON line has exactly the keys stakeholders' tooling relies on: indicator, value, observed, field,
source, line, time. The Sighting bundle is what goes back to the platform over TAXII: one Sighting per
indicator with its count and first/last time, `where_sighted_refs` pointing at the stakeholder's identity.
"""

from __future__ import annotations

import codecs
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import encode_basestring as _encode_string  # what json.dumps(ensure_ascii=False) uses
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

JSONL_KEYS = ("indicator", "value", "observed", "field", "source", "line", "time")
IDENTITY_NAMESPACE = uuid.UUID("0b6a3c1e-8f2d-5a4b-9c7e-2d1f0a3b4c5d")


def rfc3339(moment: datetime | None) -> str | None:
    """`2024-03-01T12:00:00.123456Z`, always UTC with a Z, as STIX and most SIEMs expect."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_jsonl(hits: pa.Table, stream: IO[str]) -> int:
    """Writes one JSON object per hit; returns how many were written.

    Each line is exactly what `json.dumps(record, ensure_ascii=False)` gives. The lines are assembled by
    Arrow in one pass over the columns: a text column with no nulls and nothing JSON escapes is written
    between quotes that are part of the literal text around it; a column holding a character JSON escapes
    (a quote, a backslash, a control character) is encoded value by value with the function `json` itself
    uses. The lines' bytes go to the stream's byte buffer when it has one and writes UTF-8, else as text.
    """
    if hits.num_rows == 0:
        return 0
    pieces: list[pa.Array | str] = []
    literal = "{"
    for position, name in enumerate(JSONL_KEYS):
        literal += ("" if position == 0 else ", ") + f'"{name}": '
        column = hits.column(name).combine_chunks()
        if name == "time":
            column = _rfc3339_column(column)
        if pa.types.is_integer(column.type):
            pieces += [literal, pc.fill_null(pc.cast(column, pa.string()), "null")]
            literal = ""
        elif column.null_count == 0 and _plain(column):
            pieces += [literal + '"', column]
            literal = '"'
        else:
            pieces += [literal, _json_column(column)]
            literal = ""
    pieces.append(literal + "}\n")
    lines = pc.binary_join_element_wise(*pieces, "")
    _write_utf8(lines, stream)
    return int(hits.num_rows)


def _write_utf8(lines: pa.Array, stream: IO[str]) -> None:
    """The text of a string array, every value one after the other, written as it is in the array."""
    offsets = lines.buffers()[1]
    data = lines.buffers()[2]
    assert offsets is not None and data is not None
    bounds = np.frombuffer(offsets, dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
    text = memoryview(data)[int(bounds[0]) : int(bounds[-1])]
    binary = getattr(stream, "buffer", None)
    encoding = getattr(stream, "encoding", None)
    # Only where text mode would write the same bytes: UTF-8, and no newline translation to undo.
    if binary is not None and encoding and codecs.lookup(encoding).name == "utf-8" and os.linesep == "\n":
        stream.flush()  # what was written as text before goes first
        binary.write(text)
    else:
        stream.write(bytes(text).decode("utf-8"))


_EARLIEST_US = -30_610_224_000 * 1_000_000  # 1000-01-01: from here on NumPy and Python print years alike
_LATEST_US = 253_402_300_799_999_999  # 9999-12-31T23:59:59.999999
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'


def _rfc3339_column(times: pa.Array) -> pa.Array:
    """`rfc3339` of every time of a column, through NumPy where it prints exactly the same."""
    stamps = times.cast(pa.int64())
    low, high = pc.min(stamps).as_py(), pc.max(stamps).as_py()
    if low is None or (low >= _EARLIEST_US and high <= _LATEST_US):
        micros = stamps.fill_null(0).to_numpy().astype("datetime64[us]")
        texts = np.char.add(np.datetime_as_string(micros, unit="us"), "Z")
        missing = np.asarray(stamps.is_null()) if stamps.null_count else None
        return pa.array(texts, type=pa.string(), mask=missing)
    return pa.array([rfc3339(moment) for moment in times.to_pylist()], type=pa.string())


def _plain(values: pa.Array) -> bool:
    """Whether no value of a text column holds a character JSON escapes (a quote, a backslash or a
    control character), looked for in the column's bytes at once."""
    if values.type != pa.string():
        return False
    offsets, data = values.buffers()[1], values.buffers()[2]
    if offsets is None or data is None:
        return True
    bounds = np.frombuffer(offsets, dtype=np.int32)[values.offset : values.offset + len(values) + 1]
    raw = np.frombuffer(data, dtype=np.uint8)[int(bounds[0]) : int(bounds[-1])]
    return not bool(np.any((raw < 0x20) | (raw == 0x22) | (raw == 0x5C)))


def _json_column(values: pa.Array) -> pa.Array:
    """Each value of a text column as JSON text, as `json.dumps(..., ensure_ascii=False)` writes it."""
    if pc.any(pc.fill_null(pc.match_substring_regex(values, _NEEDS_ESCAPE), False)).as_py():
        texts = ["null" if item is None else _encode_string(item) for item in values.to_pylist()]
        return pa.array(texts, type=pa.string())
    return pc.fill_null(pc.binary_join_element_wise('"', values, '"', ""), "null")


@dataclass(slots=True)
class SightingTally:
    """Per indicator: how often it was seen and the first and last event time."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, datetime] = field(default_factory=dict)
    last: dict[str, datetime] = field(default_factory=dict)

    def add(self, hits: pa.Table) -> None:
        """Counts the hits of one batch."""
        for indicator, moment in zip(
            hits.column("indicator").to_pylist(), hits.column("time").to_pylist(), strict=True
        ):
            self.counts[indicator] = self.counts.get(indicator, 0) + 1
            if moment is not None:
                if indicator not in self.first or moment < self.first[indicator]:
                    self.first[indicator] = moment
                if indicator not in self.last or moment > self.last[indicator]:
                    self.last[indicator] = moment


def identity_object(name: str, now: str) -> dict[str, Any]:
    """The stakeholder as a STIX identity; its id derives from the name, so runs agree on it."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": f"identity--{uuid.uuid5(IDENTITY_NAMESPACE, name)}",
        "created": now,
        "modified": now,
        "name": name,
        "identity_class": "organization",
    }


def sightings_bundle(tally: SightingTally, identity: str, now: datetime | None = None) -> dict[str, Any]:
    """A STIX 2.1 bundle: the identity and one Sighting per sighted indicator."""
    stamp = rfc3339(now or datetime.now(tz=UTC))
    assert stamp is not None
    who = identity_object(identity, stamp)
    objects: list[dict[str, Any]] = [who]
    for indicator in sorted(tally.counts):
        sighting: dict[str, Any] = {
            "type": "sighting",
            "spec_version": "2.1",
            "id": f"sighting--{uuid.uuid4()}",
            "created": stamp,
            "modified": stamp,
            "sighting_of_ref": indicator,
            "count": tally.counts[indicator],
            "where_sighted_refs": [who["id"]],
            "created_by_ref": who["id"],
        }
        if indicator in tally.first:
            sighting["first_seen"] = rfc3339(tally.first[indicator])
            sighting["last_seen"] = rfc3339(tally.last[indicator])
        objects.append(sighting)
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
