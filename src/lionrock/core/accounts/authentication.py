"""How machines and browsers prove who they are to the API and TAXII: Bearer, Basic, or a session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBasicAuth, HttpBearer, SessionAuth

from lionrock.core.accounts import services
from lionrock.core.accounts.access import Actor, actor_for_user


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


class TokenBearer(HttpBearer):
    """`Authorization: Bearer lrk_...`"""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return services.token_authenticate(token, ip_address=_address(request))


class TokenBasic(HttpBasicAuth):
    """HTTP Basic with the token as password, for TAXII clients that only speak Basic."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Actor | None:
        return services.token_authenticate(password or username, ip_address=_address(request))


class SignedInSession(SessionAuth):
    """A browser session counts only once sign-in is complete, MFA included; CSRF is checked."""

    def authenticate(self, request: HttpRequest, key: Any) -> Actor | None:
        from lionrock.core.accounts.middleware import mfa_satisfied

        if request.user.is_authenticated and mfa_satisfied(request):
            return actor_for_user(request.user, ip_address=_address(request))
        return None


API_AUTH = [TokenBearer(), TokenBasic(), SignedInSession()]
