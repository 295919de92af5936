"""Benchmark: generating each team's drill artefacts (Zeek conn/dns/http, Suricata EVE, access log).

The target (issue 13): 1,000,000 log lines for each of 20 teams in at most 60 s on the 2-core machine.
Teams are generated in a process pool (one worker per core by default); each team's files are written
to a scratch directory and deleted after being counted. Canaries and decoys are planted as a drill
plants them (five canaries and two decoys per team). Prints one line per team and the total; the
archive (zip) a download adds is timed separately with --zip for one team.

Usage: uv run python benchmarks/drills/artefacts_bench.py [--teams 20] [--lines 1000000] [--workers N] [--zip]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lionrock.cyber.drills.artefacts import Plant, archive_write, artefacts_write
from lionrock.cyber.drills.canaries import values_plan

START = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)


def _team(args: tuple[int, int, str, bool]) -> tuple[int, float, int, float]:
    number, lines, root, zipped = args
    taken: set[str] = set()
    planned = values_plan(
        seed="bench", team=f"team-{number}", inject=2, canaries={"domain": 2, "url": 1, "address": 2},
        decoys=2, taken=taken,
    )  # fmt: skip
    plants = [Plant(p.kind, p.value, START + timedelta(minutes=7 * (i + 1))) for i, p in enumerate(planned)]
    directory = Path(root) / f"team-{number}"
    began = time.perf_counter()
    paths = artefacts_write(
        directory, seed="bench", team=f"team-{number}", start=START, end=START + timedelta(hours=1),
        lines=lines, plants=plants,
    )  # fmt: skip
    took = time.perf_counter() - began
    count = sum(sum(1 for _ in path.open("rb")) for path in paths)
    zip_took = 0.0
    if zipped:
        began = time.perf_counter()
        archive_write(paths, directory / "logs.zip", folder="logs")
        zip_took = time.perf_counter() - began
    shutil.rmtree(directory)
    return number, took, count, zip_took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--zip", action="store_true", help="also time the zip a download sends")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lionrock-drill-bench-") as root:
        began = time.perf_counter()
        jobs = [(n, args.lines, root, args.zip and n == 0) for n in range(args.teams)]
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(_team, jobs))
        total = time.perf_counter() - began
    for number, took, count, zip_took in results:
        extra = f", zip {zip_took:.2f} s" if zip_took else ""
        print(f"team-{number}: {count:,} lines in {took:.2f} s{extra}")
    lines = sum(count for _, _, count, _ in results)
    print(f"total: {lines:,} lines for {args.teams} teams in {total:.2f} s with {args.workers} worker(s)")


if __name__ == "__main__":
    main()
