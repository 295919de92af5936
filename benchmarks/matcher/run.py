"""Matcher benchmark: compile time, memory per indicator, end-to-end throughput, exactness, grep side by side.

Runs on generated data (see generate.py; created on first run) and, when present, on the real logs in
../shared/corpus/logs. Writes benchmarks/out/matcher.md and matcher.json and prints the markdown.

Usage: python benchmarks/matcher/run.py [--data DIR] [--indicators N] [--conn N] [--dns N] [--http N]
       [--profile] [--no-grep]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from lionrock.matcher import compile_indicators, load_indicators, match_batches, read_log  # noqa: E402
from lionrock.matcher.counts import MatchReport  # noqa: E402
from lionrock.matcher.output import write_jsonl  # noqa: E402
from lionrock.matcher.source import ReadReport  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
CPU_SECONDS: dict[str, float] = {}
"""CPU seconds (all threads): not inflated by other load, as wall time is."""


def rss_bytes() -> int:
    """Resident set size now (Linux /proc), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def run_matcher(
    index: Any, log: Path, out: Path
) -> tuple[float, ReadReport, MatchReport, set[tuple[str, int, str]]]:
    """End to end on one file: read, parse, normalise, match, write JSON lines. Returns seconds and hits."""
    reads, matches = ReadReport(), MatchReport()
    found: set[tuple[str, int, str]] = set()
    started = time.perf_counter()
    cpu_started = time.process_time()
    with out.open("w") as stream:
        for hits in match_batches(index, read_log(str(log), reads), matches, warninglists=False):
            write_jsonl(hits, stream)
            for line, indicator in zip(
                hits.column("line").to_pylist(), hits.column("indicator").to_pylist(), strict=True
            ):
                found.add((log.name, line, indicator))
    CPU_SECONDS[log.name] = time.process_time() - cpu_started
    return time.perf_counter() - started, reads, matches, found


def run_grep(tool: list[str], values: Path, log: Path) -> tuple[float, set[int]]:
    """`grep -F -f values log` (or rg): seconds and the line numbers it reports."""
    started = time.perf_counter()
    result = subprocess.run(
        [*tool, "-n", "-F", "-f", str(values), str(log)], capture_output=True, check=False
    )
    seconds = time.perf_counter() - started
    lines = {int(row.split(b":", 1)[0]) for row in result.stdout.splitlines() if row[:1].isdigit()}
    return seconds, lines


def profile_run(index: Any, log: Path, out: Path) -> str:
    """pyinstrument text profile of one end-to-end run, to show where the time goes."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    run_matcher(index, log, out)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


def corpus_run(outdir: Path) -> dict[str, Any] | None:
    """The real logs of the shared corpus against the corpus's real indicator feeds."""
    logs = CORPUS / "logs"
    feeds = CORPUS / "indicators"
    if not logs.is_dir() or not feeds.is_dir():
        return None
    from lionrock.matcher.index import merge
    from lionrock.matcher.indicators import load_path

    collections = [
        load_path(p)
        for p in sorted(feeds.iterdir())
        if p.suffix in (".intel", ".txt") and "whitelist" not in p.name
    ]
    index = compile_indicators(merge(collections))
    from lionrock.matcher import warninglists

    index.flag_warninglisted(warninglists.screen(index))
    reads, matches = ReadReport(), MatchReport()
    started = time.perf_counter()
    hits = 0
    for log in sorted(logs.iterdir()):
        if log.name == "SOURCES.md":
            continue
        for table in match_batches(index, read_log(str(log), reads), matches):
            hits += table.num_rows
    seconds = time.perf_counter() - started
    return {
        "indicators": len(index),
        "refused": len(index.refused),
        "events": matches.events,
        "events_per_format": dict(reads.events),
        "seconds": seconds,
        "events_per_second": matches.events / seconds if seconds else 0,
        "hits": hits,
        "suppressed": sum(matches.suppressed.values()),
        "bad_lines": reads.bad_lines,
        "bad_line_examples": [str(p) for p in reads.problems[:5]],
        "errors": [str(e) for e in reads.errors],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Matcher benchmark")
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data" / "matcher")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--indicators", type=int, default=1_000_000)
    parser.add_argument("--conn", type=int, default=2_000_000)
    parser.add_argument("--dns", type=int, default=2_000_000)
    parser.add_argument("--http", type=int, default=200_000)
    parser.add_argument("--profile", action="store_true", help="also profile the conn and dns runs")
    parser.add_argument("--no-grep", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=3, help="matcher runs per file; the fastest is reported"
    )
    args = parser.parse_args()
    data, outdir = args.data, args.out
    outdir.mkdir(parents=True, exist_ok=True)
    labels_path = data / "labels.json"
    wanted = {"indicators": args.indicators, "conn": args.conn, "dns": args.dns, "http": args.http}
    if labels_path.exists():
        labels = json.loads(labels_path.read_text())
        have = {
            "indicators": labels.get("requested_indicators"),
            **{k[:-4]: v for k, v in labels["events"].items()},
        }
        if have != wanted:
            labels_path.unlink()
    if not labels_path.exists():
        print(f"generating data in {data} ...", file=sys.stderr)
        started = time.perf_counter()
        generate(data, args.indicators, args.conn, args.dns, args.http)
        labels = json.loads(labels_path.read_text())
        labels["requested_indicators"] = args.indicators
        labels_path.write_text(json.dumps(labels))
        print(f"generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    labels = json.loads(labels_path.read_text())

    gc.collect()
    rss_before = rss_bytes()
    arrow_before = pa.total_allocated_bytes()
    started = time.perf_counter()
    collection = load_indicators(data / "indicators.json")
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index = compile_indicators(collection)
    compile_seconds = time.perf_counter() - started
    del collection
    gc.collect()
    rss_after = rss_bytes()
    count = len(index)
    memory = {
        "index_array_bytes": index.nbytes(),
        "bytes_per_indicator": index.nbytes() / count,
        "arrow_bytes": pa.total_allocated_bytes() - arrow_before,
        "rss_growth_bytes": rss_after - rss_before,
        "rss_growth_per_indicator": (rss_after - rss_before) / count,
    }

    expected = {(h["source"], h["line"], h["indicator"]) for h in labels["hits"]}
    runs: dict[str, Any] = {}
    profiles: dict[str, str] = {}
    grep_tools = {"grep -F": ["grep"]}
    if shutil.which("rg"):
        grep_tools["rg -F"] = ["rg", "--no-heading", "--no-filename"]
    for name in ("conn.log", "dns.log", "http.log"):
        log = data / name
        # Best of several runs: the machine may be shared, and the best run is the least disturbed one.
        attempts = []
        for _ in range(args.repeat):
            load_average = os.getloadavg()[0]
            attempts.append(
                (*run_matcher(index, log, outdir / f"hits-{name}.jsonl"), CPU_SECONDS[name], load_average)
            )
        seconds, reads, matches, found, cpu_seconds, load_average = min(attempts, key=lambda a: a[0])
        CPU_SECONDS[name] = cpu_seconds
        wanted_here = {e for e in expected if e[0] == name}
        expected_lines = {line for _, line, _ in wanted_here}
        found_lines = {line for _, line, _ in found}
        run: dict[str, Any] = {
            "events": matches.events,
            "bytes": log.stat().st_size,
            "seconds": seconds,
            "events_per_second": matches.events / seconds,
            "cpu_seconds": CPU_SECONDS[name],
            "events_per_cpu_second": matches.events / CPU_SECONDS[name],
            "load_average": load_average,
            "runs": args.repeat,
            "hits": len(found),
            "expected_hits": len(wanted_here),
            "false_positives": len(found - wanted_here),
            "misses": len(wanted_here - found),
            "false_positive_lines": len(found_lines - expected_lines),
            "missed_lines": len(expected_lines - found_lines),
            "bad_lines": reads.bad_lines,
            "near_misses_planted": sum(1 for n in labels["near_misses"] if n["source"] == name),
            "tools": {},
        }
        if not args.no_grep:
            for tool, command in grep_tools.items():
                tool_seconds, lines = run_grep(command, data / "values.txt", log)
                run["tools"][tool] = {
                    "seconds": tool_seconds,
                    "events_per_second": matches.events / tool_seconds,
                    "lines_reported": len(lines),
                    "false_positive_lines": len(lines - expected_lines),
                    "missed_lines": len(expected_lines - lines),
                    "matcher_speedup": tool_seconds / seconds,
                }
        runs[name] = run
        if args.profile and name in ("conn.log", "dns.log"):
            profiles[name] = profile_run(index, log, outdir / f"profile-{name}.jsonl")
    corpus = corpus_run(outdir)
    report = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "pyarrow": pa.__version__,
            "platform": platform.platform(),
        },
        "indicators": {
            "count": count,
            "indexed": index.indexed,
            "slow_path": len(index.slow),
            "refused": len(index.refused),
            "revoked": index.revoked,
            "kinds": dict(index.kinds),
            "load_seconds": load_seconds,
            "compile_seconds": compile_seconds,
            **memory,
            "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        },
        "runs": runs,
        "corpus": corpus,
    }
    (outdir / "matcher.json").write_text(json.dumps(report, indent=2))
    markdown = render(report, profiles)
    (outdir / "matcher.md").write_text(markdown)
    for name, text in profiles.items():
        (outdir / f"profile-{name}.txt").write_text(text)
    print(markdown)


def render(report: dict[str, Any], profiles: dict[str, str]) -> str:
    """The report as markdown."""
    ind = report["indicators"]
    lines = [
        "# Matcher benchmark",
        "",
        f"Machine: {report['machine']['cores']} cores, Python {report['machine']['python']}, "
        f"pyarrow {report['machine']['pyarrow']}, {report['machine']['platform']}",
        "",
        "## Indicators",
        "",
        f"* {ind['count']:,} indicators ({', '.join(f'{k} {v:,}' for k, v in sorted(ind['kinds'].items()))}); "  # noqa: E501
        f"{ind['indexed']:,} indexed, {ind['slow_path']} slow path, {ind['refused']} refused, {ind['revoked']} revoked",  # noqa: E501
        f"* load (JSON + pattern analysis): {ind['load_seconds']:.1f} s; compile: {ind['compile_seconds']:.1f} s",  # noqa: E501
        f"* index arrays: {ind['index_array_bytes'] / 1e6:.1f} MB = **{ind['bytes_per_indicator']:.0f} bytes per indicator** "  # noqa: E501
        f"(target <= 200)",
        f"* process RSS growth after load + compile (Python may keep freed memory): "
        f"{ind['rss_growth_bytes'] / 1e6:.0f} MB = {ind['rss_growth_per_indicator']:.0f} bytes per indicator; "  # noqa: E501
        f"peak RSS {ind['peak_rss_bytes'] / 1e9:.1f} GB (the JSON bundle is parsed whole)",
        "",
        "## End to end (read, parse, normalise, match, write JSON lines; fastest of the repeated runs)",
        "",
        "| log | events | MB | seconds | events/s | CPU s | events per CPU s | load avg | hits | expected "
        "| false positives | misses | near misses planted |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in report["runs"].items():
        lines.append(
            f"| {name} | {run['events']:,} | {run['bytes'] / 1e6:.0f} | {run['seconds']:.2f} | "
            f"{run['events_per_second']:,.0f} | {run['cpu_seconds']:.2f} | "
            f"{run['events_per_cpu_second']:,.0f} | {run['load_average']:.1f} | {run['hits']} | "
            f"{run['expected_hits']} | {run['false_positives']} | "
            f"{run['misses']} | {run['near_misses_planted']} |"
        )
    lines += [
        "",
        "## Side by side with fixed-string search on the same files (line level)",
        "",
        "| log | tool | seconds | events/s | lines reported | false-positive lines | missed lines | matcher speed-up |",  # noqa: E501
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, run in report["runs"].items():
        lines.append(
            f"| {name} | lionrock matcher | {run['seconds']:.2f} | {run['events_per_second']:,.0f} | "
            f"{run['hits']} | {run['false_positive_lines']} | {run['missed_lines']} | 1.0 |"
        )
        for tool, result in run["tools"].items():
            lines.append(
                f"| {name} | {tool} | {result['seconds']:.2f} | {result['events_per_second']:,.0f} | "
                f"{result['lines_reported']} | {result['false_positive_lines']} | {result['missed_lines']} | "
                f"{result['matcher_speedup']:.2f} |"
            )
    corpus = report.get("corpus")
    if corpus:
        lines += [
            "",
            "## Real logs (shared corpus) against real feeds",
            "",
            f"* {corpus['indicators']:,} indicators from the corpus feeds ({corpus['refused']} refused)",
            f"* {corpus['events']:,} events in {corpus['seconds']:.1f} s ({corpus['events_per_second']:,.0f}/s): "  # noqa: E501
            + ", ".join(f"{k} {v:,}" for k, v in sorted(corpus["events_per_format"].items())),
            f"* hits {corpus['hits']}, suppressed by warninglists {corpus['suppressed']}, bad lines {corpus['bad_lines']}"  # noqa: E501
            + (f" (e.g. {corpus['bad_line_examples'][0]})" if corpus["bad_line_examples"] else ""),
        ]
    for name, text in profiles.items():
        lines += ["", f"## Profile: {name}", "", "```", *text.splitlines()[:60], "```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
