"""The one place that answers "may this actor do that here?".

Views, API endpoints and tasks build an Actor once per request and hand it to services and selectors.
A refusal raises NotFound, the same answer as a missing object, so callers learn nothing from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.http import Http404

from lionrock.core.accounts.roles import MODULE_ORDER, ROLE_CATALOGUE, Module, Role, Scope
from lionrock.core.kept_sql import kept_query_rows

if TYPE_CHECKING:
    from lionrock.core.accounts.models import ApiToken, Organisation, User


class NotFound(Http404):
    """Raised for both "absent" and "forbidden"."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user, the roles they hold per organisation, and the token if any."""

    user: User | None
    grants: Mapping[int, frozenset[str]] = field(default_factory=dict)
    token: ApiToken | None = None
    ip_address: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user is None

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(self.grants)

    @property
    def primary_organisation_id(self) -> int | None:
        if self.token is not None:
            return self.token.organisation_id
        return min(self.grants) if self.grants else None

    @property
    def is_platform_admin(self) -> bool:
        return any(Role.PLATFORM_ADMIN in roles for roles in self.grants.values())

    def has_role(self, role: Role | str, organisation: Organisation | int | None = None) -> bool:
        """True when the actor holds the role in that organisation (or in any, when none is given)."""
        if organisation is None:
            return any(role in roles for roles in self.grants.values())
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        return role in self.grants.get(org_id, frozenset())

    def organisations_with(self, *roles: Role | str) -> frozenset[int]:
        return frozenset(org for org, held in self.grants.items() if any(role in held for role in roles))

    def has_scope(self, scope: Scope | str) -> bool:
        """Session users carry every scope; a token only those it was issued with."""
        return self.token is None or scope in (self.token.scopes or [])

    def modules(self) -> list[Module]:
        held = {module for roles in self.grants.values() for role in roles for module in _modules_of(role)}
        return [module for module in MODULE_ORDER if module in held]


ANONYMOUS = Actor(user=None)


def _modules_of(role: str) -> tuple[Module, ...]:
    info = ROLE_CATALOGUE.get(role)
    return info.modules if info else ()


def actor_for_user(user: User, *, ip_address: str | None = None) -> Actor:
    """Builds the actor in one query: active memberships of active organisations and their roles."""
    from lionrock.core.accounts.models import MembershipRole

    if not user.is_active:
        return Actor(user=None, ip_address=ip_address)
    grants: dict[int, set[str]] = {}
    # Every request asks this; its SQL, which depends on the user alone, is kept (core.kept_sql).
    rows = kept_query_rows(
        ("accounts.roles", user.pk),
        lambda: MembershipRole.objects.filter(
            membership__user_id=user.pk,
            membership__is_active=True,
            membership__organisation__is_active=True,
        ).values_list("membership__organisation_id", "role"),
    )
    for org_id, role in rows:
        grants.setdefault(org_id, set()).add(role)
    return Actor(user=user, grants={k: frozenset(v) for k, v in grants.items()}, ip_address=ip_address)


def actor_for_email(email: str, *, ip_address: str | None = "command line") -> Actor | None:
    """The actor of the active user with this e-mail address (command line, demo), or None."""
    from lionrock.core.accounts.models import User

    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    return actor_for_user(user, ip_address=ip_address) if user is not None else None


def actor_for_token(token: ApiToken, *, ip_address: str | None = None) -> Actor:
    """A token acts for one organisation only, with its owner's roles there."""
    full = actor_for_user(token.user, ip_address=ip_address)
    roles = full.grants.get(token.organisation_id, frozenset())
    grants = {token.organisation_id: roles} if roles else {}
    return Actor(user=full.user, grants=grants, token=token, ip_address=ip_address)


def require(actor: Actor, *roles: Role | str, organisation: Organisation | int | None = None) -> None:
    """Refuses (as not-found) unless the actor holds one of the roles, optionally in that organisation."""
    if actor.user is None or not any(actor.has_role(role, organisation) for role in roles):
        raise NotFound


def home_organisation(actor: Actor, *roles: Role | str) -> Organisation:
    """The organisation a record made by this actor in one of these roles belongs to.

    The lowest-numbered organisation where the actor holds one of the roles, so the choice is stable;
    NotFound when the actor holds none of them anywhere.
    """
    from lionrock.core.accounts.models import Organisation

    organisations = sorted(actor.organisations_with(*roles))
    if actor.user is None or not organisations:
        raise NotFound
    return Organisation.objects.get(pk=organisations[0])


def require_scope(actor: Actor, scope: Scope | str) -> None:
    if not actor.has_scope(scope):
        raise NotFound


def require_any_organisation(actor: Actor, organisation_ids: Iterable[int], *roles: Role | str) -> None:
    if not any(actor.has_role(role, org) for org in organisation_ids for role in roles):
        raise NotFound


def actor_for_request(request: object) -> Actor:
    """The actor behind a browser request, built once and kept on the request."""
    cached = getattr(request, "lionrock_actor", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from lionrock.core.accounts.mfa import mfa_satisfied

    ip_address = request.META.get("REMOTE_ADDR")  # type: ignore[attr-defined]
    user = request.user  # type: ignore[attr-defined]
    if user.is_authenticated and mfa_satisfied(request):  # type: ignore[arg-type]
        actor = actor_for_user(user, ip_address=ip_address)
    else:
        actor = Actor(user=None, ip_address=ip_address)
    request.lionrock_actor = actor  # type: ignore[attr-defined]
    return actor


def actor_for_api(request: object, scope: Scope | str | None = None) -> Actor:
    """The actor django-ninja authenticated for this request, optionally holding a token scope."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor) or actor.user is None:
        raise NotFound
    if scope is not None:
        require_scope(actor, scope)
    return actor
