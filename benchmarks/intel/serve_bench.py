"""The TAXII store as users get it: `lionrock serve` (web and worker, as the README starts it) over HTTP.

For one size of stored objects (data from taxii_generate.py, whose statistics are then removed so the
server starts as a deployment would: nothing has run ANALYZE by hand), it starts the real command
`lionrock serve --workers 2`, waits until /healthz reports the worker alive, and measures as a stakeholder:

* GET first page (limit=1000), GET an object by id, its versions, and objects/?match[id]=X: median and p95
  wall milliseconds over --runs requests, beside the CPU milliseconds the whole server spent per request;
* a push of --push fresh indicators in envelopes of 1,000: each POST is answered 202 with a pending
  status, and the clock stops when every status reads `complete` (objects/s end to end, through the
  worker), beside the CPU seconds of the whole process tree;
* the resident memory (RSS) of the whole process tree at rest, before and after the workload;
* the machine's load average at start and end (a loaded machine stretches wall time, not CPU time).

Usage:
  uv run python benchmarks/intel/serve_bench.py --objects 100000 [--runs 30] [--push 10000]
  DATABASE_URL=postgres://... uv run python benchmarks/intel/serve_bench.py --objects 100000 [--checkpoint]
Writes benchmarks/out/serve-<database>-<objects>.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out"
DATA = ROOT / "benchmarks" / "data" / "intel"
MEDIA = "application/taxii+json;version=2.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_tree(root: int) -> list[int]:
    """The root and every descendant, read from /proc (gunicorn master, its workers, the task worker)."""
    found = [root]
    index = 0
    while index < len(found):
        pid = found[index]
        index += 1
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                found.extend(int(child) for child in children)
        except OSError:
            continue
    return found


def _stat_fields(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of the live tree: the load-independent cost of what the server did."""
    total = 0.0
    for pid in process_tree(root):
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def tree_rss_mb(root: int) -> tuple[float, int]:
    total = 0
    pids = process_tree(root)
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return round(total / 1024 / 1024, 1), len(pids)


def cpu_by_role(root: int) -> dict[str, float]:
    """CPU seconds of the task worker and of the web processes (gunicorn master and workers) apart."""
    roles = {"worker": 0.0, "web": 0.0}
    for pid in process_tree(root):
        try:
            fields = _stat_fields(pid)
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        role = "worker" if b"worker" in command else "web"
        roles[role] += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return roles


_SHARED_POSTGRES = ("checkpointer", "background writer", "walwriter", "autovacuum launcher")


def postgres_cpu_seconds(database: str | None = None) -> float:
    """CPU of the PostgreSQL processes that serve this database (DATABASE_URL's, or `database`): its
    connections (and autovacuum on it), and the writers every database shares (checkpointer, background
    writer, WAL writer).

    Other databases' connections on the same server (other work's tests) are left out; so is the time of
    connections that have already closed, which the server keeps without saying whose they were.
    """
    if not os.environ.get("DATABASE_URL"):
        return 0.0
    name = database or _postgres_url().rsplit("/", 1)[1].split("?", 1)[0]
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = _stat_fields(int(entry.name))
        except OSError:
            continue
        if f" {name} " not in title and not any(shared in title for shared in _SHARED_POSTGRES):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _postgres_url() -> str:
    return os.environ["DATABASE_URL"].replace("postgres://", "postgresql://")


def wal_position() -> str | None:
    """PostgreSQL's write-ahead log position now (None on SQLite)."""
    if not os.environ.get("DATABASE_URL"):
        return None
    import psycopg

    with psycopg.connect(_postgres_url(), autocommit=True) as db:
        row = db.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    return str(row[0]) if row else None


def wal_megabytes_since(position: str | None) -> float | None:
    """Megabytes of write-ahead log the whole server wrote since `position`: the pushes' and any other."""
    if position is None:
        return None
    import psycopg

    with psycopg.connect(_postgres_url(), autocommit=True) as db:
        row = db.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [position]).fetchone()
    return round(float(row[0]) / 1024 / 1024, 1) if row else None


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def data_for(objects: int) -> tuple[Path, dict[str, Any]]:
    """A copy of the generated database for this run, with SQLite's statistics removed."""
    database = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    source = DATA / f"taxii-{objects}"
    marker = source / f"taxii-world-{database}.json"
    if not marker.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "intel" / "taxii_generate.py"),
                "--objects",
                str(objects),
            ],
            check=True,
        )
    world: dict[str, Any] = json.loads(marker.read_text())
    target = DATA / f"serve-{objects}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in source.iterdir():
        if item.name.startswith("lionrock.sqlite3") or item.name == "secret_key":
            shutil.copy2(item, target / item.name)
    if database == "sqlite":
        with sqlite3.connect(target / "lionrock.sqlite3") as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            tables = db.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchall()
            if tables:
                db.execute("DELETE FROM sqlite_stat1")
    else:
        import psycopg

        with psycopg.connect(_postgres_url(), autocommit=True) as db:  # VACUUM runs outside a transaction
            # The data is shared, not copied: what earlier runs pushed is removed first, so every run
            # starts from the generated objects alone (the generator's rows have source "benchmark").
            with db.transaction():
                pushed = "SELECT id FROM intel_stixobject WHERE source = 'taxii'"
                for table in (
                    "intel_observablevalue",
                    "intel_objectlabel",
                    "intel_objectreference",
                    "intel_objectrecipient",
                    "monitoring_sighting",
                ):
                    db.execute(f"DELETE FROM {table} WHERE stix_object_id IN ({pushed})")  # noqa: S608
                db.execute("DELETE FROM intel_stixobject WHERE source = 'taxii'")
                db.execute("DELETE FROM taxii_status")
            db.execute("VACUUM ANALYZE")  # autovacuum would have; the generator's bulk load leaves none
    return target, world


def wait_ready(base: str, server: subprocess.Popen[bytes], seconds: float) -> None:
    """Until /healthz says the database, queue and worker are all well (or the server exits)."""
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"lionrock serve exited with {server.returncode}")
        try:
            response = requests.get(f"{base}/healthz", timeout=5)
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base}/healthz was not healthy within {seconds} s")


def timed(
    session: Any, url: str, runs: int, root: int, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    samples: list[float] = []
    session.get(url, params=params, timeout=120)  # warm-up
    cpu_started = tree_cpu_seconds(root)
    count = None
    for _ in range(runs):
        started = time.perf_counter()
        response = session.get(url, params=params, timeout=120)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        count = len(response.json().get("objects", [])) if "objects" in response.json() else 1
    cpu_ms = (tree_cpu_seconds(root) - cpu_started) * 1000 / runs
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 1),
        "cpu_ms": round(cpu_ms, 1),
        "objects": count,
    }


def checkpoint() -> None:
    """A PostgreSQL checkpoint now (needs the pg_checkpoint role or a superuser).

    After a checkpoint the first change to each page writes the whole page to the log: a push then pays
    that for every index page it touches, as the first push after each of a deployment's checkpoints does
    (every checkpoint_timeout). Without it a run's cost depends on how long ago the last one was.
    """
    import psycopg

    with psycopg.connect(_postgres_url(), autocommit=True) as db:
        db.execute("CHECKPOINT")


def push(session: Any, base: str, collection: str, total: int, root: int) -> dict[str, Any]:
    url = f"{base}/taxii2/api/collections/{collection}/objects/"
    stamp = "2026-01-01T00:00:00.000Z"
    run = uuid.uuid4().hex[:8]
    bodies = []
    for envelope in range(total // 1000):
        objects = [
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": f"indicator--{uuid.uuid4()}",
                "created": stamp,
                "modified": stamp,
                "name": f"Pushed {run} {envelope}-{n}",
                "pattern": f"[domain-name:value = 'push{envelope}-{n}.{run}.bench.example']",
                "pattern_type": "stix",
                "valid_from": stamp,
                "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],
            }
            for n in range(1000)
        ]
        bodies.append(json.dumps({"objects": objects}).encode())
    cpu_started = tree_cpu_seconds(root)
    roles_started = cpu_by_role(root)
    database_started = postgres_cpu_seconds()
    wal_started = wal_position()
    started = time.perf_counter()
    statuses = []
    for body in bodies:
        response = session.post(url, data=body, headers={"Content-Type": MEDIA}, timeout=600)
        if response.status_code != 202:
            raise RuntimeError(f"POST answered {response.status_code}: {response.text[:300]}")
        statuses.append(response.json()["id"])
    posted = time.perf_counter() - started
    success = 0
    polls = 0
    # As a client waiting for its uploads would: the oldest pending status is read until it completes,
    # then the next at once (the worker completes them roughly in order). Reading every pending status
    # every round cost the web processes more CPU than the uploads themselves.
    pending = list(statuses)
    while pending:
        polls += 1
        status = session.get(f"{base}/taxii2/api/status/{pending[0]}/", timeout=60).json()
        if status["status"] == "complete":
            success += status["success_count"]
            pending.pop(0)
            continue
        time.sleep(0.05)
        if time.perf_counter() - started > 1800:
            raise RuntimeError("statuses did not complete within 30 minutes")
    elapsed = time.perf_counter() - started
    cpu = tree_cpu_seconds(root) - cpu_started
    roles = {role: seconds - roles_started[role] for role, seconds in cpu_by_role(root).items()}
    database_cpu = postgres_cpu_seconds() - database_started
    wal_mb = wal_megabytes_since(wal_started)
    return {
        "objects": total,
        "stored": success,
        "posting_s": round(posted, 2),
        "status_polls": polls,
        "complete_s": round(elapsed, 2),
        "objects_per_s": round(success / elapsed),
        "server_cpu_s": round(cpu, 2),
        "objects_per_cpu_s": round(success / cpu) if cpu else None,
        "worker_cpu_s": round(roles["worker"], 2),
        "web_cpu_s": round(roles["web"], 2),
        "postgres_cpu_s": round(database_cpu, 2) if os.environ.get("DATABASE_URL") else None,
        "postgres_wal_mb": wal_mb,
        "load_during": load_average(),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    import requests

    data_dir, world = data_for(args.objects)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LIONROCK_DATA_DIR": str(data_dir),
        "LIONROCK_REQUIRE_MFA": "0",
        "LIONROCK_LOG_LEVEL": "WARNING",
    }
    env.pop("LIONROCK_TASKS_IMMEDIATE", None)
    load_started = load_average()
    # As a deployment upgrades: the migrations first (timed, since they run on the stored objects),
    # then the server, whose own migrate then finds nothing to do.
    migrate_started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "lionrock.cli", "manage", "migrate", "-v", "0"], env=env, check=True
    )
    migrate_s = round(time.perf_counter() - migrate_started, 2)
    server = subprocess.Popen(
        [sys.executable, "-m", "lionrock.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_ready(base, server, 600)
        time.sleep(args.settle)
        rss_rest, processes = tree_rss_mb(server.pid)
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {world['token']}", "Accept": MEDIA})
        collection = world["collection"]
        objects_url = f"{base}/taxii2/api/collections/{collection}/objects/"
        sample = world["samples"][len(world["samples"]) // 2]
        results: dict[str, Any] = {
            "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
            "objects": args.objects,
            "gunicorn_workers": args.workers,
            "load_at_start": load_started,
            "migrate_s": migrate_s,
            "checkpoint_before_push": bool(args.checkpoint),
            "rss_at_rest_mb": rss_rest,
            "processes": processes,
        }
        results["page"] = timed(session, objects_url, args.runs, server.pid, {"limit": 1000})
        results["by_id"] = timed(session, f"{objects_url}{sample}/", args.runs, server.pid)
        results["versions"] = timed(session, f"{objects_url}{sample}/versions/", args.runs, server.pid)
        results["match_id"] = timed(session, objects_url, args.runs, server.pid, {"match[id]": sample})
        if args.push:
            pushes = []
            for _ in range(args.pushes):
                if args.checkpoint:
                    checkpoint()
                pushes.append(push(session, base, collection, args.push, server.pid))
            # The push of median speed stands for the run; every push is kept in the JSON.
            results["pushes"] = pushes
            results["push"] = sorted(pushes, key=lambda entry: entry["objects_per_s"])[len(pushes) // 2]
            results["after_push_by_id"] = timed(session, f"{objects_url}{sample}/", args.runs, server.pid)
        time.sleep(args.settle)
        results["rss_after_mb"] = tree_rss_mb(server.pid)[0]
        results["load_at_end"] = load_average()
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def report(results: dict[str, Any]) -> str:
    lines = [
        f"`lionrock serve --workers {results['gunicorn_workers']}` on {results['database']}, "
        f"{results['objects']:,} stored objects; "
        f"load {results['load_at_start']} -> {results['load_at_end']}; "
        f"`lionrock manage migrate` before the start took {results['migrate_s']} s",
        "",
        "| request | median ms | p95 ms | server CPU ms |",
        "|---|---:|---:|---:|",
    ]
    for key, label in (
        ("page", "GET first page, limit=1000"),
        ("by_id", "GET object by id"),
        ("versions", "GET versions"),
        ("match_id", "GET match[id]"),
        ("after_push_by_id", "GET object by id, after the push"),
    ):
        if key in results:
            entry = results[key]
            lines.append(f"| {label} | {entry['median_ms']} | {entry['p95_ms']} | {entry['cpu_ms']} |")
    for entry in results.get("pushes", [results["push"]] if "push" in results else []):
        lines += [
            "",
            f"Push of {entry['objects']:,} indicators in envelopes of 1,000, until every status is complete: "
            f"{entry['complete_s']} s, {entry['objects_per_s']:,} objects/s end to end; server CPU "
            f"{entry['server_cpu_s']} s ({entry['objects_per_cpu_s']:,} objects per CPU-second; task worker "
            f"{entry['worker_cpu_s']} s, web {entry['web_cpu_s']} s"
            + (
                f"; PostgreSQL server {entry['postgres_cpu_s']} s, {entry.get('postgres_wal_mb')} MB of WAL"
                if entry["postgres_cpu_s"] is not None
                else ""
            )
            + f"); POSTs answered within "
            f"{entry['posting_s']} s; {entry['status_polls']} status reads; load {entry['load_during']}"
            + ("; CHECKPOINT just before it." if results["checkpoint_before_push"] else "."),
        ]
    lines.append(
        f"\nRSS of the whole tree ({results['processes']} processes): "
        f"{results['rss_at_rest_mb']} MB at rest, "
        f"{results['rss_after_mb']} MB after the workload."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--push", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pushes", type=int, default=1, help="pushes in a row (median kept)")
    parser.add_argument(
        "--checkpoint",
        action="store_true",
        help="PostgreSQL: CHECKPOINT just before the push (as the first push after one; needs pg_checkpoint)",
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds to wait before reading memory")
    args = parser.parse_args()
    results = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"serve-{results['database']}-{args.objects}.json").write_text(json.dumps(results, indent=1))
    print(report(results))


if __name__ == "__main__":
    main()
