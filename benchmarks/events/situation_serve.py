"""The incident list, the situation board and the daily report as users get them: HTTP from `lionrock serve`.

The data is situation_bench.py's (built once per size into benchmarks/data/events/<incidents>-<sightings>/,
or the PostgreSQL database DATABASE_URL names, and reused). Before the server starts, the planner's
statistics are left as a deployment has them: on SQLite the worker's sampled refresh
(core.shell.planner, run once here), on PostgreSQL what autovacuum would have gathered (VACUUM ANALYZE).

It starts the real command `lionrock serve --workers 2` (web and task worker), signs in the CERT's incident
handler and the policy office's analyst (the event's organiser, a coordinator) by session cookie, and
times each page --runs times after a warm-up:

* GET /incidents/ as the handler (every incident the CERT handles: the 50 newest), and with ?status=open;
* GET /incidents/ as the policy office (only the incidents shared with it);
* GET /events/<event>/watch/board/ (the htmx partial the watch page polls) as the policy office and the CERT;
* GET /events/<event>/watch/ (the whole watch page) as the policy office;
* GET /events/<event>/sitrep/<day>/ (the bilingual PDF), fewer runs.

Each row gives the median and p95 wall milliseconds over loopback (what the browser waits, less the
network), and the CPU milliseconds the whole server process tree spent per request (load-independent).
The machine's load average is printed at the start and the end: a busy machine stretches wall time.

Usage:
  uv run python benchmarks/events/situation_serve.py --incidents 100000 --sightings 1000000 [--runs 30]
  DATABASE_URL=postgres://... uv run python benchmarks/events/situation_serve.py ...
Writes benchmarks/out/events-serve-<incidents>-<sightings>-<database>.md and prints it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "benchmarks" / "out"
DAY = "2025-11-10"
WARM_UP = 10


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


situation_bench = _load("situation_bench", HERE / "situation_bench.py")
intel_serve = _load("intel_serve_bench", ROOT / "benchmarks" / "intel" / "serve_bench.py")


def prepare(incidents: int, sightings: int) -> tuple[Path, dict[str, str]]:
    """Builds the data if absent, leaves deployment-like statistics, and signs the two readers in."""
    data_dir = situation_bench.django_setup(incidents, sightings)
    situation_bench.build(incidents, sightings)

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from lionrock.core.accounts.models import User
    from lionrock.core.shell.planner import planner_statistics_refresh

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        planner_statistics_refresh()
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    cookies = {}
    for local in ("handler", "analyst"):
        client = Client()
        client.force_login(User.objects.get(email=f"{local}@bench.test"))
        cookies[local] = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies["__name__"] = settings.SESSION_COOKIE_NAME
    connection.close()
    return data_dir, cookies


def timed(session: Any, url: str, runs: int, root: int, kind: str = "text/html") -> dict[str, Any]:
    # Warm-up: every serving thread (2 workers x 4) opens its database connection once and keeps it for
    # a minute, as it does for a board polled all day; a single warm-up would charge those openings to
    # the timed requests.
    for _ in range(WARM_UP):
        first = session.get(url, timeout=300, allow_redirects=False)
        if first.status_code != 200 or kind not in first.headers.get("Content-Type", ""):
            raise RuntimeError(f"{url} answered {first.status_code} {first.headers.get('Content-Type')}")
    samples: list[float] = []
    cpu_started = intel_serve.tree_cpu_seconds(root)
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = session.get(url, timeout=300, allow_redirects=False)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        size = len(response.content)
    cpu_ms = (intel_serve.tree_cpu_seconds(root) - cpu_started) * 1000 / runs
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "cpu_ms": round(cpu_ms, 1),
        "bytes": size,
    }


def run(args: argparse.Namespace) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, str]]:
    import requests

    data_dir, cookies = prepare(args.incidents, args.sightings)
    port = intel_serve.free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LIONROCK_DATA_DIR": str(data_dir),
        "LIONROCK_REQUIRE_MFA": "0",
        "LIONROCK_LOG_LEVEL": "WARNING",
    }
    env.pop("LIONROCK_TASKS_IMMEDIATE", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    facts = {"load_at_start": intel_serve.load_average()}
    server = subprocess.Popen(
        [sys.executable, "-m", "lionrock.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: list[tuple[str, dict[str, Any]]] = []
    try:
        intel_serve.wait_ready(base, server, 600)
        name = cookies.pop("__name__")
        sessions = {}
        for local, cookie in cookies.items():
            session = requests.Session()
            session.cookies.set(name, cookie)
            sessions[local] = session
        event = f"{base}/events/bench-games"
        pages = [
            ("incident list, CERT handler (50 newest)", "handler", f"{base}/incidents/", args.runs),
            (
                "incident list, CERT handler, open only",
                "handler",
                f"{base}/incidents/?status=open",
                args.runs,
            ),
            ("incident list, policy office (shared with it)", "analyst", f"{base}/incidents/", args.runs),
            ("situation board (htmx partial), policy office", "analyst", f"{event}/watch/board/", args.runs),
            ("situation board (htmx partial), CERT", "handler", f"{event}/watch/board/", args.runs),
            ("watch page (board, log, roster), policy office", "analyst", f"{event}/watch/", args.runs),
        ]
        for label, who, url, runs in pages:
            results.append((label, timed(sessions[who], url, runs, server.pid)))
        pdf_runs = max(3, args.runs // 5)
        results.append(
            (
                f"daily situation report PDF ({DAY}), policy office",
                timed(sessions["analyst"], f"{event}/sitrep/{DAY}/", pdf_runs, server.pid, "application/pdf"),
            )
        )
        facts["load_at_end"] = intel_serve.load_average()
        return results, facts
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--sightings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results, facts = run(args)
    database = situation_bench.vendor()
    lines = [
        f"# `lionrock serve --workers {args.workers}` on {database}: {args.incidents:,} incidents, "
        f"{args.sightings:,} sightings",
        "",
        f"{platform.platform()}, Python {platform.python_version()}, "
        f"{datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC; "
        f"load average {facts['load_at_start']} at the start, {facts.get('load_at_end', '?')} at the end "
        f"(2 cores); median of {args.runs} requests after {WARM_UP} warm-up requests "
        f"(the PDF: {max(3, args.runs // 5)}).",
        "",
        "| page | median ms | p95 ms | server CPU ms | bytes |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {label} | {r['median_ms']} | {r['p95_ms']} | {r['cpu_ms']} | {r['bytes']:,} |"
            for label, r in results
        ),
        "",
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"events-serve-{args.incidents}-{args.sightings}-{database}.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
