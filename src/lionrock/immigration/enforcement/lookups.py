"""Failed public look-ups counted per connection, so a reference-and-code page cannot be used to guess.

The codes are long enough that guessing fails anyway; this keeps a scripted attempt slow and visible in
the log. Counts live in Django's cache (per process unless a shared cache is configured) for one hour;
the connection's address is kept there only as a keyed hash.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

from lionrock.immigration.enforcement.encryption import blind_index

__all__ = ["LOOKUP_FAILURES_PER_HOUR", "lookup_failure_count", "lookup_refused"]

logger = logging.getLogger(__name__)

LOOKUP_FAILURES_PER_HOUR = 10
_WINDOW_SECONDS = 3600


def _key(scope: str, address: str) -> str:
    window = int(time.time()) // _WINDOW_SECONDS
    return f"lionrock:lookups:{scope}:{blind_index(f'lookup:{address}')}:{window}"


def lookup_refused(*, scope: str, address: str) -> bool:
    """True once this connection has failed LOOKUP_FAILURES_PER_HOUR times this hour."""
    return int(cache.get(_key(scope, address), 0)) >= LOOKUP_FAILURES_PER_HOUR


def lookup_failure_count(*, scope: str, address: str) -> None:
    key = _key(scope, address)
    cache.add(key, 0, timeout=_WINDOW_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_WINDOW_SECONDS)
        failures = 1
    if failures == LOOKUP_FAILURES_PER_HOUR:
        logger.warning("%s: look-up limit reached for one connection", scope)
