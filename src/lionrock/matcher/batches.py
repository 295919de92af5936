"""The normalised shape of a log batch, shared by every reader and by the matching function.

A batch is an Arrow RecordBatch with:

* ``ts``: event time, ``timestamp[us, UTC]`` (null when the log does not say, e.g. masked test logs);
* ``line``: 1-based line number in the source file, ``int64``;
* value columns named as the log names them (``id.resp_h``, ``query``, ``dns.rrname``...), ``string`` or
  ``list<string>`` for set-valued fields, each carrying field metadata ``role`` (what kind of value it
  holds) and, for ports, ``pair`` (the address column the port belongs to).

Schema metadata carries ``source`` (the file) and ``format``. Any producer (a cluster engine, a test)
can build such batches with `make_batch` and hand them to the matcher.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

ROLES = ("ip", "port", "domain", "host", "url", "hash", "email")
"""ip: an address; port: paired with an address column; domain: a DNS name; host: a name or address,
possibly with a port (HTTP Host, answers); url: a URL, with or without scheme; hash: a file digest;
email: an address, bare or `Name <a@b>`."""

TIME = pa.timestamp("us", tz="UTC")


@dataclass(frozen=True, slots=True)
class Column:
    """One value column: its role, the address column it pairs with (ports only), and its values."""

    role: str
    values: pa.Array | Sequence[str | None] | Sequence[list[str] | None]
    pair: str | None = None


def make_batch(
    *,
    source: str,
    fmt: str,
    times: pa.Array | Sequence[int | None],
    lines: pa.Array | Sequence[int],
    columns: Mapping[str, Column],
) -> pa.RecordBatch:
    """Builds a normalised batch; `times` are microseconds since the epoch (UTC) or a timestamp array."""
    fields = [pa.field("ts", TIME), pa.field("line", pa.int64())]
    arrays: list[pa.Array] = [
        times.cast(TIME) if isinstance(times, pa.Array) else pa.array(times, type=pa.int64()).cast(TIME),
        lines if isinstance(lines, pa.Array) else pa.array(lines, type=pa.int64()),
    ]
    for name, column in columns.items():
        metadata = {"role": column.role}
        if column.pair:
            metadata["pair"] = column.pair
        if isinstance(column.values, pa.Array | pa.ChunkedArray):
            array = column.values
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
        else:
            values = list(column.values)
            is_list = any(isinstance(v, list) for v in values)
            array = pa.array(values, type=pa.list_(pa.string()) if is_list else pa.string())
        fields.append(pa.field(name, array.type, metadata=metadata))
        arrays.append(array)
    schema = pa.schema(fields, metadata={"source": source, "format": fmt})
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def roles(batch: pa.RecordBatch) -> dict[str, tuple[str, str | None]]:
    """Column name -> (role, paired address column) for every value column of a batch."""
    result: dict[str, tuple[str, str | None]] = {}
    for schema_field in batch.schema:
        metadata = schema_field.metadata or {}
        role = metadata.get(b"role")
        if role is None:
            continue
        pair = metadata.get(b"pair")
        result[schema_field.name] = (role.decode(), pair.decode() if pair else None)
    return result


def batch_source(batch: pa.RecordBatch) -> tuple[str, str]:
    """(source file, format) of a batch."""
    metadata = batch.schema.metadata or {}
    return metadata.get(b"source", b"").decode(), metadata.get(b"format", b"").decode()
