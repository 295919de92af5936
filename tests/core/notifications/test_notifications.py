"""Notifications: the inbox, e-mail through a real SMTP server, languages, preferences, and what an
e-mail may never carry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext_noop

from lionrock.core.accounts.access import NotFound, actor_for_user
from lionrock.core.accounts.models import User
from lionrock.core.audit.models import AuditEntry
from lionrock.core.notifications import RecordNumber, Subject, delivery, selectors, services
from lionrock.core.notifications.models import Notification, Preference
from tests.core.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

# A sentence already in the catalog, so the Chinese rendering can be checked.
OVERDUE = gettext_noop("Reminder: referral %(number)s is past its respond-by time")


def _notify(*users: User, number: int = 42, link: str = "/screening/support/42/") -> list[Notification]:
    return services.notify(
        actor=None,
        recipients=users,
        kind="test.reminder",
        subject=Subject(OVERDUE, {"number": number}),
        link=link,
    )


def test_a_notification_reaches_the_inbox_and_an_email_with_only_its_subject_and_link(
    smtp_sink, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)

    assert selectors.unread_count(actor=actor_for_user(user)) == 1
    [message] = smtp_sink.messages
    assert message["To"] == user.email
    assert message["Subject"] == "Lionrock: Reminder: referral 42 is past its respond-by time"
    body = message.get_content()
    assert "http://127.0.0.1:8000/screening/support/42/" in body
    assert "/notifications/preferences/" in body
    assert Notification.objects.get().email == Notification.Email.SENT
    assert AuditEntry.objects.filter(action="notifications.email.send").exists()
    assert AuditEntry.objects.filter(action="notifications.notification.send").exists()


def test_each_recipient_gets_the_email_in_their_own_language(smtp_sink, django_capture_on_commit_callbacks):
    english = UserFactory(preferred_language="en")
    chinese = UserFactory(preferred_language="zh-hant")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(english, chinese)

    subjects = {m["To"]: m["Subject"] for m in smtp_sink.messages}
    assert subjects[english.email].startswith("Lionrock: Reminder")
    assert "42" in subjects[chinese.email]
    assert "Reminder" not in subjects[chinese.email]


def test_a_subject_takes_only_numbers_and_record_numbers_so_no_name_reaches_an_email():
    with pytest.raises(TypeError):
        Subject("Referral for %(name)s", {"name": "NGUYEN Van Hai"})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        RecordNumber("NGUYEN")
    with pytest.raises(TypeError):
        Subject("Referral %(number)s", {})
    assert Subject("Case %(case)s", {"case": RecordNumber("SC-2026-0001")}).render() == "Case SC-2026-0001"


def test_a_link_must_stay_inside_lionrock_without_a_query_string():
    user = UserFactory()
    for link in ("https://elsewhere.example/x", "/cases/?name=NGUYEN", "//elsewhere.example/", "/a/../b"):
        with pytest.raises(ValueError):
            _notify(user, link=link)
    assert not Notification.objects.exists()


def test_a_person_who_chose_the_digest_gets_one_email_a_day_listing_their_notifications(
    smtp_sink, django_capture_on_commit_callbacks
):
    user = UserFactory()
    services.preference_set(actor=actor_for_user(user), email=Preference.Email.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user, number=1, link="/screening/support/1/")
        _notify(user, number=2, link="/screening/support/2/")
    assert smtp_sink.messages == []

    assert delivery.digest_send() == 1

    [digest] = smtp_sink.messages
    assert digest["Subject"] == "Lionrock: 2 new notifications"
    body = digest.get_content()
    assert "/screening/support/1/" in body and "/screening/support/2/" in body
    assert delivery.digest_send() == 0


def test_a_person_who_turned_email_off_still_finds_the_notification_in_the_inbox(
    smtp_sink, django_capture_on_commit_callbacks
):
    user = UserFactory()
    services.preference_set(actor=actor_for_user(user), email=Preference.Email.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    assert smtp_sink.messages == []
    assert Notification.objects.get().email == Notification.Email.SKIPPED
    assert selectors.unread_count(actor=actor_for_user(user)) == 1


def test_an_email_that_cannot_be_sent_stays_pending_then_is_given_up_after_a_day(settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    user = UserFactory()
    _notify(user)

    assert delivery.pending_send() == 0
    assert Notification.objects.get().email == Notification.Email.PENDING
    assert delivery.pending_send(now=timezone.now() + timedelta(days=2)) == 0
    assert Notification.objects.get().email == Notification.Email.FAILED


def test_nobody_marks_another_persons_notification_read():
    owner, other = UserFactory(), UserFactory()
    [notification] = _notify(owner)
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=actor_for_user(other), notification_id=notification.pk)


def test_the_header_counts_unread_notifications_and_opening_one_marks_it_read_and_follows_its_link(signed_in):
    client = signed_in()
    [notification] = _notify(client.user)

    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "Reminder: referral 42 is past its respond-by time" in page.content.decode()
    assert 'class="inbox-link"' in page.content.decode() and "1 unread" in page.content.decode()

    opened = client.post(f"/notifications/{notification.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == "/screening/support/42/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "1 unread" not in client.get("/notifications/").content.decode()


def test_a_person_chooses_the_digest_on_the_preferences_page(signed_in):
    client = signed_in()
    response = client.post("/notifications/preferences/", {"email": "digest"})
    assert response.status_code == 302
    assert Preference.objects.get(user=client.user).email == "digest"
    assert AuditEntry.objects.filter(action="notifications.preference.set").exists()


def test_mark_all_read_clears_the_count(signed_in):
    client = signed_in()
    _notify(client.user, number=1)
    _notify(client.user, number=2)
    client.post("/notifications/read-all/")
    assert selectors.unread_count(actor=actor_for_user(client.user)) == 0


def test_the_unread_count_follows_the_inbox_and_is_nobody_elses_through_a_token():
    from lionrock.core.accounts.access import actor_for_token
    from lionrock.core.accounts.models import ApiToken
    from tests.core.accounts.factories import member_make

    user = member_make([]).user
    other = UserFactory()
    _notify(user, number=1)
    _notify(user, number=2)
    _notify(other, number=3)
    assert selectors.unread_count(actor=actor_for_user(user)) == 2
    first = Notification.objects.filter(recipient=user).first()
    services.notification_mark_read(actor=actor_for_user(user), notification_id=first.pk)
    assert selectors.unread_count(actor=actor_for_user(user)) == 1
    token = ApiToken.objects.create(
        user=user,
        organisation=user.memberships.get().organisation,
        name="feed",
        prefix="unread",
        digest="x",
        scopes=["intel:read"],
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert selectors.unread_count(actor=actor_for_token(token)) == 0
