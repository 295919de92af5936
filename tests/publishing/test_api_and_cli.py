"""The same draft through the API and `lionrock publish draft`; the public list without a token."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lionrock import cli
from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.roles import Scope
from tests.immigration.enforcement.factories import department_make
from tests.publishing.factories import operation_with_arrests_make, press_officer_make, workers

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 15)


def _bearer(actor, *scopes):  # type: ignore[no-untyped-def]
    _token, secret = account_services.token_create(
        actor=actor, organisation=actor.primary_organisation_id, name="tool", scopes=scopes
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_returns_the_draft_with_the_source_of_every_figure() -> None:
    operation = operation_with_arrests_make(day=DAY, people=workers(3), codename="Harvest")
    press = press_officer_make()
    response = Client().get(
        "/api/publishing/operations/Harvest/draft",
        {"language": "zh-hant", "release_at": "2026-01-15T20:30:00+08:00"},
        **_bearer(press, Scope.PUBLISHING_READ),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"].endswith("拘捕三人") and "今日（一月十五日）" in body["body"]  # noqa: RUF001
    assert any(s["placeholder"] == "people" and str(operation.pk) in s["source"] for s in body["sources"])


def test_the_api_refuses_a_token_without_the_scope_and_finds_nothing_for_an_outsider() -> None:
    operation_with_arrests_make(day=DAY, people=workers(1), codename="Harvest")
    press = press_officer_make()
    outsider = press_officer_make(department_make())
    url = "/api/publishing/operations/Harvest/draft"
    assert Client().get(url, **_bearer(press, Scope.ENFORCEMENT_READ)).status_code == 403
    assert Client().get(url, **_bearer(outsider, Scope.PUBLISHING_READ)).status_code == 404


def test_a_release_is_drafted_submitted_and_approved_through_the_api_by_two_officers() -> None:
    operation = operation_with_arrests_make(day=DAY, people=workers(2))
    drafter, approver = press_officer_make(), press_officer_make()
    created = Client().post(
        "/api/publishing/releases",
        {"operation": str(operation.pk), "release_at": "2026-01-15T20:30:00+08:00"},
        content_type="application/json",
        **_bearer(drafter, Scope.PUBLISHING_WRITE),
    )
    assert created.status_code == 201
    release_id = created.json()["id"]
    own = _bearer(drafter, Scope.PUBLISHING_WRITE)
    assert Client().post(f"/api/publishing/releases/{release_id}/submit", **own).status_code == 200
    refused = Client().post(f"/api/publishing/releases/{release_id}/approve", **own)
    assert refused.status_code == 422 and "second press officer" in refused.json()["detail"]
    approved = Client().post(
        f"/api/publishing/releases/{release_id}/approve", **_bearer(approver, Scope.PUBLISHING_WRITE)
    )
    assert approved.status_code == 200 and approved.json()["version"] == 1
    public = Client().get("/api/publishing/published").json()
    assert [item["reference"] for item in public] == [created.json()["reference"]]


def test_the_command_prints_the_draft_in_the_language_asked(capsys) -> None:  # type: ignore[no-untyped-def]
    operation_with_arrests_make(day=DAY, people=workers(6, first_age=22, step=3), codename="Harvest")
    code = cli.main(
        ["publish", "draft", "--operation", "Harvest", "--language", "en", "--at", "2026-01-15T20:30"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Six persons arrested during anti-illegal worker operation\n")
    assert "six men, aged 22 to 37" in out and "Issued at HKT 20:30" in out


def test_the_command_says_so_when_there_is_no_such_operation(capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["publish", "draft", "--operation", "Nowhere", "--language", "zh-hant"]) == 2
    assert "no operation 'Nowhere'" in capsys.readouterr().err
