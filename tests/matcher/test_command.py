"""`lionrock match` as a stakeholder runs it: files in, hits and sightings out, honest exit status."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from lionrock.matcher.command import main

from .factories import bundle, stix_indicator, zeek_log

CONN = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"]


@pytest.fixture
def feed(tmp_path: Path) -> tuple[Path, str]:
    obj = stix_indicator("[ipv4-addr:value = '203.0.113.66']")
    path = tmp_path / "feed.json"
    path.write_text(bundle(obj))
    return path, str(obj["id"])


def conn(tmp_path: Path, name: str = "conn.log", resp: str = "203.0.113.66") -> Path:
    row = ["1704067200.25", "C1", "10.0.0.1", "5000", resp, "443", "tcp"]
    return zeek_log(tmp_path / name, "conn", CONN, [row])


def test_hits_are_written_as_json_lines_with_exactly_the_agreed_keys(
    tmp_path: Path, feed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, stix_id = feed
    status = main(["--indicators", str(path), str(conn(tmp_path)), "--jsonl", "-", "--no-warninglists"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert records == [
        {
            "indicator": stix_id,
            "value": "203.0.113.66",
            "observed": "203.0.113.66",
            "field": "id.resp_h",
            "source": str(tmp_path / "conn.log"),
            "line": 8,
            "time": "2024-01-01T00:00:00.250000Z",
        }
    ]


def test_sightings_are_a_stix_bundle_pointing_at_the_stakeholder(
    tmp_path: Path, feed: tuple[Path, str]
) -> None:
    path, stix_id = feed
    out = tmp_path / "sightings.json"
    status = main(
        [
            "--indicators",
            str(path),
            str(conn(tmp_path)),
            "--sightings",
            str(out),
            "--identity",
            "HK ISP",
            "--no-warninglists",
        ]
    )
    objects = json.loads(out.read_text())["objects"]
    identity, sighting = objects
    assert status == 0
    assert identity["type"] == "identity" and identity["name"] == "HK ISP"
    assert sighting["sighting_of_ref"] == stix_id
    assert sighting["count"] == 1
    assert sighting["where_sighted_refs"] == [identity["id"]]
    assert sighting["first_seen"] == sighting["last_seen"] == "2024-01-01T00:00:00.250000Z"


def test_a_run_without_hits_exits_one_as_grep_does_and_says_so(
    tmp_path: Path, feed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["--indicators", str(feed[0]), str(conn(tmp_path, resp="198.51.100.1")), "--no-warninglists"]
    )
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    assert "hits: 0" in captured.err


def test_a_directory_expands_to_its_logs_and_an_unknown_file_is_an_error_not_a_crash(
    tmp_path: Path, feed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    conn(logs, "a.log")
    conn(logs, "b.log")
    (logs / "notes.bin").write_bytes(b"\x00\x01\x02" * 100)
    status = main(["--indicators", str(feed[0]), str(logs), "--no-warninglists"])
    captured = capsys.readouterr()
    assert status == 3
    assert len(captured.out.splitlines()) == 2
    assert "notes.bin: format not recognised" in captured.err


def test_standard_input_is_read_when_the_format_is_given(
    tmp_path: Path,
    feed: tuple[Path, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = conn(tmp_path).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(data))))  # type: ignore[arg-type]
    status = main(["--indicators", str(feed[0]), "-", "--format", "zeek", "--no-warninglists"])
    assert status == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_unreadable_indicators_stop_the_run_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "feed.json"
    broken.write_text('{"type": "bundle", "objects": [')
    status = main(["--indicators", str(broken), str(conn(tmp_path))])
    assert status == 2
    assert "cannot load indicators from" in capsys.readouterr().err


def test_the_summary_reports_formats_bad_lines_kinds_and_slow_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(
        bundle(
            stix_indicator("[ipv4-addr:value = '203.0.113.66']"),
            stix_indicator("[domain-name:value LIKE '%.evil.example']"),
        )
    )
    log = conn(tmp_path)
    log.write_text(log.read_text().replace("#close", "junk line\n#close"))
    status = main(["--indicators", str(feed), str(log), "--no-warninglists"])
    err = capsys.readouterr().err
    assert status == 0
    assert "1 on the slow path" in err
    assert "events zeek:conn: 1" in err
    assert f"{log}:9: 1 fields where the header has 7" in err
    assert "hits: 1 (ip 1)" in err


def test_warninglisted_indicators_are_suppressed_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("8.8.8.8\n")
    log = conn(tmp_path, resp="8.8.8.8")
    assert main(["--indicators", str(feed), str(log)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "suppressed by warninglists: 1 hits, 1 indicators" in captured.err
    assert main(["--indicators", str(feed), str(log), "--no-warninglists"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


HTTP = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "host", "uri", "referrer"]


def http_log(tmp_path: Path) -> Path:
    row = ["1704067200.25", "C1", "10.0.0.1", "5000", "198.51.100.7", "80", "evil.example", "/login", "-"]
    return zeek_log(tmp_path / "http.log", "http", HTTP, [row])


def test_a_zeek_http_request_is_plaintext_http_so_only_http_and_scheme_less_url_indicators_hit_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("https://evil.example/login\nhttp://evil.example/login\nevil.example/login\n")
    status = main(["--indicators", str(feed), str(http_log(tmp_path)), "--no-warninglists"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert sorted(r["value"] for r in records) == ["evil.example/login", "http://evil.example/login"]
    assert {r["observed"] for r in records} == {"http://evil.example/login"}


def test_a_pattern_on_the_url_scheme_finds_zeek_http_requests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(bundle(stix_indicator("[url:value MATCHES '^http://evil\\\\.example/']")))
    status = main(["--indicators", str(feed), str(http_log(tmp_path)), "--no-warninglists"])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 0
    assert [(r["field"], r["line"]) for r in records] == [("(pattern)", 8)]


def test_a_stix_file_that_holds_no_indicators_is_skipped_and_reported_and_the_others_still_match(
    tmp_path: Path, feed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    malware = tmp_path / "malware.json"
    malware.write_text(json.dumps({"type": "malware", "id": "malware--1", "name": "x"}))
    sightings = tmp_path / "sightings.json"
    sightings.write_text(bundle({"type": "identity", "id": "identity--1", "name": "ISP"}))
    sources = ["--indicators", str(malware), "--indicators", str(feed[0]), "--indicators", str(sightings)]
    status = main([*sources, str(conn(tmp_path)), "--no-warninglists"])
    captured = capsys.readouterr()
    assert status == 0
    assert len(captured.out.splitlines()) == 1
    assert f"skipped source: {malware}: a STIX malware object, not an indicator" in captured.err
    assert f"skipped source: {sightings}: holds no indicators (identity 1)" in captured.err


def test_indicators_may_be_a_directory_of_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feeds = tmp_path / "feeds"
    (feeds / "daily").mkdir(parents=True)
    (feeds / "daily" / "one.txt").write_text("203.0.113.66\n")
    (feeds / "two.json").write_text(bundle(stix_indicator("[ipv4-addr:value = '10.0.0.1']")))
    status = main(["--indicators", str(feeds), str(conn(tmp_path)), "--no-warninglists"])
    captured = capsys.readouterr()
    assert status == 0
    assert "indicators: 2 loaded" in captured.err
    fields = sorted(json.loads(line)["field"] for line in captured.out.splitlines())
    assert fields == ["id.orig_h", "id.resp_h"]


def test_an_empty_log_is_zero_events_not_an_error(
    tmp_path: Path, feed: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    status = main(["--indicators", str(feed[0]), str(empty), "--no-warninglists"])
    captured = capsys.readouterr()
    assert status == 1
    assert "summary: 0 events from 1 files" in captured.err
    assert "error:" not in captured.err


def test_an_empty_gzip_is_zero_events_and_a_damaged_one_is_still_an_error(
    tmp_path: Path, feed: tuple[Path, str]
) -> None:
    import gzip

    empty = tmp_path / "empty.log.gz"
    empty.write_bytes(gzip.compress(b""))
    assert main(["--indicators", str(feed[0]), str(empty), "--no-warninglists"]) == 1
    damaged = tmp_path / "damaged.log.gz"
    damaged.write_bytes(gzip.compress(conn(tmp_path).read_bytes())[:20])
    assert main(["--indicators", str(feed[0]), str(damaged), "--no-warninglists"]) == 3


def test_the_exit_statuses_are_documented_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "0 hits found; 1 no hits; 2 could not run" in text
    assert "3 some log unreadable" in text


def test_an_output_that_cannot_be_written_stops_the_run_with_status_two(
    tmp_path: Path, feed: tuple[Path, str]
) -> None:
    out = tmp_path / "missing-folder" / "hits.jsonl"
    assert main(["--indicators", str(feed[0]), str(conn(tmp_path)), "--jsonl", str(out)]) == 2


def test_the_summary_and_the_json_report_list_each_suppressed_indicator_under_its_warninglist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("8.8.8.8\n8.8.4.4\n")
    report = tmp_path / "report.json"
    status = main(["--indicators", str(feed), str(conn(tmp_path, resp="8.8.8.8")), "--report", str(report)])
    err = capsys.readouterr().err
    document = json.loads(report.read_text())
    assert status == 1
    lists = document["suppressed"]["warninglists"]
    (resolvers,) = [e for e in lists if any(i["value"] == "8.8.8.8" for i in e["indicators"])]
    listed = {(item["value"], item["hits"]) for item in resolvers["indicators"]}
    assert listed == {("8.8.8.8", 1), ("8.8.4.4", 0)}
    assert resolvers["indicators"][0]["indicator"].startswith("indicator--")
    assert f"{resolvers['name']}: 2 indicators, 1 hits" in err
    assert "8.8.8.8  indicator--" in err
    assert document["exit_status"] == 1 and document["hits"]["total"] == 0


def test_arrow_buffers_come_from_jemalloc_unless_the_user_chose_a_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow as pa

    from lionrock.matcher import command

    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
        pa.set_memory_pool(pa.system_memory_pool())
        command._allocate_with_jemalloc()
        assert pa.default_memory_pool().backend_name == "system"
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        try:
            pa.jemalloc_memory_pool()
        except NotImplementedError:
            pytest.skip("this pyarrow is built without jemalloc: the default pool is kept, as tested above")
        command._allocate_with_jemalloc()
        assert pa.default_memory_pool().backend_name == "jemalloc"
    finally:
        pa.set_memory_pool(before)


def test_a_run_in_one_process_loads_no_process_pool_and_no_blas_threads(
    tmp_path: Path, feed: tuple[Path, str], match_cache: Path
) -> None:
    import os
    import subprocess

    script = (
        "import os, sys\n"
        "from lionrock.matcher.command import main\n"
        f"status = main(['--indicators', {str(feed[0])!r}, {str(conn(tmp_path))!r}, '--jsonl', os.devnull])\n"
        "pools = {'lionrock.matcher.parallel', 'concurrent.futures.process'} & set(sys.modules)\n"
        "print(status, bool(pools), os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    environment["LIONROCK_MATCH_CACHE"] = str(match_cache)
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    status, pools, threads = done.stdout.split()
    assert status in ("0", "1") and (pools, threads) == ("False", "1")
