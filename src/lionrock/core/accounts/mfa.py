"""Has this user, in this session, done the second factor the policy asks of them?

Kept apart from the access rules, the middleware and the selectors so that each of them can ask it
without importing the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from lionrock.core.kept_sql import kept_query_rows
from lionrock.core.request_memo import memoised

if TYPE_CHECKING:
    from lionrock.core.accounts.models import User


def user_has_mfa(user: User) -> bool:
    """True once the user has confirmed an authenticator (asked once per read-only request: the sign-in
    gate, the actor and the account panel each want to know)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    confirmed = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).values_list("pk")[:1]
    key = ("accounts.has_mfa", user.pk)  # every request's sign-in gate asks: its SQL kept (core.kept_sql)
    return memoised(key, lambda: bool(kept_query_rows(key, lambda: confirmed)))


def mfa_satisfied(request: HttpRequest) -> bool:
    """True when this session has done whatever second factor the policy asks of its user."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_verified():  # type: ignore[attr-defined]
        return True
    return not settings.LIONROCK_REQUIRE_MFA and not user_has_mfa(user)
