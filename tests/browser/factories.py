"""Users for the browser tests, built through the account services as the application itself does."""

from __future__ import annotations

from base64 import b32decode
from dataclasses import dataclass, field
from time import time

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts import services
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation, User

PASSWORD = "Lion Rock spirit 1973!"
ORGANISATION_SLUG = "platform-ops"


@dataclass
class Person:
    user: User
    email: str
    password: str
    organisation: Organisation
    recovery_codes: list[str] = field(default_factory=list)


def platform_admin(email: str = "ada.admin@ops.example.hk", full_name: str = "Ada Chan") -> Person:
    """A platform administrator (and administrator of the operations organisation), without MFA yet."""
    user = services.platform_admin_create(
        email=email, full_name=full_name, password=PASSWORD, organisation_slug=ORGANISATION_SLUG
    )
    organisation = Organisation.objects.get(slug=ORGANISATION_SLUG)
    return Person(user=user, email=email, password=PASSWORD, organisation=organisation)


def member(
    admin: Person, *, email: str, full_name: str, roles: list[str], password: str = PASSWORD
) -> Person:
    """A member added by an organisation admin, who has already replaced the one-time password."""
    membership, temporary = services.member_add(
        actor=actor_for_user(admin.user),
        organisation=admin.organisation,
        email=email,
        full_name=full_name,
        roles=roles,
    )
    assert temporary is not None
    user = services.user_password_change(
        actor=actor_for_user(membership.user), current_password=temporary, new_password=password
    )
    return Person(user=user, email=email, password=password, organisation=admin.organisation)


def with_authenticator(person: Person) -> Person:
    """Enrols an authenticator app for the person, as the enrolment page does, keeping the recovery codes."""
    actor = actor_for_user(person.user)
    device = services.mfa_totp_begin(actor=actor)
    person.recovery_codes = services.mfa_totp_confirm(actor=actor, device=device, code=code_for(device))
    return person


def code_for(device: TOTPDevice) -> str:
    """The code the authenticator app shows now, or the next one if this one has already been used."""
    device.refresh_from_db()
    now = int(time() - device.t0) // device.step
    counter = max(now, device.last_t + 1)
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=counter - now)
    return f"{value:0{device.digits}d}"


def code_from_secret(secret: str) -> str:
    """What an authenticator app computes from the key typed in by hand (spaces and padding ignored)."""
    raw = secret.replace(" ", "").upper()
    key = b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(key):06d}"
