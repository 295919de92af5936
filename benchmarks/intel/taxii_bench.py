"""TAXII server benchmark: page latency, queries per page, memory, POST throughput; medallion side by side.

For each size (default 100,000 stored object versions; data from taxii_generate.py, built on first use) it
measures, as a stakeholder's token with read and write access:

* over HTTP against Lionrock under gunicorn (one sync worker) on loopback: GET objects/?limit=1000 (first
  page), a deep page (added_after at 90% of the collection, limit=1000), and
  objects/?match[type]=indicator&match[id]=X; median and p95 over --runs repetitions;
* in process (Django test client): database queries per page and the Python heap peak of one page
  (tracemalloc), to show both stay flat as the collection grows;
* POST of 10,000 new indicators in envelopes of 1,000 (tasks run immediately, so each answer comes back
  after validation and storage: objects/s is end to end);
* the same GETs against the OASIS reference server medallion (memory backend) loaded with the same objects,
  run from its own virtualenv (--medallion-python), with a per-request timeout.

SQLite by default (one file per size under benchmarks/data/intel/); PostgreSQL when DATABASE_URL is set.
Writes benchmarks/out/taxii-<database>.md and .json, and prints the markdown.

Usage: python benchmarks/intel/taxii_bench.py [--objects N ...] [--runs 15] [--no-post] [--no-medallion]
       [--medallion-python /tmp/medallion-venv/bin/python] [--medallion-max 100000] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(Path(__file__).resolve().parent))

MEDIA = "application/taxii+json;version=2.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_of(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds_of(pid: int | None) -> float:
    """User + system CPU seconds of a process so far: the load-independent cost of what it served."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for(url: str, seconds: float, **kwargs: Any) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5, **kwargs)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def timed(
    session: Any, url: str, params: dict[str, Any], runs: int, timeout: float, pid: int | None = None
) -> dict[str, Any]:
    """Median and p95 in ms over runs (after one warm-up); a timeout ends the series.

    With the server's pid, also its CPU ms per request: wall time on a shared 2-core machine includes
    waiting for other processes, CPU time does not.
    """
    import requests

    samples: list[float] = []
    count = None
    cpu_started = 0.0
    for attempt in range(runs + 1):
        if attempt == 1:
            cpu_started = cpu_seconds_of(pid)
        started = time.perf_counter()
        try:
            response = session.get(url, params=params, headers={"Accept": MEDIA}, timeout=timeout)
        except requests.Timeout:
            return {"timeout_s": timeout, "runs": len(samples)}
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            return {"error": response.status_code, "body": response.text[:200]}
        if attempt:
            samples.append(elapsed)
        count = len(response.json().get("objects", []))
    cpu_ms = (cpu_seconds_of(pid) - cpu_started) * 1000 / max(1, len(samples))
    samples.sort()
    return {
        "cpu_ms": round(cpu_ms, 1) if pid else None,
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "runs": len(samples),
        "objects": count,
    }


# --- one size, in its own process (settings are read once per process) ------------------------------------


def queries_for(world: dict[str, Any], deep_after: str, sample: str) -> dict[str, dict[str, Any]]:
    return {
        "first page": {"limit": 1000},
        "deep page (added_after)": {"limit": 1000, "added_after": deep_after},
        "match[type]+match[id]": {"match[type]": "indicator", "match[id]": sample},
    }


def in_process(world: dict[str, Any], queries: dict[str, dict[str, Any]], profile: bool) -> dict[str, Any]:
    """Queries per page and the heap peak of one page, through the Django test client."""
    import tracemalloc

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    headers = {"Accept": MEDIA, "Authorization": f"Bearer {world['token']}"}
    url = f"/taxii2/api/collections/{world['collection']}/objects/"
    client.get(url, {"limit": 10}, headers=headers)
    results: dict[str, Any] = {}
    for name, params in queries.items():
        executed: list[str] = []

        def count(
            execute: Any, sql: str, params: Any, many: bool, context: Any, executed: list[str] = executed
        ) -> Any:
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url, params, headers=headers)
        assert response.status_code == 200, response.content[:300]
        tracemalloc.start()
        client.get(url, params, headers=headers)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[name] = {"queries": len(executed), "heap_peak_bytes": peak}
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        for _ in range(5):
            client.get(url, queries["first page"], headers=headers)
        profiler.stop()
        (OUT / f"taxii-profile-get-{world['objects']}.html").write_text(profiler.output_html())
    return results


def worker_pid(master: int) -> int | None:
    """gunicorn's one worker process (the master only supervises)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def lionrock_server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lionrock.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "1",
            "--log-level",
            "warning",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def post_benchmark(
    base: str, world: dict[str, Any], pid: int | None, total: int = 10_000, per_envelope: int = 1_000
) -> dict[str, Any]:
    """Fresh indicators in envelopes; each answer is the completed status (tasks run immediately)."""
    import requests

    session = requests.Session()
    session.headers.update(
        {"Authorization": f"Bearer {world['token']}", "Accept": MEDIA, "Content-Type": MEDIA}
    )
    url = f"{base}/taxii2/api/collections/{world['collection']}/objects/"
    bodies = []
    for envelope in range(total // per_envelope):
        objects = []
        for n in range(per_envelope):
            stamp = "2026-01-01T00:00:00.000Z"
            objects.append(
                {
                    "type": "indicator",
                    "spec_version": "2.1",
                    "id": f"indicator--{uuid.uuid4()}",
                    "created": stamp,
                    "modified": stamp,
                    "name": f"Posted {envelope}-{n}",
                    "pattern": f"[domain-name:value = 'post{envelope}-{n}.bench.example']",
                    "pattern_type": "stix",
                    "valid_from": stamp,
                }
            )
        bodies.append(json.dumps({"objects": objects}).encode())
    per_request: list[float] = []
    stored = 0
    cpu_started = cpu_seconds_of(pid)
    started = time.perf_counter()
    for body in bodies:
        t0 = time.perf_counter()
        response = session.post(url, data=body, timeout=600)
        per_request.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 202, response.text[:300]
        status = response.json()
        assert status["status"] == "complete", status
        stored += status["success_count"]
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds_of(pid) - cpu_started
    return {
        "objects": total,
        "stored": stored,
        "seconds": round(elapsed, 2),
        "objects_per_s": round(stored / elapsed),
        "server_cpu_s": round(cpu, 2),
        "objects_per_cpu_s": round(stored / cpu) if cpu else None,
        "median_envelope_ms": round(statistics.median(per_request), 1),
    }


def medallion_data(world: dict[str, Any], path: Path, port: int) -> None:
    """The same objects, in medallion's memory-backend file (manifest carries date_added and version)."""
    from lionrock.cyber.intel.models import StixObject
    from lionrock.cyber.taxii.protocol import timestamp

    objects, manifest = [], []
    rows = (
        StixObject.objects.filter(collection_id=world["collection"])
        .order_by("date_added")
        .values_list("raw", "date_added", "stix_id")
    )
    for raw, date_added, stix_id in rows.iterator(chunk_size=10_000):
        obj = json.loads(raw)
        added = timestamp(date_added)
        version = obj.get("modified") or obj.get("created")
        if version is None:
            obj["_date_added"] = added
            version = added
        objects.append(obj)
        manifest.append(
            {
                "id": stix_id,
                "date_added": added,
                "version": version,
                "media_type": "application/stix+json;version=2.1",
            }
        )
    data = {
        "/discovery": {"title": "medallion", "api_roots": [f"http://127.0.0.1:{port}/api1/"]},
        "api1": {
            "information": {
                "title": "bench",
                "versions": [MEDIA],
                "max_content_length": 100_000_000,
            },
            "status": [],
            "collections": [
                {
                    "id": world["collection"],
                    "title": "Benchmark indicators",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": objects,
                    "manifest": manifest,
                }
            ],
        },
    }
    path.write_text(json.dumps(data))


def medallion_run(
    world: dict[str, Any], queries: dict[str, dict[str, Any]], python: str, runs: int, timeout: float
) -> dict[str, Any]:
    import requests

    port = free_port()
    data_dir = ROOT / "benchmarks" / "data" / "intel"
    data = data_dir / f"medallion-{world['objects']}.json"
    medallion_data(world, data, port)
    config = data_dir / f"medallion-{world['objects']}-config.json"
    config.write_text(
        json.dumps(
            {
                "backend": {
                    "module": "medallion.backends.memory_backend",
                    "module_class": "MemoryBackend",
                    "filename": str(data),
                },
                "users": {"bench": "bench"},
                "taxii": {"max_page_size": 1000},
            }
        )
    )
    script = "import sys; from medallion.scripts.run import main; sys.exit(main())"
    process = subprocess.Popen(
        [python, "-c", script, "--port", str(port), str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        loaded = time.perf_counter()
        wait_for(f"http://127.0.0.1:{port}/taxii2/", 900, auth=("bench", "bench"))
        load_seconds = time.perf_counter() - loaded
        session = requests.Session()
        session.auth = ("bench", "bench")
        url = f"http://127.0.0.1:{port}/api1/collections/{world['collection']}/objects/"
        results: dict[str, Any] = {"load_s": round(load_seconds, 1)}
        for name, params in queries.items():
            results[name] = timed(session, url, params, max(3, runs // 3), timeout, process.pid)
            if "timeout_s" in results[name]:
                break  # the server is still busy with the abandoned request; later numbers would lie
        results["rss_bytes"] = rss_of(process.pid)
        return results
    finally:
        process.kill()
        process.wait()
        data.unlink(missing_ok=True)


def one_size(args: argparse.Namespace, objects: int) -> dict[str, Any]:
    from taxii_generate import generate

    world = generate(objects)
    from django.db import connection

    from lionrock.cyber.intel.models import StixObject
    from lionrock.cyber.taxii.models import Status
    from lionrock.cyber.taxii.protocol import timestamp

    collection_rows = StixObject.objects.filter(collection_id=world["collection"])
    stored = collection_rows.count()
    deep = collection_rows.order_by("date_added").values_list("date_added", flat=True)[int(stored * 0.9)]
    queries = queries_for(world, timestamp(deep), world["samples"][-1])
    result: dict[str, Any] = {"objects": stored, "database": connection.vendor}
    result["in_process"] = in_process(world, queries, args.profile)
    connection.close()

    import requests

    port = free_port()
    server = lionrock_server(port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", 60)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {world['token']}"
        url = f"{base}/taxii2/api/collections/{world['collection']}/objects/"
        result["http"] = {
            name: timed(session, url, params, args.runs, 120, worker_pid(server.pid))
            for name, params in queries.items()
        }
        result["server_rss_bytes"] = rss_of(worker_pid(server.pid) or server.pid)
        if args.post:
            result["post"] = post_benchmark(base, world, worker_pid(server.pid))
            result["server_rss_after_post_bytes"] = rss_of(worker_pid(server.pid) or server.pid)
    finally:
        server.terminate()
        server.wait()
    if args.post:
        # Leave the data set as generated for the next run (the posted rows are benchmark residue).
        StixObject.objects.filter(collection_id=world["collection"], source="taxii").delete()
        Status.objects.all().delete()
    if args.medallion and Path(args.medallion_python).exists():
        if objects <= args.medallion_max:
            result["medallion"] = medallion_run(
                world, queries, args.medallion_python, args.runs, args.medallion_timeout
            )
        else:
            result["medallion"] = {"skipped": f"above --medallion-max {args.medallion_max}"}
    return result


# --- the report -------------------------------------------------------------------------------------------


def fmt_ms(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "-"
    if "timeout_s" in entry:
        return f"> {entry['timeout_s']:.0f} s (timed out)"
    if "error" in entry:
        return f"HTTP {entry['error']}"
    shown = f"{entry['median_ms']:.1f} (p95 {entry['p95_ms']:.1f})"
    return shown + (f", CPU {entry['cpu_ms']:.1f}" if entry.get("cpu_ms") is not None else "")


def ratio(ours: dict[str, Any] | None, theirs: dict[str, Any] | None) -> str:
    if not ours or not theirs or "median_ms" not in ours:
        return "-"
    if "timeout_s" in theirs:
        return f"> {theirs['timeout_s'] * 1000 / ours['median_ms']:,.0f}x"
    if "median_ms" not in theirs:
        return "-"
    return f"{theirs['median_ms'] / ours['median_ms']:,.1f}x"


def report(results: list[dict[str, Any]], machine: dict[str, Any]) -> str:
    lines = [
        "# TAXII server benchmark",
        "",
        f"Machine: {machine['cpus']} CPUs, {machine['python']}, {machine['platform']};",
        f"run {machine['when']};",
        f"load average at the start {machine['load']} (other work shares the machine: see CPU figures).",
        "Latency is wall time of one HTTP request on loopback (Lionrock: gunicorn, 1 sync worker),",
        "median and",
        "p95 in ms, then the server's CPU ms per request (load-independent). medallion: OASIS reference",
        "server, memory backend, same objects, Flask's development server (its only documented way to run).",
        "",
        "| stored objects | db | query | Lionrock ms | queries/page | heap peak/page "
        "| medallion ms | ratio |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        medallion = result.get("medallion", {})
        for name, entry in result["http"].items():
            inner = result["in_process"][name]
            theirs = medallion.get(name) if isinstance(medallion, dict) else None
            if isinstance(medallion, dict) and "skipped" in medallion:
                shown = "not run"
            else:
                shown = fmt_ms(theirs) if theirs else ("not reached" if medallion else "-")
            lines.append(
                f"| {result['objects']:,} | {result['database']} "
                f"| {name} ({entry.get('objects', '-')} objects) "
                f"| {fmt_ms(entry)} | {inner['queries']} | {inner['heap_peak_bytes'] / 1e6:.1f} MB "
                f"| {shown} | {ratio(entry, theirs)} |"
            )
    lines += [
        "",
        "| stored objects | POST 10,000 indicators in envelopes of 1,000 (wall) | per server CPU-second "
        "| median envelope | server RSS |",
    ]
    lines += ["|---:|---:|---:|---:|---:|"]
    for result in results:
        post = result.get("post")
        if post:
            lines.append(
                f"| {result['objects']:,} | {post['objects_per_s']:,} objects/s ({post['seconds']} s) "
                f"| {post.get('objects_per_cpu_s') or 0:,} objects/s "
                f"| {post['median_envelope_ms']} ms | {result['server_rss_bytes'] / 1e6:.0f} MB -> "
                f"{result.get('server_rss_after_post_bytes', 0) / 1e6:.0f} MB |"
            )
    medallion_notes = [
        f"* medallion at {r['objects']:,}: loaded in {r['medallion'].get('load_s')} s, "
        f"RSS {r['medallion'].get('rss_bytes', 0) / 1e6:.0f} MB"
        for r in results
        if isinstance(r.get("medallion"), dict) and "load_s" in r["medallion"]
    ]
    if medallion_notes:
        lines += ["", *medallion_notes]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, action="append", help="stored objects (repeatable)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-post", dest="post", action="store_false")
    parser.add_argument("--no-medallion", dest="medallion", action="store_false")
    parser.add_argument("--medallion-python", default="/tmp/medallion-venv/bin/python")
    parser.add_argument("--medallion-max", type=int, default=100_000)
    parser.add_argument("--medallion-timeout", type=float, default=60.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    if args.one:
        result = one_size(args, args.one)
        Path(args.result).write_text(json.dumps(result, indent=1))
        return

    results = []
    for objects in args.objects or [100_000]:
        vendor = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
        target = OUT / f"taxii-{objects}-{vendor}.json"
        command = [
            sys.executable,
            __file__,
            "--one",
            str(objects),
            "--result",
            str(target),
            "--runs",
            str(args.runs),
        ]
        command += [] if args.post else ["--no-post"]
        command += [] if args.medallion else ["--no-medallion"]
        command += ["--medallion-python", args.medallion_python, "--medallion-max", str(args.medallion_max)]
        command += ["--medallion-timeout", str(args.medallion_timeout)] + (
            ["--profile"] if args.profile else []
        )
        print(f"== {objects:,} objects", flush=True)
        subprocess.run(command, check=True)
        results.append(json.loads(target.read_text()))
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
    }
    text = report(results, machine)
    vendor = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    (OUT / f"taxii-{vendor}.md").write_text(text)
    (OUT / f"taxii-{vendor}.json").write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    print(text)


if __name__ == "__main__":
    main()
