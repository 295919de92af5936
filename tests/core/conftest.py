from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from lionrock.core.accounts.models import Organisation
from tests.core.accounts.factories import member_make, totp_device_make


@pytest.fixture
def signed_in() -> Callable[..., Client]:
    """A browser session that has passed the password and the second factor."""

    def make(roles: Iterable[str] = (), organisation: Organisation | None = None) -> Client:
        membership = member_make(roles, organisation=organisation)
        device = totp_device_make(membership.user)
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        client.user = membership.user  # type: ignore[attr-defined]
        client.organisation = membership.organisation  # type: ignore[attr-defined]
        return client

    return make


def session_after_password_reset(client: Client) -> Client:
    """An organisation administrator resets the member's password; the member signs in with it again."""
    from lionrock.core.accounts import services
    from lionrock.core.accounts.access import actor_for_user
    from lionrock.core.accounts.models import Membership
    from lionrock.core.accounts.roles import Role

    user = client.user  # type: ignore[attr-defined]
    admin = member_make([Role.ORG_ADMIN], organisation=client.organisation)  # type: ignore[attr-defined]
    membership = Membership.objects.get(user=user, organisation=client.organisation)  # type: ignore[attr-defined]
    services.member_password_reset(actor=actor_for_user(admin.user), membership=membership)
    user.refresh_from_db()
    device_id = user.totpdevice_set.get().persistent_id
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device_id
    session.save()
    return client
