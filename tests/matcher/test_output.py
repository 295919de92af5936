"""The JSON lines a stakeholder's tooling reads: exactly what `json.dumps` of each hit gives."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pyarrow as pa

from lionrock.matcher.matching import HIT_SCHEMA
from lionrock.matcher.output import JSONL_KEYS, rfc3339, write_jsonl

from .factories import T0


def _hits(rows: list[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=HIT_SCHEMA)


def _as_json_dumps_writes_them(table: pa.Table) -> str:
    lines = []
    for row in table.to_pylist():
        record = {name: row[name] for name in JSONL_KEYS}
        record["time"] = rfc3339(record["time"])
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


def test_each_hit_is_written_exactly_as_json_dumps_writes_it_whatever_its_text() -> None:
    odd = ['quote " and \\ back', "bücher.例え.jp", "tab\tnew\nline\x01", "\u2028", "{}"]
    table = _hits(
        [
            {"indicator": f"indicator--{n}", "value": text, "observed": text, "field": "query",
             "source": "/logs/dns.log", "line": n + 1, "time": T0 + n * 1_000_001, "kind": "domain"}
            for n, text in enumerate(odd)
        ]
        + [{"indicator": "indicator--x", "value": "v", "observed": None, "field": "f", "source": "s",
            "line": 9, "time": None, "kind": "ip"}]
    )  # fmt: skip
    stream = io.StringIO()
    assert write_jsonl(table, stream) == 6
    assert stream.getvalue() == _as_json_dumps_writes_them(table)


def test_times_outside_four_digit_years_and_text_json_leaves_alone_are_written_as_python_writes_them() -> (
    None
):
    early = int((datetime(999, 5, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 10**6
    table = _hits(
        [{"indicator": "indicator--a", "value": "bücher.例え.jp", "observed": "x\u2028\x7f", "field": "f",
          "source": "s", "line": 1, "time": stamp, "kind": "ip"} for stamp in (early, T0)]
    )  # fmt: skip
    stream = io.StringIO()
    write_jsonl(table, stream)
    assert stream.getvalue() == _as_json_dumps_writes_them(table)


def _plain_hits(count: int) -> pa.Table:
    return _hits(
        [{"indicator": f"indicator--{n}", "value": "evil.example", "observed": f"a{n}.evil.example",
          "field": "query", "source": "/logs/dns.log", "line": n + 1, "time": T0 + n * 1_000_001,
          "kind": "domain"} for n in range(count)]
    )  # fmt: skip


def test_lines_written_to_a_file_follow_what_was_written_before_them_byte_for_byte() -> None:
    table = _plain_hits(3)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    stream.write("already there\n")
    write_jsonl(table, stream)
    stream.write("after\n")
    stream.flush()
    expected = "already there\n" + _as_json_dumps_writes_them(table) + "after\n"
    assert raw.getvalue().decode("utf-8") == expected


def test_a_stream_that_does_not_write_utf8_gets_the_lines_as_text_it_encodes_itself() -> None:
    table = _hits(
        [{"indicator": "indicator--a", "value": "café.example", "observed": "café.example", "field": "f",
          "source": "s", "line": 1, "time": T0, "kind": "domain"}]
    )  # fmt: skip
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="latin-1")
    write_jsonl(table, stream)
    stream.flush()
    assert raw.getvalue().decode("latin-1") == _as_json_dumps_writes_them(table)


def test_a_slice_of_a_hit_table_writes_only_its_own_lines() -> None:
    table = _plain_hits(5)
    stream = io.StringIO()
    assert write_jsonl(table.slice(1, 3), stream) == 3
    assert stream.getvalue() == _as_json_dumps_writes_them(table.slice(1, 3))
