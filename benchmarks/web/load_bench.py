"""Fifty signed-in users with no think time against `lionrock serve --demo` on 127.0.0.1, for a bounded time.

Starts the real command on a fresh data directory (see demo_server.py). Each simulated user signs in as
one of the demo personas (round robin over them) through the sign-in form, then requests that persona's
pages (home, its menu, the first records those link to) one after another, with no pause, for --seconds
after a --warmup. Sign-in and warm-up are outside the measured window.

Prints requests per second, median/p95/p99 wall milliseconds, errors (transport failures and any status
>= 400), the server tree's CPU seconds (and per request), the client's own CPU seconds (it shares the
machine), and the load average at start and end.

Usage:
  uv run python benchmarks/web/load_bench.py [--users 50] [--seconds 30] [--warmup 5] [--workers 2]
Writes benchmarks/out/load.json (load-postgresql.json with DATABASE_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests
from demo_server import (
    ROOT,
    demo_server,
    load_average,
    persona_pages,
    sign_in,
    tree_cpu_seconds,
    tree_cpu_settled,
    tree_memory_mb,
    tree_memory_settled_mb,
)

OUT = ROOT / "benchmarks" / "out"


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"users": args.users, "seconds": args.seconds}
    with demo_server(
        workers=args.workers, copy_of=args.copy_of, database_template=args.database_template
    ) as server:
        time.sleep(2)
        results["memory_at_rest"] = {
            k: v for k, v in tree_memory_settled_mb(server.pid).items() if k != "processes"
        }
        results["quiet_after_s"] = tree_cpu_settled(server.pid)
        personas = server.accounts
        pages: dict[str, list[str]] = {}
        sessions: list[tuple[requests.Session, list[str]]] = []
        for n in range(args.users):
            email = personas[n % len(personas)][0]
            session = sign_in(server.base, email, server.password)
            if email not in pages:
                pages[email] = list(persona_pages(server.base, session).values())
            sessions.append((session, pages[email]))
        results["distinct_pages"] = sum(len(paths) for paths in pages.values())

        phase = {"measure": False, "stop": False}
        samples: list[list[float]] = [[] for _ in sessions]
        errors: list[list[str]] = [[] for _ in sessions]

        def user(index: int) -> None:
            session, paths = sessions[index]
            step = index  # users of one persona start on different pages
            while not phase["stop"]:
                path = paths[step % len(paths)]
                step += 1
                started = time.perf_counter()
                problem = ""
                try:
                    answer = session.get(f"{server.base}{path}", timeout=60, allow_redirects=False)
                    if answer.status_code >= 400:
                        problem = f"{answer.status_code} {path}"
                except requests.RequestException as exc:
                    problem = f"{type(exc).__name__} {path}"
                elapsed = (time.perf_counter() - started) * 1000
                if phase["measure"] and not phase["stop"]:
                    samples[index].append(elapsed)
                    if problem:
                        errors[index].append(problem)

        threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(len(sessions))]
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        results["load_at_start"] = load_average()
        cpu_started = tree_cpu_seconds(server.pid)
        client_started = client_cpu_seconds()
        phase["measure"] = True
        started = time.perf_counter()
        time.sleep(args.seconds)
        phase["stop"] = True
        elapsed = time.perf_counter() - started
        server_cpu = tree_cpu_seconds(server.pid) - cpu_started
        client_cpu = client_cpu_seconds() - client_started
        results["load_at_end"] = load_average()
        for thread in threads:
            thread.join(timeout=65)
        results["memory_after"] = {k: v for k, v in tree_memory_mb(server.pid).items() if k != "processes"}
    every = sorted(sample for per_user in samples for sample in per_user)
    problems = [problem for per_user in errors for problem in per_user]
    results.update(
        {
            "requests": len(every),
            "requests_per_s": round(len(every) / elapsed, 1),
            "p50_ms": round(statistics.median(every), 1),
            "p95_ms": round(every[int(len(every) * 0.95) - 1], 1),
            "p99_ms": round(every[int(len(every) * 0.99) - 1], 1),
            "max_ms": round(every[-1], 1),
            "errors": len(problems),
            "error_examples": sorted(set(problems))[:10],
            "server_cpu_s": round(server_cpu, 2),
            "server_cpu_ms_per_request": round(server_cpu * 1000 / max(1, len(every)), 1),
            "client_cpu_s": round(client_cpu, 2),
        }
    )
    return results


def report(results: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"{results['users']} signed-in users, no think time, {results['seconds']} s measured, "
            f"{results['distinct_pages']} distinct (persona, page) pairs; "
            f"load {results['load_at_start']} -> {results['load_at_end']}",
            f"{results['requests']:,} requests: {results['requests_per_s']} requests/s; "
            f"p50 {results['p50_ms']} ms, p95 {results['p95_ms']} ms, p99 {results['p99_ms']} ms, "
            f"max {results['max_ms']} ms; errors {results['errors']} {results['error_examples']}",
            f"server CPU {results['server_cpu_s']} s "
            f"({results['server_cpu_ms_per_request']} ms per request); "
            f"client CPU {results['client_cpu_s']} s",
            f"memory of the server tree: at rest RSS {results['memory_at_rest']['rss_mb']} MB "
            f"(PSS {results['memory_at_rest']['pss_mb']} MB), "
            f"after RSS {results['memory_after']['rss_mb']} MB "
            f"(PSS {results['memory_after']['pss_mb']} MB)",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=0, help="web workers (default: the command's own)")
    parser.add_argument(
        "--database-template",
        default=None,
        help="with DATABASE_URL: the database a demo build filled (with --copy-of its data directory)",
    )
    parser.add_argument(
        "--copy-of", type=Path, default=None, help="start from a copy of this demo data directory"
    )
    args = parser.parse_args()
    results = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    results["database"] = database
    suffix = "" if database == "sqlite" else f"-{database}"
    (OUT / f"load{suffix}.json").write_text(json.dumps(results, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()
