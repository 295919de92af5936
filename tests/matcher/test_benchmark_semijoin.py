"""The Polars and DuckDB semi-joins the matcher benchmark measures `lionrock match` against are exact, and
over the same columns: a row counts when a value column the matcher reads equals an indicator value, and
for dns that is the query or any one of the answers. Each finds a subset of the matcher's hits.

They run as the benchmark runs them (benchmarks/matcher/semijoin.py in a fresh process, with the columns
of benchmarks/matcher/cli_bench.py); Polars and DuckDB are in the development dependency group.
"""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from lionrock.matcher.command import main
from lionrock.matcher.zeek import PATH_ROLES

from .factories import zeek_log

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks" / "matcher"
VALUES = ["198.51.100.7", "203.0.113.9", "evil.example", "bad.example.net"]
DNS = ["ts", "uid", "query", "qtype_name", "answers"]
ROWS = [
    ["1.0", "D1", "ok.example", "A", "192.0.2.1,198.51.100.7"],  # the second answer
    ["2.0", "D2", "evil.example", "A", "-"],  # the query, answers unset
    ["3.0", "D3", "ok.example", "A", "(empty)"],
    ["4.0", "D4", "-", "A", "203.0.113.9"],  # the only answer, query unset
    ["5.0", "D5", "evil.example", "A", "198.51.100.7,203.0.113.9"],  # three values: one row
    ["6.0", "D6", "ok.example", "A", "192.0.2.1,192.0.2.2"],
    ["7.0", "D7", "ok.example", "CNAME", "www.ok.example,bad.example.net,192.0.2.3"],  # a name answered
    ["8.0", "D8", "a.evil.example", "A", "-"],  # a subdomain: the matcher's, not an exact semi-join's
    ["9.0", "D9", "ok.example", "A", "198.51.100.70,x198.51.100.7"],  # near misses
]
EXACT = ["1.0", "2.0", "4.0", "5.0", "7.0"]


def _benchmark_columns() -> dict[str, list[str]]:
    """The columns cli_bench.py gives the semi-joins for each log."""
    columns: dict[str, list[str]] = runpy.run_path(str(BENCHMARKS / "cli_bench.py"))["SEMI_JOIN_COLUMNS"]
    return columns


def _semi_join(engine: str, values: Path, log: Path, *, write: bool) -> tuple[int, list[dict[str, str]]]:
    """The count the benchmark reads from stderr, and the rows written (with `--write`)."""
    columns = _benchmark_columns()["dns"]
    command = [sys.executable, str(BENCHMARKS / "semijoin.py"), *(["--write"] if write else []), engine,
               str(values), str(log), *columns]  # fmt: skip
    done = subprocess.run(command, capture_output=True, check=True)
    count = int(done.stderr.decode().strip().splitlines()[-1])
    return count, [json.loads(line) for line in done.stdout.decode().splitlines()]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    values = tmp_path / "feed.txt"
    values.write_text("\n".join(VALUES) + "\n")
    return values, zeek_log(tmp_path / "dns.log", "dns", DNS, ROWS)


def test_the_benchmark_compares_every_value_column_the_matcher_reads_for_conn_and_dns() -> None:
    columns = _benchmark_columns()
    for log in ("conn", "dns"):
        read = {name for name, role in PATH_ROLES[log].items() if role != "port"}
        assert {column.partition(":")[0] for column in columns[log]} == read
    assert "answers:set" in columns["dns"]


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_a_dns_row_counts_once_when_its_query_or_any_one_of_its_answers_is_a_value(
    engine: str, files: tuple[Path, Path]
) -> None:
    values, log = files
    counted, _ = _semi_join(engine, values, log, write=False)
    written, rows = _semi_join(engine, values, log, write=True)
    assert counted == written == len(EXACT)
    assert [row["ts"] for row in rows] == EXACT
    assert rows[0] == {"ts": "1.0", "query": "ok.example", "answers": "192.0.2.1,198.51.100.7"}


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_every_row_the_semi_join_finds_is_a_hit_of_lionrock_match(
    engine: str, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    values, log = files
    _, rows = _semi_join(engine, values, log, write=True)
    capsys.readouterr()
    status = main(["--indicators", str(values), str(log), "--jsonl", "-", "--no-warninglists"])
    hits = {json.loads(line)["line"] for line in capsys.readouterr().out.splitlines()}
    first_row_line = 8  # the factory's header is 7 lines
    found = {first_row_line + [row[0] for row in ROWS].index(row["ts"]) for row in rows}
    assert status == 0
    assert found < hits  # the matcher also finds the subdomain on line 15
    assert first_row_line + 7 in hits - found
