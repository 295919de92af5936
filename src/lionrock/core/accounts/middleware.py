"""Holds a signed-in user at the door until they have changed a one-time password and passed MFA."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from lionrock.core.accounts.mfa import user_has_mfa

# Paths a half-signed-in user may still reach; the API and TAXII answer with their own 401.
OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/", "/api/", "/taxii2/", "/report/", "/favicon.ico")


class SignInCompletionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path_info
        if user.is_authenticated and not path.startswith(OPEN_PREFIXES):
            step = self._pending_step(request)
            if step and path not in (reverse(step), reverse("accounts:logout")):
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _pending_step(request: HttpRequest) -> str | None:
        user = request.user
        if not user.is_verified():  # type: ignore[union-attr]
            if user_has_mfa(user):  # type: ignore[arg-type]
                return "accounts:mfa_verify"
            if settings.LIONROCK_REQUIRE_MFA:
                return "accounts:mfa_enrol"
        if user.must_change_password:  # type: ignore[union-attr]
            return "accounts:password_change"
        return None
