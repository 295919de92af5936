"""Every write to notifications and preferences, each audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import User
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.notifications import selectors
from lionrock.core.notifications.message import Subject, link_check
from lionrock.core.notifications.models import Notification, Preference


@transaction.atomic
def notify(
    *,
    actor: Actor | None,
    recipients: Iterable[User],
    kind: str,
    subject: Subject,
    link: str,
    about: models.Model | tuple[str, str | int] | None = None,
) -> list[Notification]:
    """Puts one notification in each active recipient's inbox and queues their e-mail after commit.

    ``subject`` is a fixed sentence with record numbers only and ``link`` a path inside Lionrock (see
    ``message``); the e-mail says nothing more. Each person's preference decides: one e-mail each, the
    daily digest, or none. ``about`` names the record in the audit entry. ``actor`` None is the system.
    """
    if not kind or len(kind) > 100:
        raise ValueError("A notification needs a kind of at most 100 characters.")
    link = link_check(link)
    people = {user.pk: user for user in recipients if user.is_active}
    if not people:
        return []
    silent = set(
        Preference.objects.filter(user_id__in=list(people), email=Preference.Email.OFF).values_list(
            "user_id", flat=True
        )
    )
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=kind,
                subject=subject.as_json(),
                link=link,
                created_at=now,
                email=Notification.Email.SKIPPED if pk in silent else Notification.Email.PENDING,
            )
            for pk in sorted(people)
        ]
    )
    audit.record(
        actor=actor,
        actor_label="system",
        action="notifications.notification.send",
        target=about,
        changes={"kind": kind, "recipients": sorted(people)},
        summary=kind,
    )
    pending = [n.pk for n in created if n.email == Notification.Email.PENDING]
    if pending:
        from lionrock.core.notifications import tasks

        transaction.on_commit(lambda: tasks.notifications_email(pending))
    return created


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Marks one of the actor's own notifications read (another's looks absent)."""
    notification = selectors.notification_get(actor=actor, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit.record(actor=actor, action="notifications.notification.mark_read", target=notification)
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: Actor) -> int:
    """Marks every unread notification of the actor read; returns how many."""
    unread = selectors.notifications_visible(actor=actor).filter(read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    if count:
        audit.record(
            actor=actor,
            action="notifications.notification.mark_all_read",
            target=("accounts.user", actor.user.pk if actor.user else ""),
            changes={"count": count},
        )
    return count


@transaction.atomic
def preference_set(*, actor: Actor, email: str) -> Preference:
    """The actor chooses how to hear by e-mail: each, a daily digest, or off."""
    if actor.user is None:
        raise ValueError("Only a person has notification preferences.")
    if email not in Preference.Email.values:
        raise ValidationFailed(_("Choose one of the e-mail options."))
    preference, _created = Preference.objects.update_or_create(user=actor.user, defaults={"email": email})
    if email == Preference.Email.OFF:
        Notification.objects.filter(recipient=actor.user, email=Notification.Email.PENDING).update(
            email=Notification.Email.SKIPPED
        )
    audit.record(
        actor=actor, action="notifications.preference.set", target=preference, changes={"email": email}
    )
    return preference
