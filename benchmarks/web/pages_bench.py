"""Signed-in pages as users get them: every page of every demo persona, through `lionrock serve --demo`.

Starts the real command on a fresh data directory under /tmp (see demo_server.py), signs in as each demo
persona through the sign-in form, finds the pages the persona's menu leads to plus up to two record pages
each of those links to (intel object, incident, event, drill, operation, screening case, release...), and
requests each one --runs times after a warm-up, one request at a time, once the server is at rest (its
task worker done with what it does on a first start). For each (persona, page) it prints
the median of the server's own time (the `Server-Timing` header the platform sets on each response: from
the request reaching the application to its response being ready), the median and p95 wall milliseconds
as this client sees them (the server time plus HTTP on loopback and the client's own work, 1-4 ms), and
the CPU milliseconds the whole server tree spent per request
(on PostgreSQL also the database server's: the run's own database's connections and the shared writers);
the machine's load average is printed at start and end (a loaded machine stretches wall time, not CPU).

Usage:
  uv run python benchmarks/web/pages_bench.py [--runs 15] [--personas analyst@lionrock.test,...]
Writes benchmarks/out/pages.json (pages-postgresql.json with DATABASE_URL) and prints a markdown table,
slowest first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_server import (
    ROOT,
    demo_server,
    load_average,
    persona_pages,
    postgres_cpu_seconds,
    sign_in,
    tree_cpu_seconds,
    tree_cpu_settled,
    tree_memory_mb,
    tree_memory_settled_mb,
)

OUT = ROOT / "benchmarks" / "out"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(len(ordered) * share) - 1)]


def server_time_ms(answer: requests.Response) -> float:
    """The application's own time for one page, from each response's `Server-Timing: app;dur=<ms>`
    header: a page reached through a redirect (a drill participant's exercise link) counts both."""
    total = 0.0
    for response in [*answer.history, answer]:
        for metric in response.headers.get("Server-Timing", "").split(","):
            name, _, duration = metric.strip().partition(";dur=")
            if name == "app":
                total += float(duration)
                break
        else:
            raise SystemExit("the server sent no Server-Timing header: is this an older Lionrock?")
    return total


def measure(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"load_at_start": load_average(), "pages": []}
    on_postgresql = bool(os.environ.get("DATABASE_URL"))
    with demo_server(
        workers=args.workers, copy_of=args.copy_of, database_template=args.database_template
    ) as server:
        results["start_s"] = server.started_s
        time.sleep(args.settle)
        results["memory_at_rest"] = tree_memory_settled_mb(server.pid)
        results["quiet_after_s"] = tree_cpu_settled(server.pid)
        chosen = set(args.personas.split(",")) if args.personas else None
        for email, roles in server.accounts:
            if chosen and email not in chosen:
                continue
            session = sign_in(server.base, email, server.password)
            pages = persona_pages(server.base, session)
            for page, path in pages.items():
                url = f"{server.base}{path}"
                status = session.get(url, timeout=60).status_code  # warm-up
                samples = []
                server_samples = []
                cpu_started = tree_cpu_seconds(server.pid)
                database_started = postgres_cpu_seconds(server.database) if on_postgresql else 0.0
                for _ in range(args.runs):
                    started = time.perf_counter()
                    answer = session.get(url, timeout=60)
                    samples.append((time.perf_counter() - started) * 1000)
                    server_samples.append(server_time_ms(answer))
                    status = answer.status_code
                cpu_ms = (tree_cpu_seconds(server.pid) - cpu_started) * 1000 / args.runs
                database_ms = (postgres_cpu_seconds(server.database) - database_started) * 1000 / args.runs
                results["pages"].append(
                    {
                        "persona": email,
                        "roles": roles,
                        "page": page,
                        "path": path,
                        "status": status,
                        "server_ms": round(statistics.median(server_samples), 1),
                        "median_ms": round(statistics.median(samples), 1),
                        "p95_ms": round(percentile(samples, 0.95), 1),
                        "cpu_ms": round(cpu_ms, 1),
                        "database_cpu_ms": round(database_ms, 1) if on_postgresql else None,
                    }
                )
        results["memory_after"] = tree_memory_mb(server.pid)
    results["load_at_end"] = load_average()
    return results


def report(results: dict[str, Any], target_ms: float) -> str:
    pages = sorted(results["pages"], key=lambda entry: -entry["server_ms"])
    server = [entry["server_ms"] for entry in pages]
    walls = sorted((entry["median_ms"] for entry in pages), reverse=True)
    rest = results["memory_at_rest"]
    lines = [
        f"`lionrock serve --demo`, {len(pages)} (persona, page) pairs; "
        f"load {results['load_at_start']} -> {results['load_at_end']}",
        f"server time: median of medians {statistics.median(server):.1f} ms; slowest {server[0]:.1f} ms; "
        f"{sum(ms > target_ms for ms in server)} over {target_ms:g} ms",
        f"wall time at the client: median of medians {statistics.median(walls):.1f} ms; slowest "
        f"{walls[0]:.1f} ms; {sum(ms > target_ms for ms in walls)} over {target_ms:g} ms",
        f"memory at rest: RSS {rest['rss_mb']} MB, PSS {rest['pss_mb']} MB over {len(rest['processes'])} "
        f"processes; after: RSS {results['memory_after']['rss_mb']} MB, "
        f"PSS {results['memory_after']['pss_mb']} MB",
        "",
        "| persona | page | status | server ms | wall ms | wall p95 ms | server CPU ms | PostgreSQL CPU ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    database_cpu = [entry["database_cpu_ms"] for entry in pages if entry.get("database_cpu_ms") is not None]
    if database_cpu:
        lines.insert(
            4,
            f"PostgreSQL server CPU per request: median {statistics.median(database_cpu):.1f} ms, "
            f"total over the pairs {sum(database_cpu):.0f} ms",
        )
    for entry in pages:
        database = entry.get("database_cpu_ms")
        lines.append(
            f"| {entry['persona']} | {entry['page']} | {entry['status']} | {entry['server_ms']} | "
            f"{entry['median_ms']} | "
            f"{entry['p95_ms']} | {entry['cpu_ms']} | {'' if database is None else database} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--personas", default="", help="comma-separated e-mails (default: every persona)")
    parser.add_argument("--workers", type=int, default=0, help="web workers (default: the command's own)")
    parser.add_argument(
        "--database-template",
        default=None,
        help="with DATABASE_URL: the database a demo build filled (with --copy-of its data directory)",
    )
    parser.add_argument(
        "--copy-of", type=Path, default=None, help="start from a copy of this demo data directory"
    )
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before reading memory")
    parser.add_argument("--target-ms", type=float, default=25.0)
    args = parser.parse_args()
    results = measure(args)
    OUT.mkdir(parents=True, exist_ok=True)
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    results["database"] = database
    suffix = "" if database == "sqlite" else f"-{database}"
    (OUT / f"pages{suffix}.json").write_text(json.dumps(results, indent=1))
    print(report(results, args.target_ms))


if __name__ == "__main__":
    main()
