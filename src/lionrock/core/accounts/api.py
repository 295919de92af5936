"""REST endpoints for one's own account and tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from lionrock.core.accounts import selectors, services
from lionrock.core.accounts.access import Actor, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.roles import Scope
from lionrock.core.accounts.schemas import MembershipOut, MeOut, RowId, TokenOut

router = ScopedRouter(read=Scope.ACCOUNT_READ, write=Scope.ACCOUNT_MANAGE, tags=["accounts"])


def _actor(request: HttpRequest) -> Actor:
    return actor_for_api(request)


@router.get("/me", response=MeOut, summary="Who the caller is and what it may do")
def me(request: HttpRequest) -> MeOut:
    actor = _actor(request)
    organisations = {org.pk: org for org in selectors.organisations_of(actor=actor)}
    assert actor.user is not None
    return MeOut(
        email=actor.user.email,
        full_name=actor.user.full_name,
        preferred_language=actor.user.preferred_language,
        via_token=actor.token is not None,
        memberships=[
            MembershipOut(
                organisation=organisations[org_id].slug,
                organisation_name=organisations[org_id].name_en,
                roles=sorted(roles),
            )
            for org_id, roles in sorted(actor.grants.items())
            if org_id in organisations
        ],
    )


def _token_out(token: object) -> TokenOut:
    return TokenOut(
        id=token.pk,  # type: ignore[attr-defined]
        name=token.name,  # type: ignore[attr-defined]
        prefix=token.prefix,  # type: ignore[attr-defined]
        organisation=token.organisation.slug,  # type: ignore[attr-defined]
        scopes=token.scopes,  # type: ignore[attr-defined]
        created_at=token.created_at,  # type: ignore[attr-defined]
        expires_at=token.expires_at,  # type: ignore[attr-defined]
        revoked_at=token.revoked_at,  # type: ignore[attr-defined]
        last_used_at=token.last_used_at,  # type: ignore[attr-defined]
    )


@router.get("/tokens", response=list[TokenOut], summary="The caller's API tokens (secrets are never shown)")
def token_list(request: HttpRequest) -> list[TokenOut]:
    actor = _actor(request)
    return [_token_out(token) for token in selectors.tokens_of(actor=actor)]


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of the caller's tokens")
def token_revoke(request: HttpRequest, token_id: RowId) -> Status[None]:
    actor = _actor(request)
    token = selectors.token_get(actor=actor, token_id=token_id)
    services.token_revoke(actor=actor, token=token)
    return Status(204, None)
