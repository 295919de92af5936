"""Spark benchmark: Zeek conn events in Parquet against generated indicators, Spark local[1] and local[2]
beside the local engine; events per second and the scaling ratio from one core to two.

Data comes from generate.py (conn log only), converted once to Parquet in row groups of `--row-group`
rows so that Spark has several tasks to share out. Spark start-up is measured apart from matching: it is a
fixed cost per run, not per event. Each Spark master matches twice: the first run also starts Spark's
Python workers (and imports the matcher in them); the second is the steady rate.
Every engine's hit count is checked against the local engine's.

The defaults are the issue's size, 20,000,000 events and 1,000,000 indicators (not yet run at that size);
on a shared machine run it small:

Usage: python benchmarks/matcher/spark_bench.py [--data DIR] [--indicators N] [--conn N] [--row-group N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from lionrock.matcher import compile_indicators, load_indicators, match_batches, read_log  # noqa: E402
from lionrock.matcher.source import ReadReport  # noqa: E402

COLUMNS = ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p")


def prepare(data: Path, indicators: int, conn: int, row_group: int) -> Path:
    """Generates the conn log and indicators (once per size) and writes the conn log as Parquet."""
    parquet = data / "conn.parquet"
    if parquet.exists():
        return parquet
    generate(data, indicators, conn, 0, 0)
    writer: pq.ParquetWriter | None = None
    for batch in read_log(str(data / "conn.log"), ReadReport()):
        table = pa.table({"ts": batch.column("ts"), **{n: batch.column(n) for n in COLUMNS}})
        if writer is None:
            writer = pq.ParquetWriter(parquet, table.schema)
        writer.write_table(table, row_group_size=row_group)
    assert writer is not None
    writer.close()
    return parquet


def local_engine(index: Any, parquet: Path) -> dict[str, Any]:
    started = time.perf_counter()
    hits = sum(t.num_rows for t in match_batches(index, read_log(str(parquet), ReadReport())))
    return {"engine": "local", "seconds": time.perf_counter() - started, "hits": hits}


def spark_engine(index: Any, parquet: Path, master: str) -> dict[str, Any]:
    from lionrock.matcher import spark_engine as engine

    started = time.perf_counter()
    spark = engine.session(master)
    spark.range(1).count()  # the JVM and one Python worker are up
    ready = time.perf_counter()
    hits, _, matches = engine.match_logs(spark, index, [str(parquet)])
    cold = time.perf_counter()
    hits, _, matches = engine.match_logs(spark, index, [str(parquet)])  # Python workers already up
    warm = time.perf_counter()
    spark.stop()
    return {
        "engine": f"spark {master}",
        "startup_seconds": ready - started,
        "first_run_seconds": cold - ready,
        "seconds": warm - cold,
        "hits": hits.num_rows,
        "events": matches.events,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "out" / "spark-data")
    parser.add_argument("--indicators", type=int, default=1_000_000)
    parser.add_argument("--conn", type=int, default=20_000_000)
    parser.add_argument("--row-group", type=int, default=1_000_000)
    args = parser.parse_args()
    data = args.data / f"{args.indicators}-{args.conn}"
    data.mkdir(parents=True, exist_ok=True)
    parquet = prepare(data, args.indicators, args.conn, args.row_group)
    started = time.perf_counter()
    index = compile_indicators(load_indicators(data / "indicators.json"))
    compile_seconds = time.perf_counter() - started
    runs = [local_engine(index, parquet), spark_engine(index, parquet, "local[1]")]
    runs.append(spark_engine(index, parquet, "local[2]"))
    for run in runs:
        run["events_per_second"] = args.conn / run["seconds"]
        assert run["hits"] == runs[0]["hits"], f"{run['engine']} found {run['hits']}, local {runs[0]['hits']}"
    result = {
        "events": args.conn,
        "indicators": args.indicators,
        "row_groups": pq.ParquetFile(parquet).num_row_groups,
        "compile_seconds": compile_seconds,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "runs": runs,
        "scaling_local2_over_local1": runs[1]["seconds"] / runs[2]["seconds"],
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "spark.json").write_text(json.dumps(result, indent=2))
    print(f"{args.conn:,} conn events, {args.indicators:,} indicators, {result['row_groups']} row groups")
    for run in runs:
        start = (
            f", start-up {run['startup_seconds']:.1f} s, first run {run['first_run_seconds']:.1f} s"
            if "startup_seconds" in run
            else ""
        )
        print(
            f"  {run['engine']:<16} {run['seconds']:8.1f} s  {run['events_per_second']:>12,.0f} events/s"
            f"  {run['hits']} hits{start}"
        )
    print(f"  scaling local[2] / local[1]: {result['scaling_local2_over_local1']:.2f}x")
    print(f"  load average during the run: {result['load_average']}")


if __name__ == "__main__":
    main()
