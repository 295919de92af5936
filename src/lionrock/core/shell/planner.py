"""Keeps the database's query-planner statistics current, so indexed look-ups stay indexed as data grows.

SQLite plans without statistics until something runs ANALYZE, and nothing does by itself: on a store
loaded by TAXII pushes it then picks a scan for a TAXII GET by id (100 ms at 100,000 objects instead of
well under one). `analysis_limit` bounds the work per index, so a refresh costs milliseconds at a million
rows. PostgreSQL's autovacuum keeps its own statistics; nothing is done there.
"""

from __future__ import annotations

import threading
import time

from django.db import connection

ANALYSIS_LIMIT = 1000
_lock = threading.Lock()
_last_refresh = float("-inf")


def planner_statistics_refresh(*, unless_within_seconds: float = 0.0) -> bool:
    """Re-gathers SQLite's statistics (sampled); returns whether anything ran.

    `unless_within_seconds` lets a stream of bulk loads (a TAXII envelope every second) refresh once a
    minute rather than after every envelope: the write lock ANALYZE takes would queue behind them.
    """
    global _last_refresh
    if connection.vendor != "sqlite":
        return False
    with _lock:
        if time.monotonic() - _last_refresh < unless_within_seconds:
            return False
        _last_refresh = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
