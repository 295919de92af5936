"""Sign-in lock-out: per account and address (django-axes), plus a slower throttle per account.

The policy, for accounts that hold case files and shared intelligence:

* **Account + address.** After `LIONROCK_LOGIN_FAILURE_LIMIT` failures for one account from one address,
  that account is refused *from that address* for `LIONROCK_LOCKOUT_MINUTES` (django-axes, lockout
  parameters `[["username", "ip_address"]]`). Nobody at another address, and no other account at that
  address, is affected, so a guesser cannot lock an officer out of every desk at once, and one busy
  address (a proxy, a shared office) cannot lock its other users out.
* **Account, from every address.** A guesser spreading attempts over many addresses is slowed by a
  separate, larger count: after `LIONROCK_ACCOUNT_FAILURE_LIMIT` failures for one account within
  `LIONROCK_ACCOUNT_FAILURE_WINDOW_MINUTES`, from any addresses, the account is refused everywhere until
  the oldest of them leaves the window, or until an administrator unlocks it. Reaching it takes
  several addresses, since each one is stopped after its own few failures.
* Attempts refused while locked are not counted (`AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT` off), so
  hammering a locked door neither extends the lock nor fills the account's count.

Both counts live in the database (axes' attempt and failure-log tables), so every web process and
machine sees the same numbers. An administrator unlocks an account with `sign_in_unlock` (member page)
or `lionrock unlock EMAIL`; both are audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone


def _window() -> timedelta:
    return timedelta(minutes=settings.LIONROCK_ACCOUNT_FAILURE_WINDOW_MINUTES)


def account_failures(username: str) -> int:
    """Failed sign-ins for this account, from every address, within the account window."""
    since = timezone.now() - _window()
    return int(AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count())


def account_throttled(username: str) -> bool:
    return account_failures(username) >= settings.LIONROCK_ACCOUNT_FAILURE_LIMIT


def addresses_locked(username: str) -> list[str]:
    """The addresses from which this account is locked out now (account + address lock)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        .values_list("ip_address", "failures_since_start")
        .order_by("ip_address")
    )
    totals: dict[str, int] = {}
    for address, failures in rows:
        totals[address or ""] = totals.get(address or "", 0) + failures
    return [address for address, failures in totals.items() if failures >= settings.AXES_FAILURE_LIMIT]


def sign_in_locked(username: str) -> bool:
    """True when the account is throttled, or locked from at least one address."""
    return account_throttled(username) or bool(addresses_locked(username))


def failures_clear(username: str) -> int:
    """Forgets the account's counted failures, every address; returns how many records went."""
    attempts, _ = AccessAttempt.objects.filter(username=username).delete()
    logs, _ = AccessFailureLog.objects.filter(username=username).delete()
    return int(attempts + logs)


class AccountThrottleBackend:
    """Refuses every sign-in of an account past its account-wide failure count, before the password.

    It has no `get_user`: it never signs anyone in, so no session names it as its backend.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, **kwargs: Any) -> None:
        if request is None or not username or not account_throttled(username):
            return None
        # Marks the refusal as a lock-out: axes then neither counts it nor resets its timers, and its
        # middleware answers with the locked-out page.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        request.lionrock_account_throttled = True  # type: ignore[attr-defined]
        raise PermissionDenied
