"""Zeek logs, TSV (with `#fields` headers) and JSON, into normalised batches.

TSV takes a fast path: each chunk of data lines goes to Arrow's multi-threaded CSV parser, reading only the
columns that matter. A chunk with any irregular line (wrong column count, invalid UTF-8, an empty line)
is re-read line by line so that every bad line is reported with its number and every good line still
counts. Headers may reappear mid-file (concatenated logs); `#close` and banners are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lionrock.matcher.batches import TIME, Column, make_batch
from lionrock.matcher.source import Bytes, ReadReport, count_lines, iter_chunks, split_lines

# Which fields of which log carry which kind of value (see docs/monitoring). A path not listed falls back
# to the union, so a custom log with standard field names is still matched.
PATH_ROLES: dict[str, dict[str, str]] = {
    "conn": {"id.orig_h": "ip", "id.resp_h": "ip", "id.orig_p": "port", "id.resp_p": "port"},
    "dns": {"query": "domain", "answers": "host"},
    "http": {"host": "host", "url": "url", "referrer": "url"},
    "ssl": {"server_name": "domain"},
    "x509": {"san.dns": "domain", "certificate.subject": ""},
    "files": {"md5": "hash", "sha1": "hash", "sha256": "hash"},
    "smtp": {"mailfrom": "email", "rcptto": "email", "from": "email", "reply_to": "email"},
}
_FALLBACK = {k: v for roles in PATH_ROLES.values() for k, v in roles.items() if v}
_PAIRS = {"id.orig_p": "id.orig_h", "id.resp_p": "id.resp_h"}
_SETS = {"answers", "san.dns", "rcptto", "to", "cc"}
_MICRO = timedelta(microseconds=1)
_ABSOLUTE = r"^[A-Za-z][A-Za-z0-9+.-]*://"


@dataclass(slots=True)
class _Header:
    separator: str = "\t"
    set_separator: str = ","
    empty: str = "(empty)"
    unset: str = "-"
    path: str = ""
    fields: list[str] = field(default_factory=list)

    def roles(self) -> dict[str, str]:
        table = PATH_ROLES.get(self.path, _FALLBACK)
        wanted = {name: role for name, role in table.items() if role and name in self.fields}
        if self.path == "http" and "host" in self.fields and "uri" in self.fields:
            wanted["url"] = "url"
        return wanted


def _unescape(text: str) -> str:
    return text.encode().decode("unicode_escape") if text.startswith("\\x") else text


def _header_line(line: str, header: _Header) -> None:
    """Applies one `#` line to the header state; unknown or masked lines (banners, `#close`) are ignored."""
    key, _, rest = line[1:].partition(header.separator if not line.startswith("#separator") else " ")
    if key == "separator":
        header.separator = _unescape(rest.strip())
    elif key == "set_separator":
        header.set_separator = rest
    elif key == "empty_field":
        header.empty = rest
    elif key == "unset_field":
        header.unset = rest
    elif key == "path":
        header.path = rest
    elif key == "fields":
        header.fields = rest.split(header.separator)


def read_tsv(
    stream: BinaryIO, source: str, report: ReadReport, batch_rows: int = 1 << 20
) -> Iterator[pa.RecordBatch]:
    """Reads a Zeek TSV log; headers anywhere in the file are honoured."""
    for segment in tsv_segments(stream, source, report):
        yield from segment.batches(report)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of data lines under one header, not parsed yet: parsing can happen in another process.

    Parsing a segment gives the same batches and the same report entries wherever it runs, so the
    segments of a file parsed in parallel and taken in order give exactly what reading it in one go does.
    """

    data: Bytes
    first_line: int
    header: _Header
    source: str

    def batches(self, report: ReadReport) -> Iterator[pa.RecordBatch]:
        """The normalised batches of this segment; bad lines are recorded in `report`."""
        return _segment(self.data, self.first_line, self.header, self.source, report)


def tsv_segments(stream: BinaryIO, source: str, report: ReadReport) -> Iterator[Segment]:
    """Cuts a Zeek TSV log into segments of data lines, each with the header in force over it.

    Only header lines are looked at here (a search for `#` at line starts), so this is cheap next to
    parsing; data lines before any `#fields` header are reported as bad lines here and then dropped.
    """
    header = _Header()
    for chunk in iter_chunks(stream, source, report):
        data = chunk.data
        position = 0
        line = chunk.first_line
        while position < len(data):
            if data.startswith(b"#", position):
                end = data.find(b"\n", position)
                end = len(data) if end < 0 else end
                header = _Header(
                    header.separator, header.set_separator, header.empty, header.unset, header.path,
                    header.fields,
                )  # fmt: skip
                _header_line(data[position:end].decode("utf-8", "replace").rstrip("\r"), header)
                position = end + 1
                line += 1
                continue
            end = _next_header_line(data, position)
            whole_chunk = position == 0 and end == len(data)
            segment = data if whole_chunk else data[position:end]
            count = chunk.lines if whole_chunk else count_lines(segment)
            if header.fields:
                yield Segment(segment, line, header, source)
            else:
                for offset in range(count):
                    report.bad_line(source, line + offset, "data line before any #fields header")
            line += count
            position = end


def _next_header_line(data: Bytes, position: int) -> int:
    """Offset of the next line starting with `#`, or the end of `data`.

    Searching for the single byte `#` runs at memchr speed; `#` inside values (URI fragments) is rare,
    so checking the byte before each one costs far less than searching for the two-byte `\\n#`.
    """
    while True:
        found = data.find(b"#", position)
        if found < 0:
            return len(data)
        if found == 0 or data[found - 1] == 0x0A:
            return found
        position = found + 1


def _segment(
    segment: Bytes, first_line: int, header: _Header, source: str, report: ReadReport
) -> Iterator[pa.RecordBatch]:
    """One run of data lines under one header: the fast parser, or line by line if anything is irregular."""
    roles = header.roles()
    wanted = ["ts", *[n for n in roles if n != "url" or header.path != "http"]]
    if header.path == "http" and "url" in roles:
        wanted.append("uri")
    wanted = [n for n in dict.fromkeys(wanted) if n in header.fields]
    irregular: list[int] = []

    def on_invalid(row: Any) -> str:
        irregular.append(1)
        return "skip"

    try:
        # Parsed in 1 MiB blocks, two threads at once: as fast as larger blocks, with less memory held by
        # the parser (about 25 MB less at the peak of a conn log than 4 MiB blocks).
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(segment)),  # read in place, and without the GIL
            read_options=pacsv.ReadOptions(column_names=header.fields, block_size=1 << 20, use_threads=True),
            parse_options=pacsv.ParseOptions(
                delimiter=header.separator,
                quote_char=False,
                escape_char=False,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted,
                column_types=dict.fromkeys(wanted, pa.string()),
                null_values=[header.unset, header.empty],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        irregular.append(1)
        table = None
    if irregular or table is None:
        yield from _segment_by_line(segment, first_line, header, roles, wanted, source, report)
        return
    rows = table.num_rows
    report.events[f"zeek:{header.path or 'unknown'}"] += rows
    lines = pa.array(np.arange(first_line, first_line + rows, dtype=np.int64))
    columns = {name: table.column(name).combine_chunks() for name in wanted}
    yield _build(columns, lines, roles, header, source)


def _segment_by_line(
    segment: Bytes,
    first_line: int,
    header: _Header,
    roles: dict[str, str],
    wanted: list[str],
    source: str,
    report: ReadReport,
) -> Iterator[pa.RecordBatch]:
    """The careful path: every line checked, bad ones reported by number, odd bytes decoded with care."""
    positions = [header.fields.index(name) for name in wanted]
    expected = len(header.fields)
    values: dict[str, list[str | None]] = {name: [] for name in wanted}
    line_numbers: list[int] = []
    nulls = {header.unset, header.empty}
    for offset, raw in enumerate(
        split_lines(segment)[:-1] if segment.endswith(b"\n") else split_lines(segment)
    ):
        number = first_line + offset
        raw = raw.rstrip(b"\r")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            report.notice(source, number, "bytes that are not UTF-8 were replaced")
        cells = text.split(header.separator)
        if len(cells) != expected:
            reason = "empty line" if not text else f"{len(cells)} fields where the header has {expected}"
            report.bad_line(source, number, reason)
            continue
        line_numbers.append(number)
        for name, index in zip(wanted, positions, strict=True):
            cell = cells[index]
            values[name].append(None if cell in nulls else cell)
    if not line_numbers:
        return
    report.events[f"zeek:{header.path or 'unknown'}"] += len(line_numbers)
    columns = {name: pa.array(column, type=pa.string()) for name, column in values.items()}
    yield _build(columns, pa.array(line_numbers, type=pa.int64()), roles, header, source)


def epoch_to_time(ts: pa.Array) -> pa.Array:
    """Zeek's `1521911721.123456` text to timestamps; masked or broken values become null."""
    try:
        seconds = pc.cast(ts, pa.float64())
    except pa.ArrowInvalid:
        valid = pc.match_substring_regex(ts, r"^\d{1,12}(\.\d{0,9})?$")
        seconds = pc.cast(pc.if_else(valid, ts, pa.scalar(None, pa.string())), pa.float64())
    micros = pc.cast(pc.round(pc.multiply(seconds, 1_000_000.0)), pa.int64())
    return micros.cast(TIME)


def _build(
    columns: dict[str, pa.Array], lines: pa.Array, roles: dict[str, str], header: _Header, source: str
) -> pa.RecordBatch:
    """Assembles the normalised batch: sets split, http url derived from host and uri."""
    ts = columns.get("ts")
    times = epoch_to_time(ts) if ts is not None else pa.nulls(len(lines), TIME)
    out: dict[str, Column] = {}
    for name, role in roles.items():
        if name == "url" and header.path == "http":
            host, uri = columns.get("host"), columns.get("uri")
            if host is None or uri is None:
                continue
            out["url"] = Column("url", http_url(host, uri))
            continue
        array = columns[name]
        if name in _SETS:
            array = pc.split_pattern(array, header.set_separator)
        out[name] = Column(role, array, _PAIRS.get(name))
    return make_batch(source=source, fmt="zeek", times=times, lines=lines, columns=out)


def http_url(host: pa.Array, uri: pa.Array) -> pa.Array:
    """The URL of each http.log request: `http://` + Host + URI, or the URI itself when it is absolute.

    Zeek decodes only HTTP it sees in clear, so the scheme is `http`; an HTTPS request never reaches
    http.log (its server name is in ssl.log). A proxy request carries an absolute URI, which is kept.
    """
    joined = pc.binary_join_element_wise("http://", host, uri, "")
    absolute = pc.fill_null(pc.match_substring_regex(uri, _ABSOLUTE), False)
    return pc.if_else(absolute, uri, joined)


def _json_time(value: Any) -> int | None:
    """Zeek JSON `ts`: epoch seconds or ISO 8601 text."""
    if isinstance(value, int | float):
        return round(value * 1_000_000)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        epoch = datetime(1970, 1, 1, tzinfo=moment.tzinfo) if moment.tzinfo else datetime(1970, 1, 1)  # noqa: DTZ001
        return (moment - epoch) // _MICRO
    return None


def read_json(
    stream: BinaryIO, source: str, report: ReadReport, batch_rows: int = 65536
) -> Iterator[pa.RecordBatch]:
    """Reads Zeek NDJSON; each `_path` gets the fields of its log type, batches are per path."""
    pending: dict[str, tuple[list[int | None], list[int], dict[str, list[Any]]]] = {}

    def flush(path: str) -> pa.RecordBatch:
        times, lines, values = pending.pop(path)
        table = PATH_ROLES.get(path, _FALLBACK)
        columns = {
            name: Column(table.get(name) or "url", column, _PAIRS.get(name))
            for name, column in values.items()
        }
        report.events[f"zeek:{path or 'unknown'}"] += len(lines)
        return make_batch(source=source, fmt="zeek", times=times, lines=lines, columns=columns)

    for chunk in iter_chunks(stream, source, report):
        for offset, raw in enumerate(split_lines(chunk.data)[: chunk.lines]):
            number = chunk.first_line + offset
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, UnicodeDecodeError) as error:
                report.bad_line(source, number, f"not JSON: {str(error)[:80]}")
                continue
            if not isinstance(record, dict):
                report.bad_line(source, number, "not a JSON object")
                continue
            path = str(record.get("_path", ""))
            table = PATH_ROLES.get(path, _FALLBACK)
            names = [n for n in table if table[n]]
            if path == "http":
                names.append("url")
            times, lines, values = pending.setdefault(path, ([], [], {n: [] for n in names}))
            times.append(_json_time(record.get("ts")))
            lines.append(number)
            for name in names:
                value = record.get(name)
                if name == "url" and path == "http":
                    host, uri = record.get("host"), record.get("uri")
                    value = None
                    if isinstance(uri, str) and re.match(_ABSOLUTE, uri):
                        value = uri
                    elif isinstance(host, str) and isinstance(uri, str):
                        value = f"http://{host}{uri}"
                if isinstance(value, list):
                    value = [str(v) for v in value] if name in _SETS else ",".join(map(str, value))
                elif value is not None:
                    value = str(value)
                    if name in _SETS:
                        value = [value]
                values[name].append(value)
            if len(lines) >= batch_rows:
                yield flush(path)
    for path in list(pending):
        yield flush(path)
