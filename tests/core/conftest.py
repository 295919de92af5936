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
