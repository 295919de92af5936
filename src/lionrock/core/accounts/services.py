"""Every write to organisations, users, memberships, tokens and MFA devices, each audited."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts import access, lockout
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import ApiToken, Membership, MembershipRole, Organisation, User
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed

TOKEN_PREFIX = "lrk"
RECOVERY_CODE_COUNT = 10

ORGANISATION_FIELDS = (
    "name_en",
    "name_zh",
    "short_name",
    "kind",
    "sector",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def _temporary_password() -> str:
    return secrets.token_urlsafe(12)


def _clean_roles(actor: Actor, roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in Role.values]
    if unknown:
        raise ValidationFailed(_("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)})
    if Role.PLATFORM_ADMIN in chosen and not actor.is_platform_admin:
        raise ValidationFailed(_("Only a platform administrator can grant the platform administrator role."))
    return chosen


def _require_org_admin(actor: Actor, organisation: Organisation) -> None:
    if actor.is_platform_admin:
        return
    access.require(actor, Role.ORG_ADMIN, organisation=organisation)


@transaction.atomic
def organisation_create(*, actor: Actor, slug: str, name_en: str, kind: str, **fields: Any) -> Organisation:
    access.require(actor, Role.PLATFORM_ADMIN)
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationFailed(
            _("An organisation with the short code “%(slug)s” already exists.") % {"slug": slug}
        )
    values = {k: v for k, v in fields.items() if k in ORGANISATION_FIELDS}
    organisation = Organisation.objects.create(slug=slug, name_en=name_en, kind=kind, **values)
    audit.record(
        actor=actor,
        action="accounts.organisation.create",
        target=organisation,
        changes={"slug": slug, **values},
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: Actor, organisation: Organisation, **fields: Any) -> Organisation:
    _require_org_admin(actor, organisation)
    changed = {k: v for k, v in fields.items() if k in ORGANISATION_FIELDS and getattr(organisation, k) != v}
    if "kind" in changed and not actor.is_platform_admin:
        raise ValidationFailed(_("Only a platform administrator can change an organisation's kind."))
    for name, value in changed.items():
        setattr(organisation, name, value)
    if changed:
        organisation.updated_at = timezone.now()
        organisation.save()
        audit.record(actor=actor, action="accounts.organisation.update", target=organisation, changes=changed)
    return organisation


@transaction.atomic
def organisation_set_active(*, actor: Actor, organisation: Organisation, active: bool) -> Organisation:
    access.require(actor, Role.PLATFORM_ADMIN)
    if organisation.is_active != active:
        organisation.is_active = active
        organisation.updated_at = timezone.now()
        organisation.save(update_fields=["is_active", "updated_at"])
        audit.record(
            actor=actor,
            action="accounts.organisation.activate" if active else "accounts.organisation.deactivate",
            target=organisation,
        )
    return organisation


@transaction.atomic
def member_add(
    *, actor: Actor, organisation: Organisation, email: str, full_name: str, roles: Iterable[str]
) -> tuple[Membership, str | None]:
    """Adds a person to an organisation; a new account gets a one-time password to hand over."""
    _require_org_admin(actor, organisation)
    chosen = _clean_roles(actor, roles)
    email = email.strip().lower()
    password: str | None = None
    user = User.objects.filter(email=email).first()
    if user is None:
        password = _temporary_password()
        user = User.objects.create_user(
            email, password, full_name=full_name.strip(), must_change_password=True
        )
    membership, created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if not created and membership.is_active:
        raise ValidationFailed(_("%(email)s is already a member of this organisation.") % {"email": email})
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    _roles_replace(membership, chosen)
    audit.record(
        actor=actor,
        action="accounts.member.add",
        target=membership,
        changes={"email": email, "roles": chosen, "new_account": password is not None},
    )
    return membership, password


def _roles_replace(membership: Membership, roles: list[str]) -> None:
    MembershipRole.objects.filter(membership=membership).exclude(role__in=roles).delete()
    existing = set(MembershipRole.objects.filter(membership=membership).values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in roles if role not in existing]
    )


@transaction.atomic
def membership_set_roles(*, actor: Actor, membership: Membership, roles: Iterable[str]) -> Membership:
    _require_org_admin(actor, membership.organisation)
    chosen = _clean_roles(actor, roles)
    before = sorted(membership.role_grants.values_list("role", flat=True))
    if Role.PLATFORM_ADMIN in before and Role.PLATFORM_ADMIN not in chosen and not actor.is_platform_admin:
        raise ValidationFailed(_("Only a platform administrator can remove the platform administrator role."))
    if (
        membership.user_id == getattr(actor.user, "pk", None)
        and Role.ORG_ADMIN in before
        and (Role.ORG_ADMIN not in chosen and not actor.is_platform_admin)
    ):
        raise ValidationFailed(_("You cannot remove your own administrator role."))
    if before != chosen:
        _roles_replace(membership, chosen)
        audit.record(
            actor=actor,
            action="accounts.member.roles",
            target=membership,
            changes={"before": before, "after": chosen},
            summary=f"{', '.join(before) or '-'} -> {', '.join(chosen) or '-'}",
        )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: Actor, membership: Membership) -> Membership:
    _require_org_admin(actor, membership.organisation)
    if membership.user_id == getattr(actor.user, "pk", None):
        raise ValidationFailed(_("You cannot remove yourself from the organisation."))
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        ApiToken.objects.filter(
            user=membership.user, organisation=membership.organisation, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        audit.record(actor=actor, action="accounts.member.deactivate", target=membership)
    return membership


@transaction.atomic
def member_password_reset(*, actor: Actor, membership: Membership, reset_mfa: bool = False) -> str:
    """An organisation admin issues a one-time password; the member must choose a new one at sign-in."""
    _require_org_admin(actor, membership.organisation)
    user = membership.user
    if user.pk == getattr(actor.user, "pk", None):
        raise ValidationFailed(_("Use the change-password page for your own account."))
    password = _temporary_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    if reset_mfa:
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    audit.record(
        actor=actor,
        action="accounts.member.password_reset",
        target=user,
        changes={"mfa_reset": reset_mfa},
    )
    return password


@transaction.atomic
def member_sign_in_unlock(*, actor: Actor, membership: Membership) -> int:
    """An organisation administrator lifts a member's sign-in lock-out, from every address and the
    account-wide count alike; returns how many failure records were cleared."""
    _require_org_admin(actor, membership.organisation)
    cleared = lockout.failures_clear(membership.user.email)
    audit.record(
        actor=actor, action="accounts.member.unlock", target=membership.user, changes={"cleared": cleared}
    )
    return cleared


@transaction.atomic
def user_sign_in_unlock_by_operator(*, email: str, operator: str) -> int:
    """The server operator's unlock (`lionrock unlock`), for any account, including an administrator's;
    audited under the operator's name."""
    user = User.objects.filter(email=email.strip().lower()).first()
    if user is None:
        raise ValidationFailed(_("There is no account %(email)s.") % {"email": email})
    cleared = lockout.failures_clear(user.email)
    audit.record(
        actor=None,
        action="accounts.member.unlock",
        target=user,
        changes={"cleared": cleared},
        actor_label=operator,
        ip_address=None,
    )
    return cleared


def user_password_change(*, actor: Actor, current_password: str, new_password: str) -> User:
    """A refusal is audited outside the change's transaction, so the failure's trace survives it."""
    user = actor.user
    if user is None:
        raise NotFound
    if not user.check_password(current_password):
        audit.record(actor=actor, action="accounts.password.change", target=user, outcome="failure")
        raise ValidationFailed(_("The current password is not correct."))
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit.record(actor=actor, action="accounts.password.change", target=user)
    return user


@transaction.atomic
def user_language_set(*, actor: Actor, language: str) -> None:
    user = actor.user
    if user is None or language not in User.Language.values or user.preferred_language == language:
        return
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    audit.record(actor=actor, action="accounts.user.language", target=user, changes={"language": language})


@transaction.atomic
def platform_admin_create(*, email: str, full_name: str, password: str, organisation_slug: str) -> User:
    """Bootstraps the first administrator from the command line, where no actor exists yet."""
    validate_password(password)
    organisation, _created = Organisation.objects.get_or_create(
        slug=organisation_slug,
        defaults={
            "name_en": "Platform operations",
            "name_zh": "平台營運",
            "kind": Organisation.Kind.GOVERNMENT,
        },
    )
    user = User.objects.filter(email=email.lower()).first()
    if user is None:
        user = User.objects.create_user(
            email, password, full_name=full_name, is_staff=True, is_superuser=True
        )
    else:
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.must_change_password = False
        user.save()
    membership, _joined = Membership.objects.get_or_create(user=user, organisation=organisation)
    _roles_replace(
        membership,
        sorted(
            set(membership.role_grants.values_list("role", flat=True)) | {Role.PLATFORM_ADMIN, Role.ORG_ADMIN}
        ),
    )
    audit.record(actor=None, actor_label="command line", action="accounts.admin.create", target=user)
    return user


# --- API tokens ---------------------------------------------------------------------------------------


def _token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *,
    actor: Actor,
    organisation: Organisation | int | None,
    name: str,
    scopes: Iterable[str],
    expires_in_days: int = 90,
) -> tuple[ApiToken, str]:
    """Issues a token for the acting user in one of their organisations; the secret is returned once."""
    user = actor.user
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if user is None or actor.token is not None or org_id is None or org_id not in actor.grants:
        raise NotFound
    chosen = sorted(set(scopes))
    if not chosen or any(scope not in Scope.values for scope in chosen):
        raise ValidationFailed(_("Choose one or more valid scopes."))
    if not 1 <= expires_in_days <= 366:
        raise ValidationFailed(_("A token must expire within 1 to 366 days."))
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed(_("Give the token a name of at most 100 characters."))
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        organisation_id=org_id,
        name=name,
        prefix=prefix,
        digest=_token_digest(secret),
        scopes=chosen,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    audit.record(actor=actor, action="accounts.token.create", target=token, changes={"scopes": chosen})
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    if actor.user is None or (
        token.user_id != actor.user.pk and not actor.has_role(Role.ORG_ADMIN, token.organisation_id)
    ):
        raise NotFound
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.token.revoke", target=token)
    return token


def token_authenticate(raw: str, *, ip_address: str | None = None) -> Actor | None:
    """Resolves a presented token to its actor, or None; refusals are audited as security events."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "organisation").filter(prefix=parts[1]).first()
    now = timezone.now()
    if token is None or not hmac.compare_digest(token.digest, _token_digest(parts[2])):
        audit.record(
            actor=None,
            action="accounts.token.authenticate",
            outcome="denied",
            actor_label=f"token {parts[1][:12]}",
            ip_address=ip_address,
            summary="unknown token",
        )
        return None
    if not token.is_usable(now) or not token.user.is_active or not token.organisation.is_active:
        reason = (
            "revoked" if token.revoked_at else "expired" if token.expires_at <= now else "account inactive"
        )
        audit.record(
            actor=None,
            action="accounts.token.authenticate",
            outcome="denied",
            target=token,
            actor_label=token.user.email,
            ip_address=ip_address,
            summary=reason,
        )
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return access.actor_for_token(token, ip_address=ip_address)


# --- MFA ------------------------------------------------------------------------------------------------


@transaction.atomic
def mfa_totp_begin(*, actor: Actor) -> TOTPDevice:
    """Starts (or restarts) enrolment with a fresh unconfirmed device; confirmed devices are untouched."""
    if actor.user is None:
        raise NotFound
    TOTPDevice.objects.filter(user=actor.user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor.user, name="Authenticator app", confirmed=False)


def mfa_totp_confirm(*, actor: Actor, device: TOTPDevice, code: str) -> list[str]:
    """Confirms enrolment with a first code and returns freshly generated recovery codes."""
    if actor.user is None or device.user_id != actor.user.pk or device.confirmed:
        raise NotFound
    if not device.verify_token(code.strip().replace(" ", "")):
        audit.record(actor=actor, action="accounts.mfa.enrol", target=actor.user, outcome="failure")
        raise ValidationFailed(_("That code is not correct. Check your device's clock and try again."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _recovery_codes_replace(actor.user)
        audit.record(actor=actor, action="accounts.mfa.enrol", target=actor.user)
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def mfa_recovery_codes_regenerate(*, actor: Actor) -> list[str]:
    if actor.user is None:
        raise NotFound
    codes = _recovery_codes_replace(actor.user)
    audit.record(actor=actor, action="accounts.mfa.recovery_codes", target=actor.user)
    return codes


def mfa_verify(*, actor: Actor, code: str) -> Any:
    """Checks a TOTP or recovery code at sign-in; returns the matching device or None (audited)."""
    from django_otp import match_token

    if actor.user is None:
        raise NotFound
    device = match_token(actor.user, code.strip().replace(" ", ""))
    audit.record(
        actor=actor,
        action="accounts.mfa.verify",
        target=actor.user,
        outcome="success" if device else "failure",
        summary="recovery code" if isinstance(device, StaticDevice) else "",
    )
    return device
