"""`lionrock match --jobs N`: the same hits, in the same order, and the same summary as one process."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from lionrock.matcher import parallel, source
from lionrock.matcher.command import main

from .factories import bundle, stix_indicator, zeek_log

pytestmark = pytest.mark.skipif(not parallel.available(), reason="worker processes need fork")

CONN = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"]
DNS = ["ts", "uid", "id.orig_h", "query", "answers"]


def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.json"
    path.write_text(
        bundle(
            stix_indicator("[ipv4-addr:value = '45.83.12.66']"),
            stix_indicator("[ipv4-addr:value = '91.219.236.0/24']"),
            stix_indicator("[domain-name:value = 'evil.example']"),
            stix_indicator("[ipv4-addr:value = '8.8.8.8']"),  # warninglisted: suppressed
            stix_indicator("[domain-name:value LIKE 'login-%.example']"),  # slow path
        )
    )
    return path


def logs(tmp_path: Path) -> list[Path]:
    """Two logs of many rows with hits spread through them, one with a second header part way through
    and a bad line, one compressed."""
    responders = ["192.0.2.1", "45.83.12.66", "91.219.236.9", "8.8.8.8", "192.0.2.2"]
    rows = [
        [
            f"1704067200.{i:06d}",
            f"C{i}",
            "10.0.0.1",
            "5000",
            responders[i % 5] if i % 7 else "-",
            "443",
            "tcp",
        ]
        for i in range(3000)
    ]
    conn = zeek_log(tmp_path / "conn.log", "conn", CONN, rows[:1500], close=False)
    with conn.open("a") as stream:
        stream.write("1704067200.5\tbroken line\n")
    second = zeek_log(tmp_path / "part.log", "conn", CONN, rows[1500:])
    with conn.open("a") as stream:
        stream.write(second.read_text())
    second.unlink()
    names = ["www.evil.example", "good.example", "login-7.example", "evil.example.org"]
    answers = ["45.83.12.66,192.0.2.9", "-", "-"]
    dns_rows = [
        [f"1704067200.{i:06d}", f"D{i}", "10.0.0.1", names[i % 4], answers[i % 3]] for i in range(2000)
    ]
    plain = zeek_log(tmp_path / "dns.log", "dns", DNS, dns_rows)
    compressed = tmp_path / "dns.log.gz"
    compressed.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    return [conn, compressed]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_two_jobs_write_exactly_the_hits_and_summary_of_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "CHUNK_BYTES", 16 << 10)  # many pieces, so the workers interleave
    indicators, files = feed(tmp_path), [str(p) for p in logs(tmp_path)]
    one = run(capsys, "--indicators", str(indicators), *files, "--jsonl", "-")
    two = run(capsys, "--indicators", str(indicators), *files, "--jsonl", "-", "--jobs", "2")
    assert one[0] == two[0] == 0
    hits = [json.loads(line) for line in one[1].splitlines()]
    assert len(hits) > 2000
    assert {Path(h["source"]).name for h in hits} == {"conn.log", "dns.log.gz"}
    assert two[1] == one[1]

    def summary(err: str) -> list[str]:
        # The time taken differs, and the second run finds the index compiled by the first.
        return [line for line in err.splitlines() if "summary:" not in line and "cache" not in line]

    assert summary(two[2]) == summary(one[2])
    assert "bad lines: 1" in one[2] and "suppressed by warninglists: " in one[2]


def test_jobs_zero_means_one_per_cpu_and_a_negative_count_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    indicators, files = feed(tmp_path), [str(p) for p in logs(tmp_path)]
    assert run(capsys, "--indicators", str(indicators), *files, "--jobs", "0")[0] == 0
    with pytest.raises(SystemExit) as stopped:
        main(["--indicators", str(indicators), *files, "--jobs", "-1"])
    assert stopped.value.code == 2


def test_logs_that_are_not_zeek_tsv_give_the_same_hits_with_two_jobs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "CHUNK_BYTES", 16 << 10)
    records = [
        {
            "timestamp": f"2024-01-01T00:00:{i % 60:02d}Z",
            "event_type": "dns",
            "src_ip": "10.0.0.1",
            "dest_ip": "45.83.12.66" if i % 9 == 0 else "10.0.0.53",
            "dns": {"type": "query", "rrname": ["a.evil.example", "good.example"][i % 2]},
        }
        for i in range(3000)
    ]
    eve = tmp_path / "eve.json"
    eve.write_text("".join(json.dumps(record) + "\n" for record in records))
    zeek_json = tmp_path / "dns.json.log"
    zeek_json.write_text(
        "".join(
            json.dumps(
                {"_path": "dns", "ts": 1704067200 + i, "query": "www.evil.example" if i % 3 else "x.org"}
            )
            + "\n"
            for i in range(3000)
        )
    )
    files = [str(eve), str(zeek_json)]
    indicators = str(feed(tmp_path))
    one = run(capsys, "--indicators", indicators, *files, "--format", "auto", "--jsonl", "-")
    two = run(capsys, "--indicators", indicators, *files, "--format", "auto", "--jsonl", "-", "--jobs", "2")
    assert one[0] == two[0] == 0
    assert len(one[1].splitlines()) > 3000
    assert {Path(json.loads(line)["source"]).name for line in one[1].splitlines()} == {
        "eve.json",
        "dns.json.log",
    }
    assert two[1] == one[1]
