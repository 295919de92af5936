"""`lionrock match`: a stakeholder's own check of its logs against the indicators shared with it.

Runs with no server and no database. Exit status, as grep's: 0 hits found, 1 no hits, 2 the run could
not start or finish (usage error, no usable indicators, an unreadable indicator source, an unwritable
output), 3 some log could not be read (or only partly): the hits of everything else are still written.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import lionrock.matcher._startup  # noqa: F401 - first: the environment NumPy reads when it loads
from lionrock.matcher import cache, taxii
from lionrock.matcher.counts import MatchReport
from lionrock.matcher.exit_status import EXIT_FAILED, EXIT_HITS, EXIT_NO_HITS, EXIT_PARTIAL
from lionrock.matcher.index import CompiledIndex
from lionrock.matcher.loading import Prepared, prepare
from lionrock.matcher.matching import match_batches
from lionrock.matcher.output import SightingTally, sightings_bundle, write_jsonl
from lionrock.matcher.readers import FORMATS, UnknownFormat, read_log
from lionrock.matcher.report import run_report, suppression_summary
from lionrock.matcher.source import ReadReport, expand_paths

__all__ = ["EXIT_FAILED", "EXIT_HITS", "EXIT_NO_HITS", "EXIT_PARTIAL", "build_parser", "finish", "main"]
_SHOWN = 10


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed so the platform's `lionrock` command can show the same help."""
    parser = argparse.ArgumentParser(
        prog="lionrock match",
        description="Find shared indicators in your own logs and write hits and STIX sightings.",
        epilog="Exit status (as grep's): 0 hits found; 1 no hits; 2 could not run (usage error, no usable "
        "indicators, an indicator source unreadable, an output not writable); 3 some log unreadable or "
        "truncated (hits from the rest are still written). Sources that hold no indicators are skipped "
        "and listed in the summary.",
    )
    parser.add_argument(
        "--indicators",
        action="append",
        required=True,
        metavar="SOURCE",
        help="STIX bundle, TAXII envelope, Zeek Intel file or plain list, or a directory of them; or a "
        f"TAXII 2.1 collection URL (token from ${taxii.TOKEN_VARIABLE}). Repeatable.",
    )
    parser.add_argument("logs", nargs="+", metavar="LOG", help="log file, directory of logs, or - for stdin")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="log format (default: detect)")
    parser.add_argument("--jsonl", metavar="FILE", help="write one JSON line per hit to FILE (- for stdout)")
    parser.add_argument("--sightings", metavar="FILE", help="write a STIX 2.1 bundle of Sightings to FILE")
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="write the run's report as JSON to FILE: counts, problems, and every warninglisted indicator "
        "by list",
    )
    parser.add_argument(
        "--identity", metavar="NAME", default="Unnamed stakeholder", help="who saw it (where_sighted_refs)"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where compiled indicators and warninglists are kept between runs (default "
        "$LIONROCK_MATCH_CACHE, else ~/.cache/lionrock/match)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="compile indicators and warninglists afresh, store nothing"
    )
    parser.add_argument(
        "--no-warninglists", action="store_true", help="alert on warninglisted values too (default: suppress)"
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="parse and match in N worker processes (0: one per CPU); the output is the same as with 1",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local: this machine; spark: Apache Spark (pip install 'lionrock[spark]', Java 17)",
    )
    parser.add_argument(
        "--spark-master",
        metavar="URL",
        help="Spark master for --engine spark (default: spark-submit's --master, else local[*])",
    )
    return parser


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError("0 or more")
    return jobs or (os.cpu_count() or 1)


def _describe_index(prepared: Prepared, err: IO[str]) -> None:
    index = prepared.index
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(index.kinds.items()))
    print(
        f"indicators: {len(index)} loaded, {index.indexed} indexed ({kinds or 'none'}), "
        f"{len(index.slow)} on the slow path, {len(index.refused)} refused, {index.revoked} revoked",
        file=err,
    )
    if prepared.cached:
        print("  (compiled index read from the cache: the indicator files have not changed)", file=err)
    others = prepared.other_objects
    if others:
        listed = ", ".join(f"{kind} {count}" for kind, count in sorted(others.items()))
        print(f"  objects that are not indicators, skipped: {listed}", file=err)
    for problem in prepared.skipped[:_SHOWN]:
        print(f"  skipped source: {problem}", file=err)
    if len(prepared.skipped) > _SHOWN:
        print(f"  skipped source: ... and {len(prepared.skipped) - _SHOWN} more", file=err)
    reasons = Counter(slow.reason for slow in index.slow)
    for reason, count in reasons.most_common():
        print(f"  slow path: {count} x {reason}", file=err)
    for refusal in index.refused[:_SHOWN]:
        print(f"  refused: {refusal.source} {refusal.reference}: {refusal.reason}", file=err)
    if len(index.refused) > _SHOWN:
        print(f"  refused: ... and {len(index.refused) - _SHOWN} more", file=err)


def _summary(
    reads: ReadReport, matches: MatchReport, index: CompiledIndex, seconds: float, err: IO[str]
) -> None:
    rate = matches.events / seconds if seconds > 0 else 0.0
    print(
        f"summary: {matches.events} events from {reads.files} files in {seconds:.1f} s ({rate:,.0f}/s)",
        file=err,
    )
    for fmt, count in sorted(reads.events.items()):
        print(f"  events {fmt}: {count}", file=err)
    print(f"  bad lines: {reads.bad_lines}", file=err)
    for problem in reads.problems[:_SHOWN]:
        print(f"    {problem}", file=err)
    if reads.bad_lines > _SHOWN:
        print(f"    ... and {reads.bad_lines - _SHOWN} more", file=err)
    for notice in reads.notices[:_SHOWN]:
        print(f"  notice: {notice}", file=err)
    total = sum(matches.hits.values())
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(matches.hits.items()))
    print(f"  hits: {total}" + (f" ({kinds})" if kinds else ""), file=err)
    suppressed = sum(matches.suppressed.values())
    lists = suppression_summary(index, matches, _SHOWN)
    muted = sum(entry.count for entry in lists)
    print(f"  suppressed by warninglists: {suppressed} hits, {muted} indicators", file=err)
    for entry in lists:
        print(f"    {entry.name}: {entry.count} indicators, {entry.hits} hits", file=err)
        for item in entry.top:
            print(f"      {item.value}  {item.indicator}  {item.hits} hits", file=err)
        if entry.count > _SHOWN:
            print(f"      ... and {entry.count - _SHOWN} more", file=err)
    if matches.outside_validity:
        print(
            f"  matches outside the indicator's validity (not reported): {matches.outside_validity}", file=err
        )
    print(
        f"  slow path: {len(index.slow)} indicators, {matches.slow_candidates} candidate evaluations, "
        f"{matches.slow_hits} hits",
        file=err,
    )
    for error in reads.errors:
        print(f"  error: {error}", file=err)


def _allocate_with_jemalloc() -> None:
    """Arrow's buffers from jemalloc, where the installed pyarrow has it: a run reads and frees a buffer
    per piece of log, and jemalloc hands freed memory back where mimalloc (Arrow's default) keeps it
    (measured at a million indicators: peak 163-176 MB against 209-215 MB, at the same speed). A user's
    own `ARROW_DEFAULT_MEMORY_POOL` is left as it is."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except (NotImplementedError, pa.ArrowNotImplementedError):
        return


def main(argv: list[str] | None = None) -> int:
    """Runs `lionrock match`; returns the exit status."""
    args = build_parser().parse_args(argv)
    err = sys.stderr
    _allocate_with_jemalloc()
    if args.engine == "spark":
        from lionrock.matcher import spark_engine

        if (problem := spark_engine.missing()) is not None:
            print(f"lionrock match: {problem}", file=err)
            return EXIT_FAILED
    cache_dir = (
        None if args.no_cache else Path(args.cache_dir) if args.cache_dir else cache.default_directory()
    )
    prepared = prepare(
        args.indicators, cache_dir=cache_dir, screen_warninglists=not args.no_warninglists, err=err
    )
    if prepared is None:
        return EXIT_FAILED
    index = prepared.index
    # What is loaded now lives for the whole run: kept out of the collector's passes, which otherwise
    # walk every object of NumPy, Arrow and the index again each time matching allocates enough.
    gc.freeze()
    _describe_index(prepared, err)
    if index.indexed == 0 and not index.slow:
        print("lionrock match: no usable indicators", file=err)
        return EXIT_FAILED
    if args.engine == "spark":
        return spark_engine.command(args, prepared, err, finish=finish)
    reads, matches, tally = ReadReport(), MatchReport(), SightingTally()
    progress = err.isatty()
    started = last_shown = time.monotonic()
    jsonl_name = args.jsonl if args.jsonl or args.sightings else "-"
    with ExitStack() as stack:
        workers = None
        stopped: tuple[type[Exception], ...] = ()  # a worker process that stopped (with --jobs)
        if args.jobs > 1:
            from lionrock.matcher import parallel  # process pools only for runs that use them

            stopped = (parallel.WorkerFailed,)
            if parallel.available():
                # Started before any output is open or written, so the workers inherit nothing pending.
                workers = stack.enter_context(
                    parallel.Workers(index, args.jobs, warninglists=not args.no_warninglists)
                )
        jsonl: IO[str] | None = None
        if jsonl_name == "-":
            jsonl = sys.stdout
        elif jsonl_name:
            try:
                jsonl = stack.enter_context(Path(jsonl_name).open("w", encoding="utf-8"))
            except OSError as error:
                print(f"lionrock match: cannot write {jsonl_name}: {error}", file=err)
                return EXIT_FAILED
        for name in expand_paths(args.logs):
            try:
                tables = (
                    workers.match_log(name, reads, matches, args.format)
                    if workers is not None
                    else match_batches(
                        index,
                        read_log(name, reads, args.format),
                        matches,
                        warninglists=not args.no_warninglists,
                    )
                )
                for hits in tables:
                    if jsonl is not None:
                        write_jsonl(hits, jsonl)
                    if args.sightings:
                        tally.add(hits)
                    now = time.monotonic()
                    if progress and now - last_shown > 0.5:
                        last_shown = now
                        rate = matches.events / max(now - started, 1e-9)
                        print(
                            f"\r{matches.events:,} events  {rate:,.0f}/s  {sum(matches.hits.values())} hits",
                            end="",
                            file=err,
                            flush=True,
                        )
            except UnknownFormat as error:
                reads.error(name, 0, str(error))
            except (OSError, UnicodeError) as error:
                reads.error(name, 0, f"cannot read: {error}")
            except stopped as error:
                reads.error(name, 0, f"not fully matched: a worker process stopped ({error})")
        if progress:
            print("\r" + " " * 60 + "\r", end="", file=err)
        if jsonl is not None:
            jsonl.flush()
    if args.sightings:
        bundle = sightings_bundle(tally, args.identity)
        try:
            Path(args.sightings).write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            print(f"lionrock match: cannot write {args.sightings}: {error}", file=err)
            return EXIT_FAILED
    return finish(args, prepared, reads, matches, time.monotonic() - started, err)


def finish(
    args: argparse.Namespace,
    prepared: Prepared,
    reads: ReadReport,
    matches: MatchReport,
    seconds: float,
    err: IO[str],
) -> int:
    """The summary, the --report file and the exit status: the same for every engine."""
    _summary(reads, matches, prepared.index, seconds, err)
    status = EXIT_HITS if sum(matches.hits.values()) else EXIT_NO_HITS
    status = EXIT_PARTIAL if reads.errors else status
    if args.report:
        document = run_report(
            index=prepared.index,
            skipped=prepared.skipped,
            other_objects=prepared.other_objects,
            reads=reads,
            matches=matches,
            seconds=seconds,
            exit_status=status,
        )
        try:
            Path(args.report).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            print(f"lionrock match: cannot write {args.report}: {error}", file=err)
            return EXIT_FAILED
    return status


if __name__ == "__main__":
    sys.exit(main())
