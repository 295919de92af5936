"""Has this user, in this session, done the second factor the policy asks of them?

Kept apart from the access rules, the middleware and the selectors so that each of them can ask it
without importing the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from lionrock.core.request_memo import memoised

if TYPE_CHECKING:
    from lionrock.core.accounts.models import User


def user_has_mfa(user: User) -> bool:
    """True once the user has confirmed an authenticator (asked once per read-only request: the sign-in
    gate, the actor and the account panel each want to know)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return memoised(
        ("accounts.has_mfa", user.pk),
        lambda: bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists()),
    )


def mfa_satisfied(request: HttpRequest) -> bool:
    """True when this session has done whatever second factor the policy asks of its user."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_verified():  # type: ignore[attr-defined]
        return True
    return not settings.LIONROCK_REQUIRE_MFA and not user_has_mfa(user)
