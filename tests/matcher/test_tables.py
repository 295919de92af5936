"""Parquet tables of logs, read by the local engine: columns matched by their names, lines are rows."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lionrock.matcher import match_batches, read_log
from lionrock.matcher.readers import detect
from lionrock.matcher.source import ReadReport

from .factories import T0, index_of


def test_a_parquet_table_of_zeek_and_suricata_fields_is_matched_with_row_numbers_as_lines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "events.parquet"
    table = pa.table(
        {
            "ts": [T0 / 1e6, None, T0 / 1e6 + 2],
            "timestamp": [None, "2024-01-01T00:00:01Z", None],
            "id.resp_h": ["10.0.0.1", None, "45.137.21.66"],
            "dns": [{"rrname": None}, {"rrname": "www.Evil.example."}, {"rrname": None}],
            "user_agent": ["evil.example", "evil.example", "evil.example"],
        }
    )
    pq.write_table(table, path, row_group_size=2)
    report = ReadReport()

    hits = pa.concat_tables(
        match_batches(index_of("45.137.21.66", "evil.example"), read_log(str(path), report))
    )

    assert detect(path.read_bytes()[:64]) == "parquet"
    rows = sorted(zip(*(hits.column(n).to_pylist() for n in ("line", "field", "value")), strict=True))
    assert rows == [(2, "dns.rrname", "evil.example"), (3, "id.resp_h", "45.137.21.66")]
    assert [t.isoformat() for t in sorted(hits.column("time").to_pylist())] == [
        "2024-01-01T00:00:01+00:00",
        "2024-01-01T00:00:02+00:00",
    ]
    assert report.events["parquet"] == 3
    assert report.files == 1
