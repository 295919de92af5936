"""The employer-record look-up limit holds across processes: web processes on several machines share it.

Each case runs separate Python processes, as separate gunicorn workers or machines would be: once with
the cache in the database (no Redis configured), once with Redis as production runs it (Debian's
redis-server, started here on loopback; skipped with the reason where it is not installed, failing
under CI, which installs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.redis_server import redis_url

__all__ = ["redis_url"]

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
