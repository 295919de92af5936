"""Several web processes and several workers share one platform through Redis and one database.

Two `lionrock serve --no-worker` processes and two `lionrock worker` processes, on one Redis and one
database, take 20,000 indicators pushed over TAXII and match runs uploaded through both web processes:
every upload is stored exactly once and every run matched exactly once, by exactly one worker run, and
each periodic job is queued once a minute, not once per worker. Then a worker is killed (SIGKILL) while it
stores a TAXII upload, and another while it runs a match run: each task is run again by a remaining
worker and completes exactly once in effect, with the right status.

The database is PostgreSQL when DATABASE_URL names one (as in CI): a throwaway database is created in
that server and dropped afterwards, never the named one itself. Otherwise it is SQLite in a throwaway data
directory. Every wait is on observable state (a status, a log line), under a generous ceiling.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.redis_server import free_port, redis_url

__all__ = ["redis_url"]

ENVELOPES = 20
PER_ENVELOPE = 1000
LARGE_ENVELOPE = 5000
RUNS = 4
CONN_LINES = 60_000
TAXII = "application/taxii+json;version=2.1"
LIONROCK = [sys.executable, "-c", "import sys; from lionrock.cli import main; sys.exit(main())"]
SETUP = """
import sys
import django
django.setup()
from lionrock.core.accounts import services
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel import services as intel
actor = actor_for_user(User.objects.get(email="watch@lionrock.test"))
owner = Organisation.objects.get(pk=actor.primary_organisation_id)
collection = intel.collection_create(actor=actor, owner=owner, alias=sys.argv[1], title="Scale-out test")
_token, secret = services.token_create(
    actor=actor,
    organisation=owner.pk,
    name=sys.argv[1],
    scopes=["intel:read", "intel:write", "monitoring:read", "monitoring:write"],
)
print(collection.id, secret, owner.slug)
"""
COUNT = """
import json
import sys
import django
django.setup()
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.monitoring.models import MatchRun, Sighting
rows = StixObject.objects.filter(collection_id=sys.argv[1], type="indicator")
runs = {
    str(run.pk): [run.status, run.attempts, run.sightings, Sighting.objects.filter(run=run).count()]
    for run in MatchRun.objects.all()
}
distinct = rows.values("stix_id").distinct().count()
print(json.dumps({"stored": rows.count(), "distinct": distinct, "runs": runs}))
"""
# Huey's log lines: "[time] INFO:huey:Worker-1:Executing <task>: <id>[ 2 retries]" and
# "<task>: <id>[ 2 retries] executed in".
EXECUTING = r"INFO:huey:[^:]+:Executing {}: (\S+)"
EXECUTED = r"INFO:huey:[^:]+:{}: (\S+) .*executed in"
UPLOAD_TASK = r"lionrock\.cyber\.taxii\.tasks\.status_complete"
RUN_TASK = r"lionrock\.cyber\.monitoring\.tasks\.match_run_execute"
QUEUED_FOR = re.compile(r"periodic job (\S+): this worker queues its run for (\S+ \S+)$", re.MULTILINE)


@pytest.fixture
def database_url() -> Iterator[str]:
    """A throwaway PostgreSQL database in the server DATABASE_URL names, or "" for SQLite."""
    named = os.environ.get("DATABASE_URL", "")
    if not named.startswith(("postgres://", "postgresql://")):
        yield ""
        return
    import psycopg

    name = f"lionrock_scale_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(named, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(named)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(named, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_healthy(port: int, process: subprocess.Popen[str], *, worker: bool, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, f"a process on port {port} stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                health = json.load(response)
            if health["status"] == "ok" and (not worker or "worker_seen_seconds_ago" in health["task_queue"]):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the web process on port {port} never became healthy")


def _wait_for(what: str, found: Callable[[], Any], deadline: float, every: float = 0.5) -> Any:
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"never happened: {what}")


def _request(url: str, secret: str, body: bytes | None = None, content_type: str = TAXII) -> dict[str, Any]:
    headers = {"Accept": "application/json" if content_type != TAXII else TAXII}
    headers["Authorization"] = f"Bearer {secret}"
    if body is not None:
        headers["Content-Type"] = content_type
    method = "POST" if body else "GET"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
        return dict(json.load(response))


def _envelope(n: int, size: int = PER_ENVELOPE) -> bytes:
    objects = [
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid4()}",
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "pattern": f"[ipv4-addr:value = '45.{n}.{i // 256}.{i % 256}']",
            "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z",
        }
        for i in range(size)
    ]
    return json.dumps({"objects": objects}).encode()


def _conn_log(hit: str) -> bytes:
    """A Zeek conn log of CONN_LINES connections, one of them to `hit`: long enough to take seconds."""
    fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"]
    lines = ["#separator \\x09", "#fields\t" + "\t".join(fields)]
    for i in range(CONN_LINES):
        target = hit if i == CONN_LINES // 2 else f"10.{i // 65536}.{i // 256 % 256}.{i % 256}"
        lines.append(f"{1780000000 + i}.0\tC{i}\t10.200.0.{i % 200}\t{40000 + i % 20000}\t{target}\t443\ttcp")
    return ("\n".join(lines) + "\n").encode()


def _multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="logs"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _claimed_by(logs: dict[str, Path], claim: str, since: dict[str, int]) -> str | None:
    """The worker whose log, since the offsets in `since`, says it has claimed the work (`claim`)."""
    for name, path in logs.items():
        if claim in path.read_text()[since.get(name, 0) :]:
            return name
    return None


def test_two_web_processes_and_two_workers_run_every_task_exactly_once_even_when_a_worker_is_killed(
    tmp_path: Path, redis_url: str, database_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIONROCK_", "DATABASE_URL"))}
    env |= {
        "LIONROCK_DATA_DIR": str(tmp_path / "data"),
        "REDIS_URL": redis_url,
        "LIONROCK_DEMO_PASSWORD": "scale-out-test-pass-9x",
        "LIONROCK_LOG_LEVEL": "INFO",
        "DJANGO_SETTINGS_MODULE": "lionrock.config.settings",
    }
    if database_url:
        env["DATABASE_URL"] = database_url

    def run(*args: str) -> str:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run(*LIONROCK, "demo")
    alias = f"scale-{uuid.uuid4().hex[:8]}"
    collection, secret, organisation = run(sys.executable, "-c", SETUP, alias).split()
    ports = [free_port(), free_port()]
    files: list[IO[str]] = []
    processes: dict[str, subprocess.Popen[str]] = {}
    worker_logs: dict[str, Path] = {}

    def start(name: str, *args: str) -> subprocess.Popen[str]:
        log = (tmp_path / f"{name}.log").open("w")
        files.append(log)
        process = subprocess.Popen(
            [*LIONROCK, *args], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        processes[name] = process
        return process

    def start_worker(name: str) -> None:
        start(name, "worker", "--workers", "2")
        worker_logs[name] = tmp_path / f"{name}.log"

    def web(n: int, path: str) -> str:
        return f"http://127.0.0.1:{ports[n % 2]}{path}"

    def status_of(n: int, status_id: str) -> dict[str, Any]:
        return _request(web(n, f"/taxii2/api/status/{status_id}/"), secret)

    def push(n: int, size: int = PER_ENVELOPE) -> str:
        url = web(n, f"/taxii2/api/collections/{collection}/objects/")
        return str(_request(url, secret, _envelope(n, size))["id"])

    def upload_run(n: int, hit: str) -> str:
        fields = {"organisation": organisation, "collection": alias, "tlp": "amber"}
        body, content_type = _multipart(fields, f"conn-{n}.log", _conn_log(hit))
        return str(_request(web(n, "/api/monitoring/runs"), secret, body, content_type)["id"])

    def run_of(n: int, run_id: str) -> dict[str, Any]:
        return _request(web(n, f"/api/monitoring/runs/{run_id}"), secret, content_type="application/json")

    def offsets() -> dict[str, int]:
        return {name: len(path.read_text()) for name, path in worker_logs.items()}

    try:
        deadline = time.monotonic() + 1500
        for n, port in enumerate(ports):
            server = start(f"web{n}", "serve", "--no-worker", "--port", str(port), "--workers", "1")
            _wait_healthy(port, server, worker=False, deadline=deadline)
        start_worker("worker0")
        start_worker("worker1")
        _wait_healthy(ports[0], processes["web0"], worker=True, deadline=deadline)

        # Indicators the match runs will find: one address per run, pushed and stored first.
        # (Public addresses: documentation and private ranges are on the warninglists, and never hit.)
        hits = [f"45.250.0.{n + 1}" for n in range(RUNS + 1)]
        bundle = {
            "objects": [
                json.loads(_envelope(0, 1))["objects"][0] | {"pattern": f"[ipv4-addr:value = '{hit}']"}
                for hit in hits
            ]
        }
        seed = str(
            _request(
                web(0, f"/taxii2/api/collections/{collection}/objects/"), secret, json.dumps(bundle).encode()
            )["id"]
        )
        _wait_for("the seed upload completes", lambda: status_of(0, seed)["status"] == "complete", deadline)

        # 20 x 1,000 objects and RUNS match runs through both web processes at once.
        with ThreadPoolExecutor(4) as pool:
            pushed = pool.map(push, range(1, ENVELOPES + 1))
            uploaded = pool.map(lambda n: upload_run(n, hits[n]), range(RUNS))
            status_ids, run_ids = list(pushed), list(uploaded)
        statuses: dict[str, dict[str, Any]] = {}

        def all_complete() -> bool:
            for n, status_id in enumerate(status_ids, start=1):
                if status_id not in statuses:
                    found = status_of(n, status_id)
                    if found["status"] == "complete":
                        statuses[status_id] = found
            return len(statuses) == ENVELOPES

        _wait_for("every upload completes", all_complete, deadline)
        _wait_for(
            "every match run finishes",
            lambda: all(run_of(n, r)["status"] == "done" for n, r in enumerate(run_ids)),
            deadline,
        )
        routine = {name: path.read_text() for name, path in worker_logs.items()}

        # A worker killed while it stores a TAXII upload: another worker stores it, once.
        since = upload_since = offsets()
        large = push(ENVELOPES + 1, LARGE_ENVELOPE)
        # Killed once it has recorded itself on the upload, while the store (seconds long) runs.
        killed_upload = _wait_for(
            "a worker starts the large upload",
            lambda: _claimed_by(worker_logs, f"TAXII upload {large}: this worker stores it", since),
            deadline,
            every=0.02,
        )
        processes[killed_upload].send_signal(signal.SIGKILL)
        processes[killed_upload].wait(timeout=60)
        large_status = _wait_for(
            "the killed worker's upload completes",
            lambda: (found := status_of(0, large))["status"] == "complete" and found,
            deadline,
        )
        # The killed worker's place is taken, as its service manager would.
        start_worker("worker2")

        # A worker killed while it runs a match run: another worker runs it again, and it counts once.
        since = run_since = offsets()
        killed_run_id = upload_run(1, hits[RUNS])
        killed_run = _wait_for(
            "a worker starts the match run",
            lambda: _claimed_by(worker_logs, f"match run {killed_run_id}: this worker runs it", since),
            deadline,
            every=0.02,
        )
        assert run_of(1, killed_run_id)["status"] == "running"
        processes[killed_run].send_signal(signal.SIGKILL)
        processes[killed_run].wait(timeout=60)
        _wait_for(
            "the killed worker's match run finishes",
            lambda: run_of(0, killed_run_id)["status"] not in {"queued", "running"},
            deadline,
        )
        finished_run = run_of(0, killed_run_id)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            process.wait(timeout=60)
        for file in files:
            file.close()

    # Routine work: every upload and every run once, by one worker run each.
    assert {(s["success_count"], s["failure_count"], s["pending_count"]) for s in statuses.values()} == {
        (PER_ENVELOPE, 0, 0)
    }
    for task in (UPLOAD_TASK, RUN_TASK):
        started: Counter[str] = Counter()
        finished: Counter[str] = Counter()
        for text in routine.values():
            started.update(re.findall(EXECUTING.format(task), text))
            finished.update(re.findall(EXECUTED.format(task), text))
        assert len(started) == (ENVELOPES + 1 if task == UPLOAD_TASK else RUNS)
        assert set(started.values()) == {1}
        assert finished == started

    # The killed tasks: done by another worker, with the right status and counts.
    assert (large_status["success_count"], large_status["failure_count"], large_status["pending_count"]) == (
        LARGE_ENVELOPE,
        0,
        0,
    )
    assert finished_run["status"] == "done" and finished_run["hits"] == 1 and finished_run["sightings"] == 1
    texts = {name: path.read_text() for name, path in worker_logs.items()}
    for task, killed, since in (
        (UPLOAD_TASK, killed_upload, upload_since),
        (RUN_TASK, killed_run, run_since),
    ):
        completed_elsewhere = [
            name
            for name, text in texts.items()
            if name != killed and re.search(EXECUTED.format(task), text[since.get(name, 0) :])
        ]
        assert completed_elsewhere, f"no other worker completed the task {killed} was killed in"

    counts = json.loads(run(sys.executable, "-c", COUNT, collection))
    assert counts["stored"] == counts["distinct"] == len(hits) + ENVELOPES * PER_ENVELOPE + LARGE_ENVELOPE
    for run_id in [*run_ids, killed_run_id]:
        status, attempts, sightings, stored_sightings = counts["runs"][run_id]
        assert (status, sightings, stored_sightings) == ("done", 1, 1)
        assert attempts == (2 if run_id == killed_run_id else 1)

    # Periodic jobs: queued once per minute across the workers, never once per worker.
    queued = Counter(match for text in texts.values() for match in QUEUED_FOR.findall(text))
    assert queued, "no periodic job was queued"
    assert set(queued.values()) == {1}, [key for key, count in queued.items() if count > 1]
    heartbeat_minutes = {minute for job, minute in queued if "worker_heartbeat" in job}
    assert len(heartbeat_minutes) >= 2
