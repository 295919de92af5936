"""Every REST route needs a token scope, declared once on its router and shown in the OpenAPI schema."""

import json
import re

import pytest
from django.test import Client

from lionrock.config.api import api
from lionrock.core.accounts import services
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.roles import Role, Scope
from tests.core.accounts.factories import member_make

pytestmark = pytest.mark.django_db

# Public on purpose: an employer checks a job seeker's documents without an account.
PUBLIC = {
    ("post", "/api/enforcement/employer-check"),
    ("post", "/api/enforcement/employer-check/record.pdf"),
    ("post", "/api/enforcement/employer-check/records"),
    ("post", "/api/enforcement/employer-check/records/{reference}/record.pdf"),
    # What the public may read: published press releases.
    ("get", "/api/publishing/published"),
}
SCHEMA = json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes are strings
OPERATIONS = [
    (method, path, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
]


def _scopes(operation):
    return {
        scope for requirement in operation.get("security", []) for s in requirement.values() for scope in s
    }


def _url(path):
    return re.sub(r"\{[^}]+\}", "1", path)


def _token_without(scope):
    membership = member_make([role.value for role in Role])
    _, secret = services.token_create(
        actor=actor_for_user(membership.user),
        organisation=membership.organisation,
        name="all but one",
        scopes=[s for s in Scope.values if s != scope],
    )
    return secret


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_route_names_exactly_one_scope_unless_it_is_public(method, path, operation):
    if (method, path) in PUBLIC:
        assert "security" not in operation
    else:
        assert len(_scopes(operation)) == 1
        assert _scopes(operation) <= set(Scope.values)


SCOPED = [(m, p, o) for m, p, o in OPERATIONS if (m, p) not in PUBLIC]


@pytest.mark.parametrize(("method", "path", "operation"), SCOPED, ids=[f"{m} {p}" for m, p, _ in SCOPED])
def test_a_token_holding_every_scope_but_the_routes_own_is_refused(method, path, operation):
    (scope,) = _scopes(operation)
    secret = _token_without(scope)
    response = getattr(Client(), method)(_url(path), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert scope in response.json()["detail"]


def test_match_runs_are_listed_for_a_token_with_the_monitoring_read_scope():
    membership = member_make([Role.MONITORING_OPERATOR])
    _, secret = services.token_create(
        actor=actor_for_user(membership.user),
        organisation=membership.organisation,
        name="runs",
        scopes=[Scope.MONITORING_READ],
    )
    response = Client().get("/api/monitoring/runs", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    ("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS]
)
def test_every_route_declares_the_refusals_it_can_give(method, path, operation):
    responses = operation["responses"]
    assert {"404", "422"} <= set(responses)
    if (method, path) not in PUBLIC:
        assert {"401", "403"} <= set(responses)
    if method in ("post", "put", "patch"):
        assert {"400", "413"} <= set(responses)
    shapes = responses["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/RequestInvalidOut"} in shapes


def test_a_request_that_does_not_fit_the_schema_gets_the_declared_422_shape():
    invalid = SCHEMA["components"]["schemas"]["RequestInvalidOut"]
    assert invalid["properties"]["detail"]["type"] == "array"
    membership = member_make([Role.INTEL_ANALYST])
    _, secret = services.token_create(
        actor=actor_for_user(membership.user),
        organisation=membership.organisation,
        name="t",
        scopes=[Scope.INTEL_READ],
    )
    response = Client().get(
        "/api/intel/objects", {"page": "first"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 422
    (issue,) = response.json()["detail"]
    assert set(issue) >= {"type", "loc", "msg"}
