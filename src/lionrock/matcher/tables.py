"""Tables of logs (Parquet files, Spark DataFrames) into normalised batches.

Data lakes keep Zeek, Suricata and web server logs as tables whose columns are named as the log names its
fields: `ts`, `id.orig_h`, `query`, `answers` (a list), `dns.rrname` (or a `dns` struct with `rrname`),
`http.hostname`, `client`, `request`... A column is matched as the kind of value its name says it holds,
with the same table of names as the text readers; columns with other names are ignored. The time
(`ts`, or Suricata's `timestamp`) may be a timestamp, epoch seconds or ISO 8601 text. An event's line is
its 1-based row number in the file, so a hit can be found again with any Parquet reader.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from lionrock.matcher import textlogs, zeek
from lionrock.matcher.batches import TIME, Column, make_batch
from lionrock.matcher.source import ReadReport

FORMAT = "parquet"


def _column_roles() -> dict[str, tuple[str, str | None]]:
    table: dict[str, tuple[str, str | None]] = {}
    for fmt in (textlogs.EVE, textlogs.CLF):
        table.update(fmt.roles)
    for name, role in zeek._FALLBACK.items():
        table[name] = (role, zeek._PAIRS.get(name))
    return table


COLUMN_ROLES = _column_roles()
"""Column name -> (role, paired address column): Zeek, Suricata EVE and web server field names."""


def _flatten(table: pa.Table) -> pa.Table:
    """Struct columns become dotted columns (`dns` {rrname} -> `dns.rrname`), however deep."""
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


def _times(column: pa.ChunkedArray | pa.Array | None, rows: int) -> pa.Array:
    if column is None:
        return pa.nulls(rows, TIME)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            column = pc.assume_timezone(column, "UTC")
        return column.cast(pa.timestamp("us", tz="UTC"))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        micros = pc.round(pc.multiply(column.cast(pa.float64()), 1_000_000.0))
        return pc.cast(micros, pa.int64()).cast(TIME)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = column.cast(pa.string())
        numeric = pc.fill_null(pc.match_substring_regex(text, r"^\d{1,12}(\.\d{0,9})?$"), False)
        if pc.all(pc.or_(numeric, pc.is_null(text))).as_py():
            return zeek.epoch_to_time(text)
        parsed = [textlogs._iso(value) if value is not None else None for value in text.to_pylist()]
        return pa.array(parsed, type=pa.int64()).cast(TIME)
    return pa.nulls(rows, TIME)


def _text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Values as strings, or lists of strings for list columns; empty strings are no value."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return column.cast(pa.list_(pa.string()))
    text = column.cast(pa.string())
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def normalise(table: pa.Table | pa.RecordBatch, *, source: str, lines: pa.Array) -> pa.RecordBatch:
    """One normalised batch from a slice of a log table; `lines` are the rows' 1-based numbers."""
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    table = _flatten(table)
    names = set(table.column_names)
    columns: dict[str, Column] = {}
    for name in table.column_names:
        known = COLUMN_ROLES.get(name)
        if known is None:
            continue
        role, pair = known
        if pair is not None and pair not in names:
            pair = None
        columns[name] = Column(role, _text(table.column(name)), pair)
    if "url" not in names and "host" in names and "uri" in names:  # Zeek http: the URL is host + uri
        host, uri = _text(table.column("host")), _text(table.column("uri"))
        if pa.types.is_string(host.type) and pa.types.is_string(uri.type):
            columns["url"] = Column("url", pc.binary_join_element_wise(host, uri, ""))
    times = _times(table.column("ts") if "ts" in names else None, table.num_rows)
    if "timestamp" in names and times.null_count:  # tables of several logs: Zeek's ts, else Suricata's
        times = pc.coalesce(times, _times(table.column("timestamp"), table.num_rows))
    return make_batch(source=source, fmt=FORMAT, times=times, lines=lines.cast(pa.int64()), columns=columns)


def read_parquet(name: str, report: ReadReport, batch_rows: int = 65536) -> Iterator[pa.RecordBatch]:
    """Reads a Parquet file of log events into normalised batches, row group by row group."""
    import pyarrow.parquet as pq

    report.files += 1
    try:
        handle = pq.ParquetFile(name)
    except (OSError, pa.ArrowException) as error:
        report.error(name, 0, f"cannot read Parquet: {error}")
        return
    first = 1
    try:
        for batch in handle.iter_batches(batch_size=batch_rows):
            lines = pa.array(range(first, first + batch.num_rows), type=pa.int64())
            first += batch.num_rows
            report.events[FORMAT] += batch.num_rows
            yield normalise(batch, source=name, lines=lines)
    except (OSError, pa.ArrowException) as error:
        report.error(name, first, f"Parquet read failed: {error}; rows before this one were read")
