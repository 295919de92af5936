"""Line-oriented logs other than Zeek TSV: Suricata EVE JSON, Apache/Nginx combined, BIND9 query log,
dnsmasq, nfdump CSV and ArcSight CEF.

Each format is a function from one decoded line to (event time, field values) that raises `ValueError`
with a reason for a line it cannot read; one driver turns those into batches, so the line numbering,
bad-line reporting and batching are the same for all of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import pyarrow as pa

from lionrock.matcher.batches import Column, make_batch
from lionrock.matcher.source import ReadReport, iter_chunks, split_lines

Fields = dict[str, str | list[str] | None]
LineParser = Callable[[str], tuple[int | None, Fields]]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1
    )
}


@dataclass(frozen=True, slots=True)
class Format:
    """A line format: its parser and the role (and address pair) of each field it yields."""

    name: str
    parse: LineParser
    roles: dict[str, tuple[str, str | None]]


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICRO


def _iso(text: Any) -> int | None:
    if not isinstance(text, str):
        return None
    try:
        return _micros(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


# -- Suricata EVE JSON ----------------------------------------------------------------------------------


def _eve(line: str) -> tuple[int | None, Fields]:
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    fields: Fields = {
        "src_ip": _text(record.get("src_ip")),
        "dest_ip": _text(record.get("dest_ip")),
        "src_port": _text(record.get("src_port")),
        "dest_port": _text(record.get("dest_port")),
    }
    dns = record.get("dns")
    if isinstance(dns, dict):
        names = [str(dns["rrname"])] if "rrname" in dns else []
        names += [str(q["rrname"]) for q in dns.get("queries", []) if isinstance(q, dict) and "rrname" in q]
        fields["dns.rrname"] = names or None
        answers = [str(a["rdata"]) for a in dns.get("answers", []) if isinstance(a, dict) and "rdata" in a]
        if "rdata" in dns:
            answers.append(str(dns["rdata"]))
        for grouped in (dns.get("grouped") or {}).values():
            answers += [str(v) for v in grouped if isinstance(v, str)]
        fields["dns.answers.rdata"] = answers or None
    http = record.get("http")
    if isinstance(http, dict):
        hostname, url = _text(http.get("hostname")), _text(http.get("url"))
        fields["http.hostname"] = hostname
        if url is not None:
            # Suricata decodes only HTTP it sees in clear: the scheme is http unless the target is absolute.
            fields["http.url"] = url if "://" in url or hostname is None else f"http://{hostname}{url}"
    tls = record.get("tls")
    if isinstance(tls, dict):
        fields["tls.sni"] = _text(tls.get("sni"))
    fileinfo = record.get("fileinfo")
    if isinstance(fileinfo, dict):
        for digest in ("md5", "sha1", "sha256"):
            fields[f"fileinfo.{digest}"] = _text(fileinfo.get(digest))
    return _iso(record.get("timestamp")), fields


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


EVE = Format(
    "eve",
    _eve,
    {
        "src_ip": ("ip", None),
        "dest_ip": ("ip", None),
        "src_port": ("port", "src_ip"),
        "dest_port": ("port", "dest_ip"),
        "dns.rrname": ("domain", None),
        "dns.answers.rdata": ("host", None),
        "http.hostname": ("host", None),
        "http.url": ("url", None),
        "tls.sni": ("domain", None),
        "fileinfo.md5": ("hash", None),
        "fileinfo.sha1": ("hash", None),
        "fileinfo.sha256": ("hash", None),
    },
)

# -- Apache / Nginx combined ------------------------------------------------------------------------------

_CLF = re.compile(
    r'^(?:(?P<vhost>\S+) )?(?P<client>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>[^"]*)" \d{3} \S+'
    r'(?: "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")?\s*$'
)


def _clf_time(text: str) -> int:
    # 17/May/2015:10:05:03 +0000
    day, month, rest = text.split("/", 2)
    year, clock = rest.split(":", 1)
    stamp, _, zone = clock.partition(" ")
    hour, minute, second = (int(p) for p in stamp.split(":"))
    moment = datetime(int(year), _MONTHS[month], int(day), hour, minute, second, tzinfo=UTC)
    if zone:
        sign = -1 if zone[0] == "-" else 1
        moment -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5]))
    return _micros(moment)


def _clf_url(vhost: str | None, target: str | None) -> str | None:
    """The requested URL: vhost and path, with the scheme only where the vhost's port tells it.

    `%v:%p` logs the port: 443 is `https`, 80 is `http`; any other port, or none, leaves the scheme
    unknown, and the URL is then compared with `http://`, `https://` and scheme-less indicators alike.
    """
    if not vhost or not target or not target.startswith("/"):
        return target
    host, _, port = vhost.rpartition(":") if vhost.count(":") == 1 else (vhost, "", "")
    if port == "443":
        return f"https://{host}{target}"
    if port == "80":
        return f"http://{host}{target}"
    return f"{vhost}{target}"


def _clf(line: str) -> tuple[int | None, Fields]:
    match = _CLF.match(line)
    if match is None:
        raise ValueError("not a common or combined log line")
    try:
        when = _clf_time(match["time"])
    except (ValueError, KeyError, IndexError) as error:
        raise ValueError(f"bad time {match['time']!r}") from error
    request = match["request"].split(" ")
    target = request[1] if len(request) >= 2 else None
    vhost = match["vhost"]
    fields: Fields = {
        "client": match["client"],
        "vhost": vhost,
        "request": _clf_url(vhost, target),
        "referer": None if match["referer"] in (None, "-", "") else match["referer"],
    }
    return when, fields


CLF = Format(
    "clf",
    _clf,
    {"client": ("ip", None), "vhost": ("host", None), "request": ("url", None), "referer": ("url", None)},
)

# -- BIND9 query log and dnsmasq --------------------------------------------------------------------------

_BIND = re.compile(
    r"^(?P<date>\d{2}-\w{3}-\d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)?)?.*?client (?:@\S+ )?(?P<client>[0-9a-fA-F.:]+)"
    r"#\d+(?: \([^)]*\))?: (?:view \S+: )?query: (?P<name>\S+) IN "
)
_SYSLOG_TIME = re.compile(r"^(?P<month>\w{3}) +(?P<day>\d{1,2}) (?P<clock>\d{2}:\d{2}:\d{2})")
_DNSMASQ = re.compile(r"query\[(?P<type>\w+)\] (?P<name>\S+) from (?P<client>[0-9a-fA-F.:]+)")
_DNSMASQ_REPLY = re.compile(r"(?:reply|cached) (?P<name>\S+) is (?P<answer>\S+)")


def _bind(line: str) -> tuple[int | None, Fields]:
    match = _BIND.search(line)
    if match is None:
        raise ValueError("not a BIND query log line")
    when = None
    if match["date"]:
        when = _micros(datetime.strptime(match["date"].split(".")[0], "%d-%b-%Y %H:%M:%S"))  # noqa: DTZ007
    return when, {"client": match["client"], "query": match["name"]}


BIND = Format("bind", _bind, {"client": ("ip", None), "query": ("domain", None)})


def _syslog_time(line: str) -> int | None:
    match = _SYSLOG_TIME.match(line)
    if match is None:
        return None
    year = datetime.now(tz=UTC).year
    hour, minute, second = (int(p) for p in match["clock"].split(":"))
    moment = datetime(
        year, _MONTHS.get(match["month"], 1), int(match["day"]), hour, minute, second, tzinfo=UTC
    )
    return _micros(moment)


def _dnsmasq(line: str) -> tuple[int | None, Fields]:
    match = _DNSMASQ.search(line)
    if match is not None:
        return _syslog_time(line), {"query": match["name"], "client": match["client"], "answer": None}
    reply = _DNSMASQ_REPLY.search(line)
    if reply is not None:
        answer = reply["answer"] if reply["answer"][0] not in "<N" else None
        return _syslog_time(line), {"query": reply["name"], "client": None, "answer": answer}
    raise ValueError("not a dnsmasq query or reply line")


DNSMASQ = Format(
    "dnsmasq", _dnsmasq, {"query": ("domain", None), "client": ("ip", None), "answer": ("host", None)}
)

# -- nfdump CSV -------------------------------------------------------------------------------------------


def _nfdump_factory() -> LineParser:
    columns: list[str] = []

    def parse(line: str) -> tuple[int | None, Fields]:
        nonlocal columns
        cells = [c.strip() for c in line.split(",")]
        if (cells and cells[0] == "ts") or ("sa" in cells and "da" in cells and not columns):
            columns = cells
            raise _HeaderLine
        if not columns:
            columns = ["ts", "te", "td", "sa", "da", "sp", "dp", "pr"]
        if len(cells) < len(columns):
            if cells and cells[0] in ("Summary", "flows", ""):
                raise _HeaderLine
            raise ValueError(f"{len(cells)} fields where the header has {len(columns)}")
        row = dict(zip(columns, cells, strict=False))
        when = None
        if row.get("ts"):
            try:
                when = _micros(datetime.fromisoformat(row["ts"]))
            except ValueError:
                when = None
        return when, {k: row.get(k) or None for k in ("sa", "da", "sp", "dp")}

    return parse


class _HeaderLine(Exception):
    """Raised by a parser for a line that is structure (a header), neither data nor a bad line."""


def nfdump_format() -> Format:
    """A fresh nfdump reader (it remembers the header of the file it reads)."""
    return Format(
        "nfdump",
        _nfdump_factory(),
        {"sa": ("ip", None), "da": ("ip", None), "sp": ("port", "sa"), "dp": ("port", "da")},
    )


# -- CEF --------------------------------------------------------------------------------------------------

_CEF_PAIR = re.compile(r"(\w+(?:\.\w+)*)=((?:[^=\\]|\\.)*?)(?=\s+\w+(?:\.\w+)*=|\s*$)")


def _cef(line: str) -> tuple[int | None, Fields]:
    start = line.find("CEF:")
    if start < 0:
        raise ValueError("no CEF: header")
    parts = re.split(r"(?<!\\)\|", line[start:], maxsplit=7)
    if len(parts) < 8:
        raise ValueError("CEF header has fewer than 8 fields")
    extension = {k: v.replace("\\=", "=").replace("\\\\", "\\") for k, v in _CEF_PAIR.findall(parts[7])}
    when = None
    rt = extension.get("rt")
    if rt and rt.isdigit():
        when = int(rt) * 1000
    elif rt:
        for layout in ("%b %d %Y %H:%M:%S", "%b %d %H:%M:%S"):
            try:
                when = _micros(datetime.strptime(rt, layout))  # noqa: DTZ007
                break
            except ValueError:
                continue
    names = ("src", "dst", "spt", "dpt", "shost", "dhost", "request", "fileHash")
    return when, {name: extension.get(name) or None for name in names}


CEF = Format(
    "cef",
    _cef,
    {
        "src": ("ip", None),
        "dst": ("ip", None),
        "spt": ("port", "src"),
        "dpt": ("port", "dst"),
        "shost": ("host", None),
        "dhost": ("host", None),
        "request": ("url", None),
        "fileHash": ("hash", None),
    },
)


def read_lines(
    stream: BinaryIO, source: str, report: ReadReport, fmt: Format, batch_rows: int = 65536
) -> Iterator[pa.RecordBatch]:
    """Reads a line format into batches; each unreadable line is reported by number and skipped."""
    names = list(fmt.roles)
    times: list[int | None] = []
    lines: list[int] = []
    values: dict[str, list[Any]] = {n: [] for n in names}

    def flush() -> pa.RecordBatch:
        columns = {n: Column(fmt.roles[n][0], values[n], fmt.roles[n][1]) for n in names}
        batch = make_batch(source=source, fmt=fmt.name, times=times, lines=lines, columns=columns)
        report.events[fmt.name] += len(lines)
        times.clear()
        lines.clear()
        for column in values.values():
            column.clear()
        return batch

    for chunk in iter_chunks(stream, source, report):
        for offset, raw in enumerate(split_lines(chunk.data)[: chunk.lines]):
            number = chunk.first_line + offset
            raw = raw.rstrip(b"\r")
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("utf-8", "replace")
                report.notice(source, number, "bytes that are not UTF-8 were replaced")
            try:
                when, fields = fmt.parse(text)
            except _HeaderLine:
                continue
            except (ValueError, KeyError, IndexError, TypeError, RecursionError) as error:
                report.bad_line(source, number, str(error)[:120] or type(error).__name__)
                continue
            times.append(when)
            lines.append(number)
            for name in names:
                values[name].append(fields.get(name))
            if len(lines) >= batch_rows:
                yield flush()
    if lines:
        yield flush()
