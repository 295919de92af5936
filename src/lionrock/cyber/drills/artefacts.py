"""Synthetic but realistic logs for one team, in the formats `lionrock match` reads, with values planted.

Zeek conn, dns and http (TSV with their headers), Suricata EVE JSON and a web server's access log (vhost
combined). Background traffic is random but reproducible from the seed; each planted value appears at its
planned time in the logs where such a value lives (a domain in DNS queries and HTTP hosts, a URL in HTTP
requests, an address in connections, EVE flows and the web server's clients). No Django here: the
benchmark and the download both call `artefacts_write`.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lionrock.cyber.drills.archive_jobs import ArchiveJob, Plant

SHARES = {"conn.log": 0.35, "dns.log": 0.25, "http.log": 0.15, "eve.json": 0.15, "access.log": 0.10}

_CONN_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "service",
    "duration",
    "orig_bytes",
    "resp_bytes",
    "conn_state",
    "local_orig",
    "local_resp",
    "missed_bytes",
    "history",
    "orig_pkts",
    "orig_ip_bytes",
    "resp_pkts",
    "resp_ip_bytes",
    "tunnel_parents",
]
_CONN_TYPES = [
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "enum",
    "string",
    "interval",
    "count",
    "count",
    "string",
    "bool",
    "bool",
    "count",
    "string",
    "count",
    "count",
    "count",
    "count",
    "set[string]",
]
_DNS_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "trans_id",
    "rtt",
    "query",
    "qclass",
    "qclass_name",
    "qtype",
    "qtype_name",
    "rcode",
    "rcode_name",
    "AA",
    "TC",
    "RD",
    "RA",
    "Z",
    "answers",
    "TTLs",
    "rejected",
]
_DNS_TYPES = [
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "enum",
    "count",
    "interval",
    "string",
    "count",
    "string",
    "count",
    "string",
    "count",
    "string",
    "bool",
    "bool",
    "bool",
    "bool",
    "count",
    "vector[string]",
    "vector[interval]",
    "bool",
]
_HTTP_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "trans_depth",
    "method",
    "host",
    "uri",
    "referrer",
    "version",
    "user_agent",
    "request_body_len",
    "response_body_len",
    "status_code",
    "status_msg",
]
_HTTP_TYPES = [
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "count",
    "string",
    "string",
    "string",
    "string",
    "string",
    "string",
    "count",
    "count",
    "count",
    "string",
]

_BENIGN = (
    "www.gov.hk", "www.info.gov.hk", "www.hko.gov.hk", "www.mtr.com.hk", "www.hkjc.com", "www.hsbc.com.hk",
    "outlook.office365.com", "login.microsoftonline.com", "update.microsoft.com", "www.google.com",
    "fonts.gstatic.com", "cdn.jsdelivr.net", "api.github.com", "www.youtube.com", "www.rthk.hk",
    "www.scmp.com", "news.mingpao.com", "www.hkex.com.hk", "www.td.gov.hk", "www.elections.gov.hk",
)  # fmt: skip
_PATHS = ("/", "/index.html", "/en/news.html", "/tc/index.html", "/api/v1/status", "/static/app.js",
          "/images/logo.png", "/results/live.json", "/login", "/search?q=schedule")  # fmt: skip
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PATH_POOL = pa.array(_PATHS)

Piece = bytes | memoryview
_AGENT_POOL = pa.array(_AGENTS)


def _header(path: str, fields: Sequence[str], types: Sequence[str], opened: float) -> str:
    stamp = datetime.fromtimestamp(opened, UTC).strftime("%Y-%m-%d-%H-%M-%S")
    return (
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
        f"#path\t{path}\n#open\t{stamp}\n#fields\t"
        + "\t".join(fields)
        + "\n#types\t"
        + "\t".join(types)
        + "\n"
    )


def _iso(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}+0000"


def _clf_time(ts: float) -> str:
    moment = datetime.fromtimestamp(ts, UTC)
    return f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment:%H:%M:%S} +0000"


class _Pools:
    """Reproducible background values: clients inside the team, servers outside, names and paths."""

    def __init__(self, rng: np.random.Generator, team: str) -> None:
        third = int(hashlib.sha256(team.encode()).hexdigest()[:2], 16)
        self.client_list = [f"10.{third}.{a}.{b}" for a in range(0, 8) for b in range(2, 66)]
        self.clients = pa.array(self.client_list)
        self.servers = pa.array(
            [
                f"{int(a)}.{int(b)}.{int(c)}.{int(d)}"
                for a, b, c, d in rng.integers([13, 0, 0, 1], [223, 255, 255, 254], size=(512, 4))
            ]
        )
        self.names = pa.array(list(_BENIGN) + [f"svc{n}.cdn-hk{n % 7}.net" for n in range(60)])
        self.site = f"www.{team}.example.hk"


# Each maker builds whole columns with Arrow's compute kernels (no Python loop per line): a million lines
# cost well under a second. Columns are joined with tabs (or JSON punctuation) into one line each.


def _s(values: Any) -> pa.Array:
    return pa.array(values).cast(pa.string())


def _pick(pool: pa.Array, rng: np.random.Generator, n: int) -> pa.Array:
    return pc.take(pool, pa.array(rng.integers(0, len(pool), n)))


def _zeek_ts(micros: np.ndarray) -> pa.Array:
    seconds = _s(micros // 1_000_000)
    fraction = pc.utf8_lpad(_s(micros % 1_000_000), width=6, padding="0")
    return pc.binary_join_element_wise(seconds, fraction, ".")


def _per_second(micros: np.ndarray, render: Any) -> pa.Array:
    """A formatted time for each line, formatted once per distinct second (logs span hours, not years)."""
    seconds = micros // 1_000_000
    distinct, where = np.unique(seconds, return_inverse=True)
    texts = pa.array([render(int(second)) for second in distinct.tolist()])
    return pc.take(texts, pa.array(where.ravel()))


def _join(*columns: Any, sep: str = "\t") -> pa.Array:
    return pc.binary_join_element_wise(*columns, sep)


def _lines_conn(micros: np.ndarray, rng: np.random.Generator, pools: _Pools, n: int) -> pa.Array:
    up = rng.integers(40, 40000, n)
    down = rng.integers(40, 900000, n)
    return _join(
        _zeek_ts(micros), _uids("C", n),
        _pick(pools.clients, rng, n), _s(rng.integers(1024, 65535, n)), _pick(pools.servers, rng, n),
        _s(rng.choice([443, 80, 53, 123, 22, 8443], n)), "tcp", "-", _zeek_ts((up + down) // 5),
        _s(up), _s(down), "SF\tT\tF\t0\tShADadFf", _s(up // 500 + 3), _s(up + 160), _s(down // 1400 + 3),
        _s(down + 160), "-",
    )  # fmt: skip


def _uids(prefix: str, n: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, _s(np.arange(n)), "")


def _lines_dns(micros: np.ndarray, rng: np.random.Generator, pools: _Pools, n: int) -> pa.Array:
    return _join(
        _zeek_ts(micros), _uids("D", n), _pick(pools.clients, rng, n), _s(rng.integers(1024, 65535, n)),
        "10.0.0.53\t53\tudp", _s(np.arange(n) & 0xFFFF), "0.004", _pick(pools.names, rng, n),
        "1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0", _pick(pools.servers, rng, n), "300.000000\tF",
    )  # fmt: skip


def _lines_http(micros: np.ndarray, rng: np.random.Generator, pools: _Pools, n: int) -> pa.Array:
    return _join(
        _zeek_ts(micros), _uids("H", n), _pick(pools.clients, rng, n), _s(rng.integers(40000, 60000, n)),
        _pick(pools.servers, rng, n), "80\t1\tGET", _pick(pools.names, rng, n), _pick(_PATH_POOL, rng, n),
        "-\t1.1", _pick(_AGENT_POOL, rng, n), "0", _s(rng.integers(200, 90000, n)), "200\tOK",
    )  # fmt: skip


def _lines_eve(micros: np.ndarray, rng: np.random.Generator, pools: _Pools, n: int) -> pa.Array:
    stamps = _per_second(micros, lambda second: f"{datetime.fromtimestamp(second, UTC):%Y-%m-%dT%H:%M:%S}.")
    fraction = pc.utf8_lpad(_s(micros % 1_000_000), width=6, padding="0")
    size = rng.integers(100, 90000, n)
    return _join(
        '{"timestamp":"', stamps, fraction, '+0000","flow_id":',
        _s(1_000_000 + np.arange(n)), ',"event_type":"flow","src_ip":"', _pick(pools.clients, rng, n),
        '","src_port":', _s(rng.integers(1024, 65535, n)), ',"dest_ip":"', _pick(pools.servers, rng, n),
        '","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":', _s(size // 900 + 2),
        ',"bytes_toserver":', _s(size // 9), ',"bytes_toclient":', _s(size), ',"state":"closed"}}', sep="",
    )  # fmt: skip


def _lines_access(micros: np.ndarray, rng: np.random.Generator, pools: _Pools, n: int) -> pa.Array:
    stamps = _per_second(micros, lambda second: _clf_time(float(second)))
    return _join(
        f"{pools.site}:443 ", _pick(pools.servers, rng, n), " - - [", stamps,
        '] "GET ', _pick(_PATH_POOL, rng, n), ' HTTP/1.1" 200 ', _s(rng.integers(200, 90000, n)), ' "-" "',
        _pick(_AGENT_POOL, rng, n), '"', sep="",
    )  # fmt: skip


def _planted(name: str, plant: Plant, pools: _Pools, number: int) -> str | None:
    """The line that carries a planted value in this log, or None when such a value does not live here."""
    t = plant.at.timestamp()
    client = pools.client_list[number % len(pools.client_list)]
    if name == "dns.log" and plant.kind == "domain":
        return (
            f"{t:.6f}\tDX{number}\t{client}\t53{number % 100:02d}\t10.0.0.53\t53\tudp\t{number}\t0.021"
            f"\t{plant.value}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t185.199.108.7\t60.000000\tF"
        )
    if name == "http.log" and plant.kind in ("domain", "url"):
        host, uri = plant.value, "/"
        if plant.kind == "url":
            rest = plant.value.split("://", 1)[1]
            host, _, tail = rest.partition("/")
            uri = "/" + tail
        return (
            f"{t:.6f}\tHX{number}\t{client}\t49{number % 1000:03d}\t185.199.108.7\t80\t1\tGET\t{host}\t{uri}"
            "\t-\t1.1\tMozilla/5.0 (Windows NT 10.0; Win64; x64)\t0\t312\t200\tOK"
        )
    if name == "conn.log" and plant.kind == "address":
        return (
            f"{t:.6f}\tCX{number}\t{client}\t51{number % 1000:03d}\t{plant.value}\t443\ttcp\tssl\t61.2\t2210"
            "\t1840\tSF\tT\tF\t0\tShADadFf\t14\t2790\t12\t2480\t-"
        )
    if name == "eve.json" and plant.kind == "address":
        return json.dumps(
            {"timestamp": _iso(t), "flow_id": 9000000 + number, "event_type": "flow", "src_ip": client,
             "src_port": 51000 + number % 1000, "dest_ip": plant.value, "dest_port": 443, "proto": "TCP",
             "app_proto": "tls", "flow": {"pkts_toserver": 14, "bytes_toserver": 2210, "state": "closed"}},
            separators=(",", ":"),
        )  # fmt: skip
    if name == "access.log" and plant.kind == "address":
        return (
            f'{pools.site}:443 {plant.value} - - [{_clf_time(t)}] "POST /wp-login.php HTTP/1.1" 401 312 "-" '
            '"python-requests/2.32"'
        )
    return None


_MAKERS = {
    "conn.log": (_lines_conn, ("conn", _CONN_FIELDS, _CONN_TYPES)),
    "dns.log": (_lines_dns, ("dns", _DNS_FIELDS, _DNS_TYPES)),
    "http.log": (_lines_http, ("http", _HTTP_FIELDS, _HTTP_TYPES)),
    "eve.json": (_lines_eve, None),
    "access.log": (_lines_access, None),
}


def _logs(
    *, seed: str, team: str, start: datetime, end: datetime, lines: int, plants: Sequence[Plant]
) -> Iterator[tuple[str, Iterator[Piece]]]:
    """Each log's name and its bytes in pieces, one log after the other (the random draws happen in this
    order, so the bytes depend only on the arguments)."""
    digest = hashlib.sha256(f"{seed}\x00{team}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    pools = _Pools(rng, team)
    begin, finish = start.timestamp(), max(end.timestamp(), start.timestamp() + 1)
    for name, share in SHARES.items():
        maker, zeek = _MAKERS[name]
        count = max(int(lines * share), 1)
        micros = np.sort(rng.integers(int(begin * 1e6), int(finish * 1e6), count))
        body = pc.binary_join_element_wise(maker(micros, rng, pools, count), "\n", "")
        extra = sorted(
            (int(plant.at.timestamp() * 1e6), line)
            for number, plant in enumerate(plants)
            if (line := _planted(name, plant, pools, number)) is not None
        )
        inserts = [(int(np.searchsorted(micros, at)), line) for at, line in extra]
        yield name, _pieces(body, inserts, zeek, begin, finish)


def _pieces(
    body: pa.Array,
    inserts: list[tuple[int, str]],
    zeek: tuple[str, list[str], list[str]] | None,
    begin: float,
    finish: float,
) -> Iterator[Piece]:
    if zeek is not None:
        yield _header(zeek[0], zeek[1], zeek[2], begin).encode()
    yield from _lines_pieces(body, inserts)
    if zeek is not None:
        yield f"#close\t{datetime.fromtimestamp(finish, UTC):%Y-%m-%d-%H-%M-%S}\n".encode()


def artefacts_write(
    directory: Path,
    *,
    seed: str,
    team: str,
    start: datetime,
    end: datetime,
    lines: int,
    plants: Sequence[Plant],
) -> list[Path]:
    """Writes the team's logs (about `lines` lines in all) under `directory`, time-ordered, and returns
    their paths. The same arguments always give the same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, pieces in _logs(seed=seed, team=team, start=start, end=end, lines=lines, plants=plants):
        path = directory / name
        with path.open("wb") as out:
            for piece in pieces:
                out.write(piece)
        written.append(path)
    return written


def archive_make(job: ArchiveJob) -> Path:
    """The team's logs straight into a zip under one folder (no scratch copy on the disk), fast
    compression (logs are large and compress well), every entry dated at the logs' start: the same job
    always gives the same bytes."""
    stamp = job.start.astimezone(UTC)
    dated = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    logs = _logs(
        seed=job.seed, team=job.team, start=job.start, end=job.end, lines=job.lines, plants=job.plants
    )
    with zipfile.ZipFile(job.target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, pieces in logs:
            entry = zipfile.ZipInfo(f"{job.folder}/{name}", date_time=dated)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            entry._compresslevel = 1  # type: ignore[attr-defined]  # an entry made here has no level of its own
            with archive.open(entry, "w", force_zip64=True) as out:
                for piece in pieces:
                    out.write(piece)
    return job.target


def archives_make(jobs: Sequence[ArchiveJob], *, workers: int | None = None) -> list[Path]:
    """Makes several teams' archives, one process per core (`workers` to say otherwise; 1 runs here).

    Each archive depends only on its job, so the bytes are the same whatever the number of processes.
    The workers are forked: they inherit the loaded modules and touch nothing but their own files.
    """
    count = min(workers or os.cpu_count() or 1, len(jobs))
    if count <= 1:
        return [archive_make(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(archive_make, jobs))


def _lines_pieces(body: pa.Array, inserts: list[tuple[int, str]]) -> Iterator[Piece]:
    """Arrow's buffer of newline-ended lines as it is, in pieces, with the planted lines at their places."""
    width = np.int64 if pa.types.is_large_string(body.type) else np.int32
    offsets = np.frombuffer(body.buffers()[1], dtype=width)[body.offset : body.offset + len(body) + 1]
    data = memoryview(body.buffers()[2])
    done = 0
    for position, line in inserts:
        yield data[offsets[done] : offsets[position]]
        yield line.encode() + b"\n"
        done = position
    yield data[offsets[done] : offsets[len(body)]]
