"""The one NinjaAPI: every app mounts its router here; OpenAPI is served at /api/docs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.api import router as accounts_router
from lionrock.core.accounts.authentication import API_AUTH
from lionrock.core.accounts.services import ValidationFailed
from lionrock.cyber.drills.api import router as drills_router
from lionrock.cyber.exchange.api import router as exchange_router
from lionrock.cyber.intel.api import router as intel_router
from lionrock.cyber.monitoring.api import router as monitoring_router
from lionrock.immigration.enforcement.api import router as enforcement_router
from lionrock.immigration.screening.api import router as screening_router

api = NinjaAPI(
    title="Lionrock API",
    version="1",
    description="Threat-intelligence sharing, monitoring and case work. Authenticate with an API token "
    "as `Authorization: Bearer <token>`.",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=422)


api.add_router("/accounts", accounts_router)
api.add_router("/intel", intel_router)
api.add_router("/exchange", exchange_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/drills", drills_router)
api.add_router("/enforcement", enforcement_router)
api.add_router("/screening", screening_router)
