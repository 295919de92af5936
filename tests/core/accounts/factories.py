"""Small builders for organisations, people and the actors they act as."""

from __future__ import annotations

from collections.abc import Iterable

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Membership, MembershipRole, Organisation, User

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_zh = factory.Sequence(lambda n: f"機構{n}")
    kind = Organisation.Kind.INFRASTRUCTURE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


def member_make(
    roles: Iterable[str] = (), *, organisation: Organisation | None = None, user: User | None = None
) -> Membership:
    organisation = organisation or OrganisationFactory()
    user = user or UserFactory()
    membership = Membership.objects.create(user=user, organisation=organisation)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=role) for role in roles])
    return membership


def actor_make(roles: Iterable[str] = (), *, organisation: Organisation | None = None) -> Actor:
    membership = member_make(roles, organisation=organisation)
    return actor_for_user(membership.user)


def totp_device_make(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
