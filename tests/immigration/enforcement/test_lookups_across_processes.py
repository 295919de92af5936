"""The employer-record look-up limit holds across processes: web processes on several machines share it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
from lionrock.immigration.enforcement import lookups
print(lookups.lookup_refused(scope="employer-record", address="198.51.100.7"))
"""


def test_failed_lookups_counted_in_one_process_refuse_the_connection_in_another(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"LIONROCK_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "lionrock.config.settings"}
    lionrock = [sys.executable, "-c", "import sys; from lionrock.cli import main; sys.exit(main())"]

    def run(*args: str) -> str:
        done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run(*lionrock, "manage", "createcachetable")
    run(sys.executable, "-c", COUNT)

    assert run(sys.executable, "-c", ASK).strip() == "True"
