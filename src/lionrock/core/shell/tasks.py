"""The worker's heartbeat, so /healthz can tell whether anything is consuming the queue."""

from __future__ import annotations

import time

from huey import crontab
from huey.contrib.djhuey import HUEY, periodic_task


@periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def worker_heartbeat() -> None:
    HUEY.put("lionrock:worker-heartbeat", str(time.time()))
