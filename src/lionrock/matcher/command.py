"""`lionrock match`: a stakeholder's own check of its logs against the indicators shared with it.

Runs with no server and no database. Exit status: 0 when every input was read (with or without hits),
1 when the run could not start (no usable indicators, an unwritable output), 2 for a usage error,
3 when some log could not be read (or only partly): the hits of everything else are still written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import IO

from lionrock.matcher import taxii
from lionrock.matcher.index import CompiledIndex, compile_indicators
from lionrock.matcher.indicators import IndicatorCollection, load_path
from lionrock.matcher.matching import MatchReport, match_batches
from lionrock.matcher.output import SightingTally, sightings_bundle, write_jsonl
from lionrock.matcher.readers import FORMATS, UnknownFormat, read_log
from lionrock.matcher.source import ReadReport, expand_paths

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PARTIAL = 3
_SHOWN = 10


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, exposed so the platform's `lionrock` command can show the same help."""
    parser = argparse.ArgumentParser(
        prog="lionrock match",
        description="Find shared indicators in your own logs and write hits and STIX sightings.",
        epilog="Exit status: 0 all inputs read (with or without hits), 1 could not run, 2 usage error, "
        "3 some log unreadable or truncated (hits from the rest are still written).",
    )
    parser.add_argument(
        "--indicators",
        action="append",
        required=True,
        metavar="SOURCE",
        help="STIX bundle, TAXII envelope, Zeek Intel file or plain list; or a TAXII 2.1 collection URL "
        f"(token from ${taxii.TOKEN_VARIABLE}). Repeatable.",
    )
    parser.add_argument("logs", nargs="+", metavar="LOG", help="log file, directory of logs, or - for stdin")
    parser.add_argument("--format", choices=FORMATS, default="auto", help="log format (default: detect)")
    parser.add_argument("--jsonl", metavar="FILE", help="write one JSON line per hit to FILE (- for stdout)")
    parser.add_argument("--sightings", metavar="FILE", help="write a STIX 2.1 bundle of Sightings to FILE")
    parser.add_argument(
        "--identity", metavar="NAME", default="Unnamed stakeholder", help="who saw it (where_sighted_refs)"
    )
    parser.add_argument(
        "--no-warninglists", action="store_true", help="alert on warninglisted values too (default: suppress)"
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


def _load(sources: list[str], err: IO[str]) -> IndicatorCollection | None:
    merged = IndicatorCollection()
    for source in sources:
        try:
            url = taxii.is_collection_url(source)
            collection = taxii.fetch(source) if url else load_path(Path(source))
        except (OSError, ValueError, RuntimeError) as error:
            print(f"lionrock match: cannot load indicators from {source}: {error}", file=err)
            return None
        except Exception as error:  # noqa: BLE001 - TAXII client errors come in many types
            print(f"lionrock match: cannot load indicators from {source}: {error}", file=err)
            return None
        merged.extend(collection)
    return merged


def _describe_index(index: CompiledIndex, err: IO[str]) -> None:
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(index.kinds.items()))
    print(
        f"indicators: {len(index)} loaded, {index.indexed} indexed ({kinds or 'none'}), "
        f"{len(index.slow)} on the slow path, {len(index.refused)} refused, {index.revoked} revoked",
        file=err,
    )
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
    print(f"  suppressed by warninglists: {suppressed}", file=err)
    for name, count in matches.suppressed.most_common(_SHOWN):
        print(f"    {count} x {name}", file=err)
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


def main(argv: list[str] | None = None) -> int:
    """Runs `lionrock match`; returns the exit status."""
    args = build_parser().parse_args(argv)
    err = sys.stderr
    if args.engine == "spark":
        from lionrock.matcher import spark_engine

        if (problem := spark_engine.missing()) is not None:
            print(f"lionrock match: {problem}", file=err)
            return EXIT_FAILED
    collection = _load(args.indicators, err)
    if collection is None:
        return EXIT_FAILED
    index = compile_indicators(collection)
    if not args.no_warninglists and len(index):
        from lionrock.matcher import warninglists

        index.flag_warninglisted(warninglists.screen(index))
    _describe_index(index, err)
    if index.indexed == 0 and not index.slow:
        print("lionrock match: no usable indicators", file=err)
        return EXIT_FAILED
    if args.engine == "spark":
        return spark_engine.command(args, index, err)
    reads, matches, tally = ReadReport(), MatchReport(), SightingTally()
    progress = err.isatty()
    started = last_shown = time.monotonic()
    jsonl_name = args.jsonl if args.jsonl or args.sightings else "-"
    with ExitStack() as stack:
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
                for hits in match_batches(
                    index, read_log(name, reads, args.format), matches, warninglists=not args.no_warninglists
                ):
                    if jsonl is not None:
                        write_jsonl(hits, jsonl)
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
    _summary(reads, matches, index, time.monotonic() - started, err)
    return EXIT_PARTIAL if reads.errors else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
