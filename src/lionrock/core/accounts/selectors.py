"""Every read of organisations, members and tokens, scoped to what the actor may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import ApiToken, Membership, MembershipRole, Organisation, User
from lionrock.core.accounts.roles import Role

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice


def organisations_directory(*, actor: Actor) -> QuerySet[Organisation]:
    """The active organisations by name: any signed-in user may see who takes part."""
    if actor.user is None:
        raise NotFound
    return Organisation.objects.filter(is_active=True)


def organisations_managed(*, actor: Actor) -> QuerySet[Organisation]:
    """Platform admins manage every organisation; organisation admins their own."""
    if actor.is_platform_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=actor.organisations_with(Role.ORG_ADMIN))


def organisation_managed_get(*, actor: Actor, slug: str) -> Organisation:
    organisation = organisations_managed(actor=actor).filter(slug=slug).first()
    if organisation is None:
        raise NotFound
    return organisation


def organisations_of(*, actor: Actor) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=actor.organisation_ids)


def members_of(*, actor: Actor, organisation: Organisation) -> QuerySet[Membership]:
    if not actor.is_platform_admin:
        access.require(actor, Role.ORG_ADMIN, organisation=organisation)
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .prefetch_related(Prefetch("role_grants", queryset=MembershipRole.objects.order_by("role")))
        .order_by("-is_active", "user__full_name")
    )


def membership_get(*, actor: Actor, organisation: Organisation, membership_id: int) -> Membership:
    membership = members_of(actor=actor, organisation=organisation).filter(pk=membership_id).first()
    if membership is None:
        raise NotFound
    return membership


def tokens_of(*, actor: Actor) -> QuerySet[ApiToken]:
    if actor.user is None:
        raise NotFound
    return ApiToken.objects.filter(user=actor.user).select_related("organisation")


def token_get(*, actor: Actor, token_id: int) -> ApiToken:
    token = tokens_of(actor=actor).filter(pk=token_id).first()
    if token is None:
        raise NotFound
    return token


def users_with_role(*, role: Role | str, organisation: Organisation) -> QuerySet[User]:
    """People who hold a role in an organisation, e.g. to assign work or send reminders."""
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__role_grants__role=role,
    ).distinct()


def mfa_device_pending(user: User) -> TOTPDevice | None:
    """The authenticator being enrolled but not yet confirmed with a first code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def members_attention_counts(*, actor: Actor) -> dict[str, int]:
    """For organisation admins: members still on a one-time password, and members without MFA."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    orgs = organisations_managed(actor=actor)
    active = Membership.objects.filter(organisation__in=orgs, is_active=True, user__is_active=True)
    with_mfa = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return {
        "one_time_password": active.filter(user__must_change_password=True).count(),
        "without_mfa": active.exclude(user_id__in=with_mfa).count(),
    }


def tokens_expiring(*, actor: Actor, within_days: int = 14) -> int:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    return (
        tokens_of(actor=actor)
        .filter(
            revoked_at__isnull=True, expires_at__gt=now, expires_at__lte=now + timedelta(days=within_days)
        )
        .count()
    )
