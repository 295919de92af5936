"""Holds a signed-in user at the door until they have changed a one-time password and passed MFA."""

from __future__ import annotations

import time
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


# How stale a signed-in session's expiry may grow before a request writes it again.
SESSION_REFRESH_SECONDS = 60


class SessionIdleRefreshMiddleware:
    """Keeps a session alive while it is used, writing it at most once a minute.

    Saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST) made every page view a
    write to the database; on SQLite each took the one write lock, so fifty users reading pages queued
    behind each other. The idle sign-out still comes LIONROCK_SESSION_IDLE_MINUTES after the last
    request, give or take this minute. Listed after SessionMiddleware, so it runs before the session is
    saved on the way out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(time.time())
            if now - int(session.get("_refreshed", 0)) >= SESSION_REFRESH_SECONDS:
                session["_refreshed"] = now  # marks the session modified: saved with a new expiry
        return response
