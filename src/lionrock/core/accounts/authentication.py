"""How machines and browsers prove who they are to the API and TAXII, and which token scope each route needs.

The one mechanism for scopes is `ScopedRouter`: every app's REST router is built as
`ScopedRouter(read=Scope.X_READ, write=Scope.X_WRITE)`, so each GET needs the read scope and every other
method the write scope, unless an operation names its own with `auth=scoped(Scope.Y)` (or `auth=None`
for the few public endpoints). The scope is checked at the door, before the endpoint runs, and shown in
the OpenAPI schema as the operation's security requirement. Browser sessions carry every scope; their
owner's roles still decide what they see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.constants import NOT_SET
from ninja.security import HttpBasicAuth, HttpBearer, SessionAuth

from lionrock.core.accounts import services
from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.roles import Scope
from lionrock.core.accounts.schemas import ErrorOut, RequestInvalidOut


class ScopeMissing(Exception):
    """A valid token that was not issued with the scope this route needs (answered 403)."""

    def __init__(self, scope: str) -> None:
        super().__init__(scope)
        self.scope = scope

    @property
    def message(self) -> str:
        return _("This API token lacks the %(scope)s scope.") % {"scope": self.scope}


class PasswordChangeRequired(Exception):
    """A session signed in with a one-time password, not yet replaced (answered 403)."""

    @property
    def message(self) -> str:
        return _("Change your one-time password in the browser before using the API.")


def _address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _with_scope(actor: Actor | None, scope: str | None) -> Actor | None:
    if actor is not None and scope is not None and not actor.has_scope(scope):
        raise ScopeMissing(scope)
    return actor


class TokenBearer(HttpBearer):
    """`Authorization: Bearer lrk_...`"""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        return _with_scope(services.token_authenticate(token, ip_address=_address(request)), self.scope)


class TokenBasic(HttpBasicAuth):
    """HTTP Basic with the token as password, for TAXII clients that only speak Basic."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Actor | None:
        actor = services.token_authenticate(password or username, ip_address=_address(request))
        return _with_scope(actor, self.scope)


def session_actor(request: HttpRequest) -> Actor | None:
    """The actor of a browser session whose sign-in is complete, or None.

    Complete means MFA passed and no one-time password still to replace: a session signed in with the
    password an administrator set is refused (PasswordChangeRequired) until its owner chooses their own.
    """
    from lionrock.core.accounts.mfa import mfa_satisfied

    user = request.user
    if not (user.is_authenticated and mfa_satisfied(request)):
        return None
    if user.must_change_password:
        raise PasswordChangeRequired
    return actor_for_user(user, ip_address=_address(request))


class SignedInSession(SessionAuth):
    """A browser session counts only once sign-in is complete (MFA, own password); CSRF is checked."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, key: Any) -> Actor | None:
        return session_actor(request)


def scoped(scope: Scope | str) -> list[Any]:
    """The authentication of a route that needs `scope` of a token (sessions carry every scope)."""
    name = str(scope)
    return [TokenBearer(name), TokenBasic(name), SignedInSession(name)]


API_AUTH = [TokenBearer(), TokenBasic(), SignedInSession()]

# Answers every authenticated route may give, declared so the OpenAPI schema tells the truth.
_REFUSALS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _declared(response: Any, methods: Sequence[str], public: bool) -> dict[Any, Any]:
    """The operation's own responses plus the refusals; 422 may also be a request that does not parse."""
    declared: dict[Any, Any] = dict(response) if isinstance(response, dict) else {200: response}
    if declared.get(200) is NOT_SET:
        declared[200] = Any
    for code, schema in ({} if public else _REFUSALS).items():
        declared.setdefault(code, schema)
    declared.setdefault(404, ErrorOut)
    own = declared.get(422)
    declared[422] = (
        ErrorOut | RequestInvalidOut if own in (None, ErrorOut) else own | ErrorOut | RequestInvalidOut
    )
    if _BODY_METHODS & set(methods):
        declared.setdefault(400, ErrorOut)
        declared.setdefault(413, ErrorOut)
    return declared


def security_with_scopes(schema: dict[str, Any]) -> dict[str, Any]:
    """Keeps, in an OpenAPI schema, only the security requirements that name a scope where there are any.

    django-ninja writes one empty requirement per authentication class and appends ours, which name the
    scope; the empty ones would tell a reader that no scope is needed.
    """
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            security = operation.get("security")
            if security and any(any(entry.values()) for entry in security):
                operation["security"] = [entry for entry in security if any(entry.values())]
    return schema


class ScopedRouter(Router):
    """A router whose every operation needs a token scope: `read` for GET, `write` for the rest.

    An operation may name its own scope with `auth=scoped(Scope.Y)`, or be public with `auth=None`.
    """

    def __init__(self, *, read: Scope | str, write: Scope | str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.read_scope = str(read)
        self.write_scope = str(write) if write else None

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        auth: Any = NOT_SET,
        response: Any = NOT_SET,
        openapi_extra: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if auth is NOT_SET:
            scope = self.read_scope if set(methods) <= {"GET", "HEAD"} else self.write_scope
            if scope is None:
                raise ImproperlyConfigured(f"{path}: a router without a write scope takes only GET")
            auth = scoped(scope)
        extra = dict(openapi_extra or {})
        if auth:
            # The requirement names the scope, so readers of the schema (and the tests) know it.
            extra.setdefault(
                "security",
                [{type(method).__name__: [getattr(method, "scope", None) or ""]} for method in auth],
            )
        super().add_api_operation(
            path,
            methods,
            view_func,
            auth=auth,
            response=_declared(response, methods, public=not auth),
            openapi_extra=extra,
            **kwargs,
        )
