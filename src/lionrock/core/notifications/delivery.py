"""Sending notifications by e-mail: one each, or a daily digest. Run by the task queue, never by a view.

An e-mail is built here and only here, from the subject line (a fixed sentence with record numbers,
rendered in the recipient's language) and links into Lionrock. Nothing else can reach the body.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lionrock.core.accounts.models import User
from lionrock.core.audit import services as audit
from lionrock.core.audit.models import AuditEntry
from lionrock.core.notifications.models import Notification, Preference

logger = logging.getLogger(__name__)

# A notification whose e-mail could not be sent for this long is given up (it stays in the inbox).
GIVE_UP_AFTER = timedelta(days=1)


def _absolute(path: str) -> str:
    return settings.LIONROCK_BASE_URL.rstrip("/") + path


def _footer() -> str:
    text = _("You have an account on Lionrock. Choose how you hear from it: %(link)s")
    return text % {"link": _absolute(reverse("notifications:preferences"))}


def email_one(notification: Notification, user: User) -> EmailMessage:
    """The e-mail for one notification: its subject line and its link, in the recipient's language."""
    with translation.override(user.preferred_language):
        line = notification.subject_line()
        body = "\n\n".join(
            [
                line,
                _("Open it in Lionrock: %(link)s") % {"link": _absolute(notification.link)},
                _footer(),
            ]
        )
        subject = _("Lionrock: %(line)s") % {"line": line}
    return EmailMessage(subject=subject, body=body + "\n", to=[user.email])


def email_digest(notifications: Iterable[Notification], user: User) -> EmailMessage:
    """The daily e-mail listing a person's notifications, each as its subject line and link."""
    items = list(notifications)
    with translation.override(user.preferred_language):
        lines = [f"* {n.subject_line()}\n  {_absolute(n.link)}" for n in items]
        subject = _("Lionrock: %(count)s new notifications") % {"count": len(items)}
        body = "\n\n".join([_("Since the last digest:"), "\n".join(lines), _footer()])
    return EmailMessage(subject=subject, body=body + "\n", to=[user.email])


def _send(message: EmailMessage, connection: object) -> bool:
    message.connection = connection
    try:
        message.send()
    except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
        logger.warning("notification e-mail not sent: %s", type(exc).__name__)
        return False
    return True


def _settle(items: list[Notification], *, sent: bool, now: datetime, action: str) -> None:
    if sent:
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(
            email=Notification.Email.SENT, emailed_at=now
        )
    else:
        stale = [n.pk for n in items if n.created_at < now - GIVE_UP_AFTER]
        Notification.objects.filter(pk__in=stale).update(email=Notification.Email.FAILED)
    audit.record(
        actor=None,
        actor_label="system",
        action=action,
        target=("accounts.user", items[0].recipient_id),
        changes={"notifications": [n.pk for n in items]},
        outcome=AuditEntry.Outcome.SUCCESS if sent else AuditEntry.Outcome.FAILURE,
    )


def _pending(ids: Iterable[int] | None, preference: str) -> dict[int, list[Notification]]:
    wanted = Preference.objects.filter(email=preference).values("user_id")
    pending = Notification.objects.filter(email=Notification.Email.PENDING)
    if preference == Preference.Email.EACH:
        # No preference row means one e-mail each.
        others = Preference.objects.exclude(email=Preference.Email.EACH).values("user_id")
        pending = pending.exclude(recipient_id__in=others)
    else:
        pending = pending.filter(recipient_id__in=wanted)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    grouped: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending.order_by("created_at", "pk"):
        grouped[notification.recipient_id].append(notification)
    return grouped


def pending_send(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Sends one e-mail per pending notification of people who want each; returns how many were sent.

    A failure leaves the notification pending for the next run (every ten minutes) until it is a day
    old, then marks it failed; the inbox has it either way.
    """
    now = now or timezone.now()
    sent = 0
    grouped = _pending(ids, Preference.Email.EACH)
    users = User.objects.in_bulk(list(grouped))
    connection = get_connection()
    for user_id, items in grouped.items():
        user = users[user_id]
        for notification in items:
            ok = _send(email_one(notification, user), connection)
            with transaction.atomic():
                _settle([notification], sent=ok, now=now, action="notifications.email.send")
            sent += int(ok)
    return sent


def digest_send(*, now: datetime | None = None) -> int:
    """Sends each person who chose the digest one e-mail listing their pending notifications."""
    now = now or timezone.now()
    sent = 0
    grouped = _pending(None, Preference.Email.DIGEST)
    users = User.objects.in_bulk(list(grouped))
    connection = get_connection()
    for user_id, items in grouped.items():
        ok = _send(email_digest(items, users[user_id]), connection)
        with transaction.atomic():
            _settle(items, sent=ok, now=now, action="notifications.email.digest")
        sent += int(ok)
    return sent
