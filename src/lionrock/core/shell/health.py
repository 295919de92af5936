"""Health of the parts the platform cannot run without: its database and its task queue."""

from __future__ import annotations

import time
from typing import Any

from django.db import connection


def database_state() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any failure means unhealthy; the reason is reported)
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 2)}


def task_queue_state() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    try:
        pending = HUEY.pending_count()
        heartbeat = HUEY.get("lionrock:worker-heartbeat", peek=True)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "backend": type(HUEY.storage).__name__, "error": type(exc).__name__}
    state: dict[str, Any] = {
        "ok": True,
        "backend": type(HUEY.storage).__name__,
        "immediate": HUEY.immediate,
        "pending": pending,
    }
    if heartbeat is not None:
        state["worker_seen_seconds_ago"] = round(time.time() - float(heartbeat), 1)
    return state
