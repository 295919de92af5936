"""`lionrock match --engine spark` finds exactly what the local engine finds, on the same files.

One Spark session (`local[2]`) serves the whole module: Spark takes tens of seconds to start. Without Java
or PySpark these tests skip with the reason; under CI (which installs both) they fail instead.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lionrock.matcher import spark_engine, tables
from lionrock.matcher.command import main
from lionrock.matcher.matching import match_batch

from .factories import T0, bundle, index_of, stix_indicator, zeek_log

SECOND = 1_000_000
EPOCH = T0 / SECOND  # 2024-01-01T00:00:00Z
CONN = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    problem = spark_engine.missing()
    if problem is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{problem} (.ci/run installs {spark_engine.JAVA_PACKAGE} and the spark extra)")
        pytest.skip(problem)
    session = spark_engine.session("local[2]")
    yield session
    session.stop()
    logging.getLogger("py4j").setLevel(logging.WARNING)  # its goodbye would land on a closed stream


def indicators(path: Path) -> dict[str, str]:
    """A feed with every kind of value and rule the matcher knows; returns name -> STIX id."""
    made = {
        "ip": stix_indicator("[ipv4-addr:value = '45.137.21.66']"),
        "wide": stix_indicator("[ipv4-addr:value = '141.98.10.0/24']"),
        "narrow": stix_indicator("[ipv4-addr:value = '141.98.10.128/25']"),
        "ip6": stix_indicator("[ipv6-addr:value = '2001:db8::1']"),
        "net6": stix_indicator("[ipv6-addr:value = '2001:db8:ffff::/48']"),
        "ipport": stix_indicator(
            "[network-traffic:dst_ref.value = '77.83.36.9' AND network-traffic:dst_port = 8443]"
        ),
        "domain": stix_indicator("[domain-name:value = 'evil.example']"),
        "idn": stix_indicator("[domain-name:value = 'bücher.example']"),
        "url": stix_indicator("[url:value = 'http://bad.example/path/x']"),
        "sha256": stix_indicator("[file:hashes.'SHA-256' = '" + "ab" * 32 + "']"),
        "md5": stix_indicator("[file:hashes.MD5 = '" + "cd" * 16 + "']"),
        "expired": stix_indicator("[ipv4-addr:value = '31.41.59.26']", valid_until="2023-06-01T00:00:00Z"),
        "revoked": stix_indicator("[ipv4-addr:value = '31.41.59.99']", revoked=True),
        "benign": stix_indicator("[ipv4-addr:value = '8.8.8.8']"),
    }
    path.write_text(bundle(*made.values()))
    return {name: str(obj["id"]) for name, obj in made.items()}


def logs(folder: Path) -> list[Path]:
    """The same events in every format the matcher reads, text and Parquet."""
    folder.mkdir()
    ts = f"{EPOCH + 1:.6f}"
    made = [
        zeek_log(
            folder / "conn.log",
            "conn",
            CONN,
            [
                [ts, "C1", "10.0.0.1", "5000", "45.137.21.66", "443", "tcp"],
                [ts, "C2", "10.0.0.1", "5001", "141.98.10.200", "80", "tcp"],
                [ts, "C3", "10.0.0.1", "5002", "141.98.10.7", "80", "tcp"],
                [ts, "C4", "2001:db8::1", "5003", "2001:db8:ffff::9", "80", "tcp"],
                [ts, "C5", "10.0.0.1", "5004", "77.83.36.9", "8443", "tcp"],
                [ts, "C6", "10.0.0.1", "5005", "77.83.36.9", "8444", "tcp"],
                [ts, "C7", "10.0.0.1", "5006", "31.41.59.26", "80", "tcp"],
                [ts, "C8", "10.0.0.1", "5007", "31.41.59.99", "80", "tcp"],
                [ts, "C9", "10.0.0.1", "5008", "8.8.8.8", "53", "udp"],
                ["not-a-time", "C10", "10.0.0.1"],
            ],
        ),
        zeek_log(
            folder / "dns.log",
            "dns",
            ["ts", "uid", "query", "answers"],
            [
                [ts, "D1", "a.b.evil.example", "45.137.21.66,ok.example"],
                [ts, "D2", "notevil.example", "-"],
                [ts, "D3", "EVIL.example.", "(empty)"],
                [ts, "D4", "xn--bcher-kva.example", "-"],
            ],
        ),
    ]
    http = zeek_log(
        folder / "http.tmp",
        "http",
        ["ts", "uid", "host", "uri", "referrer"],
        [[ts, "H1", "bad.example", "/path/x", "-"], [ts, "H2", "bad.example", "/path/y", "-"]],
    )
    (folder / "http.log.gz").write_bytes(gzip.compress(http.read_bytes()))
    http.unlink()
    made.append(folder / "http.log.gz")
    files = [
        {"ts": EPOCH + 2, "_path": "files", "sha256": "AB" * 32, "md5": "00" * 16},
        {"ts": "2024-01-01T00:00:03Z", "_path": "ssl", "server_name": "www.bücher.example"},
    ]
    (folder / "zeek.json").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in files))
    made.append(folder / "zeek.json")
    eve = [
        {"timestamp": "2024-01-01T00:00:04.5+00:00", "event_type": "flow", "src_ip": "10.0.0.2",
         "dest_ip": "2001:0db8:0000:0000:0000:0000:0000:0001", "src_port": 1, "dest_port": 2},
        {"timestamp": "2024-01-01T00:00:05Z", "event_type": "dns", "src_ip": "10.0.0.2",
         "dns": {"rrname": "x.evil.example"}},
        {"timestamp": "2024-01-01T00:00:06Z", "event_type": "fileinfo", "src_ip": "10.0.0.2",
         "fileinfo": {"md5": "CD" * 16}},
    ]  # fmt: skip
    (folder / "eve.json").write_text("".join(json.dumps(r) + "\n" for r in eve) + "{broken\n")
    made.append(folder / "eve.json")
    (folder / "access.log").write_text(
        'bad.example 10.0.0.3 - - [01/Jan/2024:08:00:07 +0800] "GET /path/x HTTP/1.1" 200 12 "-" "curl"\n'
        '10.0.0.3 - - [01/Jan/2024:00:00:08 +0000] "GET http://bad.example/path/x HTTP/1.1" 200 1 "-" "-"\n'
        '45.137.21.66 - - [01/Jan/2024:00:00:09 +0000] "GET / HTTP/1.1" 200 1 "-" "-"\n'
    )
    made.append(folder / "access.log")
    conn_table = pa.table(
        {
            "ts": [EPOCH + 10, EPOCH + 11, EPOCH + 12, None],
            "id.orig_h": ["10.0.0.4", "10.0.0.4", "2001:db8::1", "10.0.0.4"],
            "id.orig_p": [1, 2, 3, 4],
            "id.resp_h": ["141.98.10.129", "31.41.59.99", "10.0.0.5", "77.83.36.9"],
            "id.resp_p": [80, 80, 80, 8443],
        }
    )
    pq.write_table(conn_table, folder / "conn.parquet", row_group_size=2)
    made.append(folder / "conn.parquet")
    eve_table = pa.table(
        {
            "timestamp": ["2024-01-01T00:00:13Z", "2024-01-01T00:00:14Z"],
            "dns": [{"rrname": "deep.evil.example"}, {"rrname": "fine.example"}],
            "fileinfo": [{"sha256": None}, {"sha256": "ab" * 32}],
            "http": [{"url": None}, {"url": "http://BAD.example/path/x"}],
        }
    )
    pq.write_table(eve_table, folder / "eve.parquet")
    made.append(folder / "eve.parquet")
    return made


def run(
    engine: str, feed: Path, inputs: list[Path], out: Path, capsys: Any
) -> tuple[int, list[Any], Any, str]:
    jsonl, sightings = out / f"{engine}.jsonl", out / f"{engine}.sightings.json"
    status = main(
        ["--engine", engine, "--spark-master", "local[2]", "--indicators", str(feed)]
        + [str(p) for p in inputs]
        + ["--jsonl", str(jsonl), "--sightings", str(sightings)]
    )
    hits = sorted(
        (json.loads(line) for line in jsonl.read_text().splitlines()),
        key=lambda r: (r["source"], r["line"], r["field"], r["indicator"]),
    )
    seen = sorted(
        (o["sighting_of_ref"], o["count"], o.get("first_seen"), o.get("last_seen"))
        for o in json.loads(sightings.read_text())["objects"]
        if o["type"] == "sighting"
    )
    return status, hits, seen, capsys.readouterr().err


def summary(err: str) -> list[str]:
    """The summary a stakeholder reads, without the lines that differ by nature (timing, engine, and the
    second run of the same indicators reading the compiled index from the cache)."""
    return [
        line
        for line in err.splitlines()
        if not line.startswith(("summary:", "spark:", "  (compiled index read from the cache"))
    ]


def test_spark_finds_the_same_hits_and_sightings_as_the_local_engine_in_every_format(
    spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = indicators(tmp_path / "feed.json")
    inputs = logs(tmp_path / "logs")
    local_status, local_hits, local_seen, local_err = run(
        "local", tmp_path / "feed.json", inputs, tmp_path, capsys
    )
    spark_status, spark_hits, spark_seen, spark_err = run(
        "spark", tmp_path / "feed.json", inputs, tmp_path, capsys
    )

    assert spark_hits == local_hits
    assert spark_seen == local_seen
    assert summary(spark_err) == summary(local_err)
    assert spark_status == local_status == 0
    found = {(Path(h["source"]).name, h["line"], h["indicator"]) for h in spark_hits}
    expected = {
        ("conn.log", 8, ids["ip"]),
        ("conn.log", 9, ids["narrow"]),  # the longest prefix wins
        ("conn.log", 10, ids["wide"]),
        ("conn.log", 11, ids["ip6"]),
        ("conn.log", 11, ids["net6"]),
        ("conn.log", 12, ids["ipport"]),
        ("dns.log", 8, ids["domain"]),  # a subdomain
        ("dns.log", 8, ids["ip"]),  # an answer
        ("dns.log", 10, ids["domain"]),
        ("dns.log", 11, ids["idn"]),
        ("http.log.gz", 8, ids["url"]),
        ("zeek.json", 1, ids["sha256"]),
        ("zeek.json", 2, ids["idn"]),
        ("eve.json", 1, ids["ip6"]),
        ("eve.json", 2, ids["domain"]),
        ("eve.json", 3, ids["md5"]),
        ("access.log", 1, ids["url"]),
        ("access.log", 2, ids["url"]),
        ("access.log", 3, ids["ip"]),
        ("conn.parquet", 1, ids["narrow"]),
        ("conn.parquet", 3, ids["ip6"]),
        ("conn.parquet", 4, ids["ipport"]),
        ("eve.parquet", 1, ids["domain"]),
        ("eve.parquet", 2, ids["sha256"]),
        ("eve.parquet", 2, ids["url"]),
    }
    assert found == expected
    never = {ids[name] for name in ("expired", "revoked", "benign")}
    assert not never & {h["indicator"] for h in spark_hits}
    assert "  suppressed by warninglists: 1 hits, 1 indicators" in spark_err.splitlines()
    assert "  bad lines: 2" in spark_err.splitlines()


def test_a_spark_dataframe_of_log_events_is_matched_by_the_library_function(spark: Any) -> None:
    index = index_of("45.137.21.66", "evil.example")
    rows = [
        (EPOCH, "45.137.21.66", "10.0.0.1", "x.evil.example", "events.parquet", 1),
        (EPOCH, "10.0.0.2", "10.0.0.3", "example.org", "events.parquet", 2),
        (EPOCH, "10.0.0.4", "45.137.21.66", "evil.example", "other.parquet", 7),
    ]
    frame = spark.createDataFrame(
        rows, "ts double, `id.orig_h` string, `id.resp_h` string, query string, _source string, _line bigint"
    )

    hits = spark_engine.match_dataframe(frame, index).toArrow()

    found = sorted(
        zip(*(hits.column(n).to_pylist() for n in ("source", "line", "field", "value")), strict=True)
    )
    assert found == [
        ("events.parquet", 1, "id.orig_h", "45.137.21.66"),
        ("events.parquet", 1, "query", "evil.example"),
        ("other.parquet", 7, "id.resp_h", "45.137.21.66"),
        ("other.parquet", 7, "query", "evil.example"),
    ]
    table = pa.Table.from_pylist([dict(zip(frame.columns, row, strict=True)) for row in rows])
    local = match_batch(
        index, tables.normalise(table, source="x", lines=table.column("_line").combine_chunks())
    )
    assert local.num_rows == hits.num_rows


def test_without_java_the_spark_engine_says_exactly_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyspark", reason="the spark extra is not installed: uv sync --extra spark")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    feed = tmp_path / "feed.json"
    indicators(feed)

    status = main(["--engine", "spark", "--indicators", str(feed), str(tmp_path)])

    assert status == 2  # could not run
    assert "apt-get install -y --no-install-recommends openjdk-17-jre-headless" in capsys.readouterr().err
