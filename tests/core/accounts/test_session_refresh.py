import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from tests.core.accounts.factories import member_make, totp_device_make

pytestmark = pytest.mark.django_db


def signed_in() -> Client:
    membership = member_make()
    device = totp_device_make(membership.user)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def session_writes(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("shell:home")).status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')]


def test_reading_pages_within_a_minute_writes_the_session_once():
    client = signed_in()
    assert len(session_writes(client)) == 1  # the first view pushes the idle expiry on
    assert session_writes(client) == []
    assert session_writes(client) == []


def test_a_minute_later_a_page_view_pushes_the_idle_sign_out_on_again():
    client = signed_in()
    session_writes(client)
    session = client.session
    session["_refreshed"] = 0  # as if the last write were long ago
    session.save()
    before = Session.objects.get(session_key=session.session_key).expire_date
    assert len(session_writes(client)) == 1
    assert Session.objects.get(session_key=session.session_key).expire_date >= before
