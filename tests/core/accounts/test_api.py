import base64

import pytest
from django.test import Client

from lionrock.core.accounts import services
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.roles import Role
from tests.core.accounts.factories import member_make

pytestmark = pytest.mark.django_db


def issue(scopes=("account:read",), roles=(Role.INTEL_STAKEHOLDER,)):
    membership = member_make(roles)
    token, secret = services.token_create(
        actor=actor_for_user(membership.user),
        organisation=membership.organisation,
        name="client",
        scopes=scopes,
    )
    return membership, token, secret


def test_a_bearer_token_identifies_its_owner_and_organisation():
    membership, _, secret = issue()
    response = Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == membership.user.email
    assert body["via_token"] is True
    assert body["memberships"] == [
        {
            "organisation": membership.organisation.slug,
            "organisation_name": membership.organisation.name_en,
            "roles": [Role.INTEL_STAKEHOLDER],
        }
    ]


def test_taxii_style_basic_auth_takes_the_token_as_password():
    _, _, secret = issue()
    credentials = base64.b64encode(f"anyone:{secret}".encode()).decode()
    response = Client().get("/api/accounts/me", headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 200


def test_a_revoked_token_is_unauthorised():
    membership, token, secret = issue()
    services.token_revoke(actor=actor_for_user(membership.user), token=token)
    response = Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_a_token_without_the_scope_is_refused_with_the_scope_it_lacks():
    _, _, secret = issue(scopes=("intel:read",))
    response = Client().get("/api/accounts/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    assert "account:read" in response.json()["detail"]


def test_a_session_that_has_not_passed_mfa_is_unauthorised():
    membership = member_make([Role.INTEL_ANALYST])
    client = Client()
    client.force_login(membership.user)
    assert client.get("/api/accounts/me").status_code == 401


def test_a_fully_signed_in_session_reads_the_api(signed_in):
    client = signed_in([Role.INTEL_ANALYST])
    assert client.get("/api/accounts/me").json()["via_token"] is False


def test_a_session_signed_in_with_a_one_time_password_is_refused_until_it_is_changed(signed_in):
    from tests.core.conftest import session_after_password_reset

    client = session_after_password_reset(signed_in([Role.ENFORCEMENT_OFFICER]))
    for url in ("/api/accounts/me", "/api/enforcement/persons/1/export", "/api/enforcement/reports"):
        response = client.get(url)
        assert response.status_code == 403
        assert response["Content-Type"].startswith("application/json")
        assert "one-time password" in response.json()["detail"]


def test_revoking_through_the_api_and_listing_never_shows_secrets(signed_in):
    _membership, token, secret = issue(scopes=("account:read", "account:manage"))
    header = {"Authorization": f"Bearer {secret}"}
    listed = Client().get("/api/accounts/tokens", headers=header).json()
    assert [t["prefix"] for t in listed] == [token.prefix]
    assert secret not in str(listed)
    assert Client().delete(f"/api/accounts/tokens/{token.pk}", headers=header).status_code == 204
    assert Client().get("/api/accounts/tokens", headers=header).status_code == 401


def test_the_openapi_document_is_served_without_external_assets(signed_in):
    client = signed_in([Role.INTEL_ANALYST])
    assert client.get("/api/openapi.json").status_code == 200
    docs = client.get("/api/docs").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs


def test_a_token_needs_the_manage_scope_to_revoke_tokens():
    membership, token, secret = issue(scopes=("account:read", "intel:read"))
    response = Client().delete(
        f"/api/accounts/tokens/{token.pk}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    assert membership.user.api_tokens.count() == 1
