"""Reading a person's own notifications; nobody reads another's inbox."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.kept_sql import kept_query_rows
from lionrock.core.notifications.models import Notification, Preference


def notifications_visible(*, actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications, newest first; none for an API token or the system."""
    if actor.user is None or actor.token is not None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor.user)


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    """One of the actor's notifications; another's looks absent."""
    notification = notifications_visible(actor=actor).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(str(notification_id))
    return notification


def unread_count(*, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the number in the header)."""
    visible = notifications_visible(actor=actor)
    if visible.query.is_empty() or actor.user is None:
        return 0
    # Every page's header asks: its SQL, which depends on the person alone, is kept (core.kept_sql).
    rows = kept_query_rows(
        ("notifications.unread", actor.user.pk),
        lambda: (
            visible.filter(read_at__isnull=True)
            .order_by()
            .values("recipient_id")
            .annotate(unread=Count("pk"))
            .values_list("unread")
        ),
    )
    return int(rows[0][0]) if rows else 0


def email_preference(*, user_id: int) -> str:
    """The person's e-mail choice (``Preference.Email``); one e-mail each when never chosen."""
    chosen = Preference.objects.filter(user_id=user_id).values_list("email", flat=True).first()
    return chosen or Preference.Email.EACH
