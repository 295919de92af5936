"""`lionrock match --engine spark`: the same matching function, run by Apache Spark over many machines.

The compiled index is broadcast once (each executor unpickles it once and keeps it for every task), and
`mapInArrow` hands Arrow record batches to `match_batch` unchanged, so a hit on Spark is the hit the local
engine reports. Two kinds of input:

* Parquet tables of logs (local paths, or any URI Spark reads: `s3a://`, `hdfs://`, `abfss://`) are read
  by Spark's own Parquet reader and split by row group; a hit's line is its 1-based row in its file.
* Text logs (Zeek TSV and JSON, Suricata EVE, web server, DNS, nfdump, CEF; gzip or not) are read whole by
  one task each with the local readers, so line numbers and bad lines are exactly the local engine's. A
  file must be readable at the same path on every executor (local mode, or a shared mount).

Hits come back to the driver (they are few next to the events); `match_dataframe` gives them as a Spark
DataFrame instead, for writing straight to the data lake. Spark runs offline: nothing is downloaded at run
time, and in local mode it binds to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import pyarrow as pa
import pyarrow.compute as pc

from lionrock.matcher.counts import MatchReport
from lionrock.matcher.index import CompiledIndex
from lionrock.matcher.loading import Prepared
from lionrock.matcher.matching import HIT_SCHEMA, match_batch
from lionrock.matcher.source import Problem, ReadReport

if TYPE_CHECKING:
    from pyspark import Broadcast
    from pyspark.sql import DataFrame, SparkSession

JAVA_PACKAGE = "openjdk-17-jre-headless"
DEFAULT_MASTER = "local[*]"
SOURCE_COLUMN = "_source"
LINE_COLUMN = "_line"
HIT_DDL = (
    "indicator string, value string, observed string, field string, source string, line bigint, "
    "time timestamp, kind string"
)
_OUT_DDL = HIT_DDL + ", report string"
_OUT_SCHEMA = HIT_SCHEMA.append(pa.field("report", pa.string()))
_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def missing(environ: Mapping[str, str] | None = None) -> str | None:
    """What must be installed before Spark can run here, in words to act on; `None` when all is there."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return (
            "PySpark is not installed: install lionrock with its spark extra "
            "(pip install 'lionrock[spark]', or uv sync --extra spark)"
        )
    env = os.environ if environ is None else environ
    install = (
        f"on Debian or Ubuntu run `apt-get install -y --no-install-recommends {JAVA_PACKAGE}` "
        "(or set JAVA_HOME to a Java 17 or later runtime)"
    )
    home = env.get("JAVA_HOME")
    java = str(Path(home, "bin", "java")) if home else shutil.which("java", path=env.get("PATH", ""))
    if not java or not Path(java).is_file():
        return f"Spark needs Java 17, which is not installed: {install}"
    try:
        shown = subprocess.run(  # noqa: S603 - the java found above, no shell
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Spark needs Java 17, and {java} does not run ({error}): {install}"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    major = int(found[1]) if found else 0
    if major == 1 and found and found[2]:  # "1.8.0" is Java 8
        major = int(found[2])
    if major < 17:
        return f"Spark needs Java 17 or later, {java} is Java {major or 'unknown'}: {install}"
    return None


def session(master: str | None = DEFAULT_MASTER) -> SparkSession:
    """The Spark session of a run: offline, UTC, and in local mode bound to 127.0.0.1 only.

    With no master, spark-submit's `--master` when run under it, else `local[*]`. An already active
    session (a notebook's, a test's) is used as it is.
    """
    from pyspark.sql import SparkSession

    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not started by spark-submit
        master = DEFAULT_MASTER
    builder = SparkSession.builder.appName("lionrock match")
    if master is not None:
        builder = builder.master(master)
    builder = (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
        .config("spark.ui.showConsoleProgress", "false")
    )
    if master is not None and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.pyspark.python", sys.executable)
            .config("spark.pyspark.driver.python", sys.executable)
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# -- on the executors -------------------------------------------------------------------------------------


def _hit_batches(hits: pa.Table) -> Iterator[pa.RecordBatch]:
    if hits.num_rows == 0:
        return
    reports = pa.nulls(hits.num_rows, pa.string())
    yield from hits.append_column("report", reports).combine_chunks().to_batches()


def _report_batch(matches: MatchReport, reads: ReadReport | None) -> pa.RecordBatch:
    text = json.dumps({"matches": _match_state(matches), "reads": _read_state(reads) if reads else None})
    arrays = [pa.nulls(1, f.type) for f in HIT_SCHEMA] + [pa.array([text], pa.string())]
    return pa.RecordBatch.from_arrays(arrays, schema=_OUT_SCHEMA)


def _match_tables(
    batches: Iterator[pa.RecordBatch],
    *,
    broadcast: Broadcast[CompiledIndex],
    names: list[str],
    sources: dict[str, str],
    default_source: str,
    warninglists: bool,
) -> Iterator[pa.RecordBatch]:
    """mapInArrow over table rows: normalise each batch per source file, match it, then one report row."""
    from lionrock.matcher import tables

    index = broadcast.value
    report = MatchReport()
    for batch in batches:
        table = pa.Table.from_batches([pa.RecordBatch.from_arrays(batch.columns, names=names)])
        if SOURCE_COLUMN in names:
            source_column = table.column(SOURCE_COLUMN)
            groups = [str(v) for v in pc.unique(source_column).to_pylist() if v is not None]
        else:
            groups = [default_source]
        for group in groups:
            part = table if len(groups) == 1 else table.filter(pc.equal(table.column(SOURCE_COLUMN), group))
            lines = (
                part.column(LINE_COLUMN).combine_chunks()
                if LINE_COLUMN in names
                else pa.nulls(part.num_rows, pa.int64())
            )
            events = part.drop_columns([n for n in (SOURCE_COLUMN, LINE_COLUMN) if n in names])
            normal = tables.normalise(events, source=_source_name(group, sources), lines=lines)
            yield from _hit_batches(match_batch(index, normal, report, warninglists=warninglists))
    yield _report_batch(report, None)


def _match_files(
    batches: Iterator[pa.RecordBatch], *, broadcast: Broadcast[CompiledIndex], fmt: str, warninglists: bool
) -> Iterator[pa.RecordBatch]:
    """mapInArrow over file names: each text log read whole with the local readers, then its report."""
    from lionrock.matcher.readers import UnknownFormat, read_log

    index = broadcast.value
    for batch in batches:
        for name in batch.column(1).to_pylist():
            reads, matches = ReadReport(), MatchReport()
            try:
                for normal in read_log(name, reads, fmt):
                    yield from _hit_batches(match_batch(index, normal, matches, warninglists=warninglists))
            except UnknownFormat as error:
                reads.error(name, 0, str(error))
            except (OSError, UnicodeError) as error:
                reads.error(name, 0, f"cannot read: {error}")
            yield _report_batch(matches, reads)


def _source_name(path: str, sources: Mapping[str, str]) -> str:
    """The name a file was given on the command line, for the file URI Spark reports."""
    if path in sources:
        return sources[path]
    parsed = urlparse(path)
    if parsed.scheme == "file":
        return sources.get(unquote(parsed.path), unquote(parsed.path))
    return path


# -- reports ----------------------------------------------------------------------------------------------


def _match_state(report: MatchReport) -> dict[str, Any]:
    return {
        "events": report.events,
        "hits": dict(report.hits),
        "suppressed": dict(report.suppressed),
        # JSON keys are text: the indicator positions go as strings and come back as ints in _merge.
        "suppressed_indicators": {str(k): v for k, v in report.suppressed_indicators.items()},
        "outside_validity": report.outside_validity,
        "slow_candidates": report.slow_candidates,
        "slow_hits": report.slow_hits,
    }


def _read_state(report: ReadReport) -> dict[str, Any]:
    return {
        "events": dict(report.events),
        "bad_lines": report.bad_lines,
        "problems": [[p.source, p.line, p.reason] for p in report.problems],
        "errors": [[p.source, p.line, p.reason] for p in report.errors],
        "notices": [[p.source, p.line, p.reason] for p in report.notices],
        "files": report.files,
    }


def _merge(state: dict[str, Any], matches: MatchReport, reads: ReadReport) -> None:
    found = state["matches"]
    matches.events += found["events"]
    matches.hits.update(found["hits"])
    matches.suppressed.update(found["suppressed"])
    matches.suppressed_indicators.update(
        {int(k): v for k, v in found.get("suppressed_indicators", {}).items()}
    )
    matches.outside_validity += found["outside_validity"]
    matches.slow_candidates += found["slow_candidates"]
    matches.slow_hits += found["slow_hits"]
    read = state["reads"]
    if read is None:
        return
    reads.events.update(read["events"])
    reads.bad_lines += read["bad_lines"]
    reads.files += read["files"]
    for kept, problems in (
        (reads.problems, read["problems"]),
        (reads.errors, read["errors"]),
        (reads.notices, read["notices"]),
    ):
        kept.extend(Problem(*p) for p in problems)


# -- on the driver ----------------------------------------------------------------------------------------


def parquet_dataframe(spark: SparkSession, paths: Sequence[str]) -> DataFrame:
    """Parquet log tables as a DataFrame carrying each row's file (`_source`) and 1-based row (`_line`)."""
    from pyspark.sql import functions as sf

    frame = spark.read.option("mergeSchema", "true").parquet(*paths)
    return frame.select(
        "*",
        sf.col("_metadata.file_path").alias(SOURCE_COLUMN),
        (sf.col("_metadata.row_index") + 1).alias(LINE_COLUMN),
    )


def _with_reports(
    frame: DataFrame, index: CompiledIndex, *, sources: dict[str, str], source: str, warninglists: bool
) -> DataFrame:
    spark = frame.sparkSession
    broadcast = spark.sparkContext.broadcast(index)
    names = list(frame.columns)
    safe = frame.toDF(*[f"c{i}" for i in range(len(names))])  # dotted names (id.orig_h) confuse Spark
    work = partial(
        _match_tables,
        broadcast=broadcast,
        names=names,
        sources=sources,
        default_source=source,
        warninglists=warninglists,
    )
    return safe.mapInArrow(work, _OUT_DDL)


def match_dataframe(
    frame: DataFrame, index: CompiledIndex, *, source: str = "dataframe", warninglists: bool = True
) -> DataFrame:
    """Every hit in a Spark DataFrame of log events, as a DataFrame of hits (the JSON line's columns + kind).

    Columns are matched by their names, as in a Parquet log table (see `lionrock.matcher.tables`). A
    `_source` and a `_line` column, when present (`parquet_dataframe` adds them), give each hit its file
    and row; otherwise hits carry `source` and no line. Nothing runs until the result is used.
    """
    from pyspark.sql import functions as sf

    hits = _with_reports(frame, index, sources={}, source=source, warninglists=warninglists)
    return hits.where(sf.col("report").isNull()).drop("report")


def _is_parquet(name: str, fmt: str) -> bool:
    if fmt == "parquet" or _URI.match(name):
        return True
    if fmt != "auto" or name == "-":
        return False
    from lionrock.matcher.readers import detect
    from lionrock.matcher.source import read_head_whole

    try:
        return detect(read_head_whole(name, 4)[0]) == "parquet"
    except OSError:
        return False


def match_logs(
    spark: SparkSession,
    index: CompiledIndex,
    names: Sequence[str],
    *,
    fmt: str = "auto",
    warninglists: bool = True,
) -> tuple[pa.Table, ReadReport, MatchReport]:
    """Matches log files and Parquet tables on Spark; the hits (`HIT_SCHEMA`) and the reports of the run."""
    reads, matches = ReadReport(), MatchReport()
    parquet = [name for name in names if _is_parquet(name, fmt)]
    text = [name for name in names if name not in parquet]
    if "-" in text:
        reads.error("-", 0, "standard input cannot be shared out to Spark: give files")
        text.remove("-")
    frames: list[tuple[bool, DataFrame]] = []
    if parquet:
        sources: dict[str, str] = {}
        for name in parquet:
            if not _URI.match(name):
                sources[str(Path(name).absolute())] = name
                sources[str(Path(name).resolve())] = name
        tables = parquet_dataframe(spark, parquet)
        frames.append(
            (True, _with_reports(tables, index, sources=sources, source="", warninglists=warninglists))
        )
    if text:
        broadcast = spark.sparkContext.broadcast(index)
        files = spark.createDataFrame(list(enumerate(text)), "n bigint, name string")
        slices = max(1, min(len(text), spark.sparkContext.defaultParallelism))
        work = partial(_match_files, broadcast=broadcast, fmt=fmt, warninglists=warninglists)
        frames.append((False, files.repartitionByRange(slices, "n").mapInArrow(work, _OUT_DDL)))
    pieces: list[pa.Table] = []
    for is_parquet, frame in frames:
        before = matches.events
        out = frame.toArrow()
        is_report = pc.is_valid(out.column("report"))
        for state in out.filter(is_report).column("report").to_pylist():
            _merge(json.loads(state), matches, reads)
        if is_parquet:
            reads.files += len(parquet)
            reads.events["parquet"] += matches.events - before
        pieces.append(out.filter(pc.invert(is_report)).drop_columns(["report"]).cast(HIT_SCHEMA))
    hits = pa.concat_tables(pieces) if pieces else HIT_SCHEMA.empty_table()
    return hits, reads, matches


def command(
    args: argparse.Namespace,
    prepared: Prepared,
    err: IO[str],
    *,
    finish: Callable[[argparse.Namespace, Prepared, ReadReport, MatchReport, float, IO[str]], int],
) -> int:
    """`lionrock match --engine spark`, after the indicators are compiled: match, write, summarise.

    `finish` is the command's own ending (summary, report file, exit status), passed in so the engine
    does not import the command that imports it.
    """
    from lionrock.matcher.exit_status import EXIT_FAILED

    index = prepared.index
    from lionrock.matcher.output import SightingTally, sightings_bundle, write_jsonl
    from lionrock.matcher.source import expand_paths

    started = time.monotonic()
    spark = session(args.spark_master)
    print(f"spark: {spark.version} on {spark.sparkContext.master}", file=err)
    names: list[str] = []
    for name in args.logs:
        names.extend([name] if _URI.match(name) else expand_paths([name]))
    hits, reads, matches = match_logs(
        spark, index, names, fmt=args.format, warninglists=not args.no_warninglists
    )
    if hits.num_rows > 1:
        order = {name: n for n, name in enumerate(names)}
        rank = pa.array([order.get(s, len(order)) for s in hits.column("source").to_pylist()], pa.int64())
        hits = hits.append_column("_order", rank).sort_by([("_order", "ascending"), ("line", "ascending")])
        hits = hits.drop_columns(["_order"])
    jsonl_name = args.jsonl if args.jsonl or args.sightings else "-"
    try:
        if jsonl_name == "-":
            write_jsonl(hits, sys.stdout)
            sys.stdout.flush()
        elif jsonl_name:
            with Path(jsonl_name).open("w", encoding="utf-8") as stream:
                write_jsonl(hits, stream)
    except OSError as error:
        print(f"lionrock match: cannot write {jsonl_name}: {error}", file=err)
        return EXIT_FAILED
    if args.sightings:
        tally = SightingTally()
        tally.add(hits)
        try:
            Path(args.sightings).write_text(
                json.dumps(sightings_bundle(tally, args.identity), indent=2) + "\n", encoding="utf-8"
            )
        except OSError as error:
            print(f"lionrock match: cannot write {args.sightings}: {error}", file=err)
            return EXIT_FAILED
    return finish(args, prepared, reads, matches, time.monotonic() - started, err)
