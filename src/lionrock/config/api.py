"""The one NinjaAPI: every app mounts its router here; OpenAPI is served at /api/docs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.api import router as accounts_router
from lionrock.core.accounts.authentication import (
    API_AUTH,
    PasswordChangeRequired,
    ScopeMissing,
    security_with_scopes,
)
from lionrock.core.boundedjson import json_loads_bounded
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills.api import router as drills_router
from lionrock.cyber.events.api import router as events_router
from lionrock.cyber.exchange.api import router as exchange_router
from lionrock.cyber.incidents.api import router as incidents_router
from lionrock.cyber.intel.api import router as intel_router
from lionrock.cyber.monitoring.api import router as monitoring_router
from lionrock.immigration.enforcement.api import router as enforcement_router
from lionrock.immigration.screening.api import router as screening_router
from lionrock.publishing.api import router as publishing_router


class BoundedJsonParser(Parser):
    """Request bodies are read with a limit on nesting; a deeper one is a 400, not a RecursionError."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json_loads_bounded(request.body)


class LionrockAPI(NinjaAPI):
    """The NinjaAPI whose schema names the token scope each operation needs."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = security_with_scopes(super().get_openapi_schema(*args, **kwargs))
        # Answered by the web server before Lionrock sees the request, on every operation alike.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                operation.setdefault("responses", {}).setdefault(
                    "414", {"description": "The request line (address and query) is longer than 8,190 bytes."}
                )
        return schema


api = LionrockAPI(
    title="Lionrock API",
    version="1",
    description="Threat-intelligence sharing, monitoring and case work. Authenticate with an API token "
    "as `Authorization: Bearer <token>`.",
    auth=API_AUTH,
    parser=BoundedJsonParser(),
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(ScopeMissing)
def _scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(PasswordChangeRequired)
def _password_change_required(request: HttpRequest, exc: PasswordChangeRequired) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("The request body is larger than this server accepts.")}, status=413
    )


api.add_router("/accounts", accounts_router)
api.add_router("/intel", intel_router)
api.add_router("/exchange", exchange_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/incidents", incidents_router)
api.add_router("/events", events_router)
api.add_router("/drills", drills_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/screening", screening_router)
api.add_router("/publishing", publishing_router)
