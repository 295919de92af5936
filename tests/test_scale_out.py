"""Several web processes and several workers share one platform through Redis and one database.

Two `lionrock serve --no-worker` processes and two `lionrock worker` processes, on one Redis and one
SQLite database in a throwaway data directory, take 20,000 indicators pushed over TAXII through both web
processes: every upload is stored exactly once, by exactly one worker run. The run never uses
DATABASE_URL: that names the CI's own database, not a throwaway one (the same processes on PostgreSQL are
still to be tested).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from tests.redis_server import free_port, redis_url

__all__ = ["redis_url"]

ENVELOPES = 20
PER_ENVELOPE = 1000
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
actor = actor_for_user(User.objects.get(email="analyst@lionrock.test"))
owner = Organisation.objects.get(pk=actor.primary_organisation_id)
collection = intel.collection_create(actor=actor, owner=owner, alias=sys.argv[1], title="Scale-out test")
_token, secret = services.token_create(
    actor=actor, organisation=owner.pk, name=sys.argv[1], scopes=["intel:read", "intel:write"]
)
print(collection.id, secret)
"""
COUNT = """
import sys
import django
django.setup()
from lionrock.cyber.intel.models import StixObject
rows = StixObject.objects.filter(collection_id=sys.argv[1])
print(rows.count(), rows.values("stix_id").distinct().count())
"""


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


def _request(url: str, secret: str, body: bytes | None = None) -> dict[str, Any]:
    headers = {"Accept": TAXII, "Authorization": f"Bearer {secret}"}
    if body is not None:
        headers["Content-Type"] = TAXII
    method = "POST" if body else "GET"
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - loopback
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
        return dict(json.load(response))


def _envelope(n: int) -> bytes:
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
        for i in range(PER_ENVELOPE)
    ]
    return json.dumps({"objects": objects}).encode()


def test_two_web_processes_and_two_workers_store_every_pushed_object_exactly_once(
    tmp_path: Path, redis_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LIONROCK_", "DATABASE_URL"))}
    env |= {
        "LIONROCK_DATA_DIR": str(tmp_path / "data"),
        "REDIS_URL": redis_url,
        "LIONROCK_DEMO_PASSWORD": "scale-out-test-pass-9x",
        "LIONROCK_LOG_LEVEL": "INFO",
        "DJANGO_SETTINGS_MODULE": "lionrock.config.settings",
    }

    def run(*args: str) -> str:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run(*LIONROCK, "demo")
    alias = f"scale-{uuid.uuid4().hex[:8]}"
    collection, secret = run(sys.executable, "-c", SETUP, alias).split()
    ports = [free_port(), free_port()]
    logs: list[IO[str]] = []
    processes: list[subprocess.Popen[str]] = []

    def start(name: str, *args: str) -> subprocess.Popen[str]:
        log = (tmp_path / f"{name}.log").open("w")
        logs.append(log)
        process = subprocess.Popen(
            [*LIONROCK, *args], env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        processes.append(process)
        return process

    try:
        deadline = time.monotonic() + 600
        for n, port in enumerate(ports):
            web = start(f"web{n}", "serve", "--no-worker", "--port", str(port), "--workers", "1")
            _wait_healthy(port, web, worker=False, deadline=deadline)
        start("worker0", "worker", "--workers", "2")
        start("worker1", "worker", "--workers", "2")
        _wait_healthy(ports[0], processes[0], worker=True, deadline=deadline)

        def push(n: int) -> str:
            url = f"http://127.0.0.1:{ports[n % 2]}/taxii2/api/collections/{collection}/objects/"
            return str(_request(url, secret, _envelope(n))["id"])

        with ThreadPoolExecutor(4) as pool:
            status_ids = list(pool.map(push, range(ENVELOPES)))
        statuses: dict[str, dict[str, Any]] = {}
        while len(statuses) < ENVELOPES and time.monotonic() < deadline:
            for n, status_id in enumerate(status_ids):
                if status_id not in statuses:
                    url = f"http://127.0.0.1:{ports[n % 2]}/taxii2/api/status/{status_id}/"
                    found = _request(url, secret)
                    if found["status"] == "complete":
                        statuses[status_id] = found
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        for log in logs:
            log.close()

    assert len(statuses) == ENVELOPES, "some uploads never completed"
    assert {(s["success_count"], s["failure_count"], s["pending_count"]) for s in statuses.values()} == {
        (PER_ENVELOPE, 0, 0)
    }
    stored, distinct = (int(v) for v in run(sys.executable, "-c", COUNT, collection).split())
    assert stored == distinct == ENVELOPES * PER_ENVELOPE
    started: Counter[str] = Counter()
    finished: Counter[str] = Counter()
    task = r"INFO:huey:[^:]+:{}lionrock\.cyber\.taxii\.tasks\.status_complete: (\S+){}"
    for n in (0, 1):
        text = (tmp_path / f"worker{n}.log").read_text()  # Huey's own log line, once per run
        started.update(re.findall(task.format("Executing ", ""), text))
        finished.update(re.findall(task.format("", r" .*executed in"), text))
    assert len(started) == ENVELOPES
    assert set(started.values()) == {1}
    assert finished == started
