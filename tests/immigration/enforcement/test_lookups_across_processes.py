"""The employer-record look-up limit holds across processes: web processes on several machines share it.

Each case runs separate Python processes, as separate gunicorn workers or machines would be: once with
the cache in the database (no Redis configured), once with Redis as production runs it (Debian's
redis-server, started here on loopback; skipped with the reason where it is not installed, failing
under CI, which installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

COUNT = """
import django
django.setup()
from lionrock.immigration.enforcement import lookups
for _ in range(lookups.LOOKUP_FAILURES_PER_HOUR):
    lookups.lookup_failure_count(scope="employer-record", address="198.51.100.7")
"""
ASK = """
import django
django.setup()
from django.conf import settings
from lionrock.immigration.enforcement import lookups
print(settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1])
print(lookups.lookup_refused(scope="employer-record", address="198.51.100.7"))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: .ci/run installs redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Ready to accept connections" in line:
                break
        else:
            pytest.fail(f"redis-server did not start (exit status {process.wait()})")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _processes_share_the_limit(data_dir: Path, redis: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"LIONROCK_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "lionrock.config.settings"}
    if redis:
        env["REDIS_URL"] = redis
    lionrock = [sys.executable, "-c", "import sys; from lionrock.cli import main; sys.exit(main())"]

    def run(*args: str) -> str:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(*lionrock, "manage", "createcachetable")
    run(sys.executable, "-c", COUNT)
    return run(sys.executable, "-c", ASK).split()


def test_failed_lookups_counted_in_one_process_refuse_the_connection_in_another(tmp_path: Path) -> None:
    assert _processes_share_the_limit(tmp_path, None) == ["DatabaseCache", "True"]


def test_with_redis_failed_lookups_counted_in_one_process_refuse_the_connection_in_another(
    tmp_path: Path, redis_url: str
) -> None:
    assert _processes_share_the_limit(tmp_path, redis_url) == ["RedisCache", "True"]
