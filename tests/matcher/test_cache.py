"""The compiled-index and warninglist cache: reused while nothing changed, never trusted when damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pytest

from lionrock.matcher import warninglists
from lionrock.matcher.command import main

from .factories import bundle, index_of, stix_indicator, zeek_log

CONN = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"]


def conn(tmp_path: Path, *responders: str) -> Path:
    rows = [["1704067200.25", f"C{i}", "10.0.0.1", "5000", r, "443", "tcp"] for i, r in enumerate(responders)]
    return zeek_log(tmp_path / "conn.log", "conn", CONN, rows)


def run(
    capsys: pytest.CaptureFixture[str], cache: Path, *args: str
) -> tuple[int, list[dict[str, object]], str]:
    status = main(["--cache-dir", str(cache), "--no-warninglists", *args])
    captured = capsys.readouterr()
    return status, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_a_second_run_reads_the_compiled_index_from_the_cache_and_reports_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text(
        bundle(
            stix_indicator("[ipv4-addr:value = '203.0.113.66']"),
            stix_indicator("[ipv4-addr:value = '198.51.100.0/24']"),
            stix_indicator("[domain-name:value LIKE '%.evil.example']"),
            {"type": "identity", "id": "identity--1", "name": "ISP"},
        )
    )
    log = conn(tmp_path, "203.0.113.66", "198.51.100.9", "192.0.2.1")
    cache = tmp_path / "cache"
    first = run(capsys, cache, "--indicators", str(feed), str(log))
    second = run(capsys, cache, "--indicators", str(feed), str(log))
    assert "read from the cache" not in first[2] and "read from the cache" in second[2]
    assert first[0] == second[0] == 0
    assert first[1] == second[1] and len(first[1]) == 2
    assert "1 on the slow path" in second[2] and "identity 1" in second[2]


def test_names_urls_and_hashes_hit_the_same_from_the_cache_as_freshly_compiled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = "ab" * 32
    feed = tmp_path / "feed.txt"
    feed.write_text(f"evil.example\nhttp://bad.example/x.php\n{digest.upper()}\nother.example\n")
    fields = ["ts", "uid", "query", "answers"]
    log = zeek_log(
        tmp_path / "dns.log",
        "dns",
        fields,
        [["1704067200.0", "D1", "www.Evil.example.", "-"], ["1704067201.0", "D2", "evil.examples", "-"]],
    )
    http = zeek_log(
        tmp_path / "http.log",
        "http",
        ["ts", "uid", "host", "uri"],
        [["1704067202.0", "H1", "bad.example", "/x.php"], ["1704067203.0", "H2", "bad.example", "/y"]],
    )
    files = zeek_log(tmp_path / "files.log", "files", ["ts", "sha256"], [["1704067204.0", digest]])
    cache = tmp_path / "cache"
    logs = [str(log), str(http), str(files)]
    first = run(capsys, cache, "--indicators", str(feed), *logs)
    second = run(capsys, cache, "--indicators", str(feed), *logs)
    assert "read from the cache" in second[2]
    assert first[1] == second[1]
    assert [hit["observed"] for hit in second[1]] == ["www.Evil.example.", "http://bad.example/x.php", digest]


def test_changed_indicators_are_compiled_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.66\n")
    log = conn(tmp_path, "203.0.113.66", "192.0.2.1")
    cache = tmp_path / "cache"
    assert [h["observed"] for h in run(capsys, cache, "--indicators", str(feed), str(log))[1]] == [
        "203.0.113.66"
    ]
    feed.write_text("192.0.2.1\n")
    _, hits, err = run(capsys, cache, "--indicators", str(feed), str(log))
    assert "read from the cache" not in err
    assert [h["observed"] for h in hits] == ["192.0.2.1"]


def test_a_damaged_index_in_the_cache_is_ignored_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.66\n")
    log = conn(tmp_path, "203.0.113.66")
    cache = tmp_path / "cache"
    expected = run(capsys, cache, "--indicators", str(feed), str(log))[1]
    (stored,) = cache.glob("index-*.idx")
    stored.write_bytes(stored.read_bytes()[:300])
    status, hits, err = run(capsys, cache, "--indicators", str(feed), str(log))
    assert (status, hits) == (0, expected)
    assert "read from the cache" not in err
    assert "read from the cache" in run(capsys, cache, "--indicators", str(feed), str(log))[2]


def test_an_index_cut_short_inside_its_arrays_is_ignored_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("".join(f"evil{n}.example\n" for n in range(500)) + "203.0.113.66\n")
    log = conn(tmp_path, "203.0.113.66")
    cache = tmp_path / "cache"
    expected = run(capsys, cache, "--indicators", str(feed), str(log))[1]
    (stored,) = cache.glob("index-*.idx")
    whole = stored.read_bytes()
    stored.write_bytes(whole[: len(whole) - 100])
    status, hits, err = run(capsys, cache, "--indicators", str(feed), str(log))
    assert (status, hits) == (0, expected)
    assert "read from the cache" not in err


def test_damaged_warninglists_in_the_cache_are_ignored_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("8.8.8.8\n")
    log = conn(tmp_path, "8.8.8.8")
    cache = tmp_path / "cache"
    assert main(["--cache-dir", str(cache), "--no-cache", "--indicators", str(feed), str(log)]) == 1
    assert not cache.exists()  # --no-cache stores nothing
    warninglists.compiled(cache)
    (entries,) = cache.glob("warninglists-*/entries.arrow")
    entries.write_bytes(b"not arrow at all")
    capsys.readouterr()
    status = main(["--cache-dir", str(cache), "--indicators", str(feed), str(log)])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    assert "suppressed by warninglists: 1 hits, 1 indicators" in captured.err
    warninglists.compiled(cache)  # stored again, readable


def test_the_compact_warninglists_flag_exact_names_and_contained_blocks_only(match_cache: Path) -> None:
    index = index_of("8.8.8.8", "8.8.8.0/24", "google.com", "evil.google.com", "203.0.113.9", "10.0.0.0/8")
    flags = warninglists.screen(index, match_cache)
    flagged = {value for _, value in flags.values()}
    assert {"8.8.8.8", "google.com", "10.0.0.0/8"} <= flagged
    assert "evil.google.com" not in flagged


def test_the_string_hash_is_the_same_in_every_process() -> None:
    # Stored in the cache and compared across runs: a change here must come with a new cache format.
    hashes = warninglists.hash_strings(pa.array(["", "a", "google.com"])).tolist()
    assert hashes == [0, 17511437127852498111, 7671431332530683409]


def _age(path: Path, seconds: int = 3600) -> None:
    """Sets a file's modification time an hour back, as for a feed downloaded earlier."""
    past = path.stat().st_mtime_ns - seconds * 1_000_000_000
    os.utime(path, ns=(past, past))


def test_a_feed_rewritten_with_the_same_content_still_reads_the_index_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.66\n")
    _age(feed)
    log = conn(tmp_path, "203.0.113.66")
    cache = tmp_path / "cache"
    run(capsys, cache, "--indicators", str(feed), str(log))
    feed.write_text("203.0.113.66\n")  # downloaded again, same content, new times
    status, hits, err = run(capsys, cache, "--indicators", str(feed), str(log))
    assert "read from the cache" in err
    assert (status, [h["observed"] for h in hits]) == (0, ["203.0.113.66"])


def test_a_feed_changed_in_place_with_its_size_and_modification_time_kept_is_compiled_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.66\n")
    _age(feed)
    log = conn(tmp_path, "203.0.113.66", "203.0.113.77")
    cache = tmp_path / "cache"
    run(capsys, cache, "--indicators", str(feed), str(log))
    run(capsys, cache, "--indicators", str(feed), str(log))  # remembered by its file facts now
    old = feed.stat()
    feed.write_text("203.0.113.77\n")  # same size
    os.utime(feed, ns=(old.st_atime_ns, old.st_mtime_ns))  # modification time put back
    status, hits, err = run(capsys, cache, "--indicators", str(feed), str(log))
    assert "read from the cache" not in err
    assert (status, [h["observed"] for h in hits]) == (0, ["203.0.113.77"])


def test_a_feed_changed_at_once_with_the_same_size_is_compiled_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two writes in the same instant may leave the file's times alike: such a file is read again.
    feed = tmp_path / "feed.txt"
    log = conn(tmp_path, "203.0.113.66", "203.0.113.77")
    cache = tmp_path / "cache"
    feed.write_text("203.0.113.66\n")
    first = run(capsys, cache, "--indicators", str(feed), str(log))
    feed.write_text("203.0.113.77\n")
    second = run(capsys, cache, "--indicators", str(feed), str(log))
    assert [h["observed"] for h in first[1]] == ["203.0.113.66"]
    assert [h["observed"] for h in second[1]] == ["203.0.113.77"]
    assert "read from the cache" not in second[2]


def test_validity_times_come_back_from_the_cache_however_many_distinct_ones_there_are(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    import numpy as np

    from lionrock.matcher import cache as match_cache_module
    from lionrock.matcher.index import compile_indicators
    from lionrock.matcher.indicators import load_text
    from lionrock.matcher.per_indicator import Stamps

    start = datetime(2024, 1, 1, tzinfo=UTC)
    objects = [
        stix_indicator(
            f"[ipv4-addr:value = '198.51.{n // 250}.{n % 250 + 1}']",
            valid_from=(start + timedelta(minutes=n)).isoformat().replace("+00:00", "Z"),
            **({"valid_until": "2030-01-01T00:00:00Z"} if n % 2 else {}),
        )
        for n in range(300)
    ]
    index = compile_indicators(load_text(bundle(*objects), "feed.json"))
    match_cache_module.store(tmp_path, "k", index, {})
    stored = match_cache_module.load(tmp_path, "k")
    assert stored is not None
    numbers = np.arange(300, dtype=np.int64)
    assert (stored.index.valid_from[numbers] == index.valid_from[numbers]).all()
    assert (stored.index.valid_until[numbers] == index.valid_until[numbers]).all()
    assert (
        int(stored.index.valid_from[np.array([299])][0])
        == int((start + timedelta(minutes=299)).timestamp()) * 10**6
    )
    many = np.arange(70_000, dtype=np.int64) * 1_000_000
    assert (Stamps.of(many)[np.array([0, 69_999])] == many[[0, 69_999]]).all()
