"""What major events tell people through the notification service: the event's code, counts and a link."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from lionrock.core.accounts.models import User
from lionrock.core.notifications import RecordNumber, Subject
from lionrock.core.notifications.services import notify
from lionrock.cyber.events.models import Event
from lionrock.cyber.events.sharing import EVENT_ROLES


def event_number(event: Event) -> RecordNumber:
    try:
        return RecordNumber(event.slug.upper())
    except ValueError:
        return RecordNumber(f"EV-{event.pk}")


def readiness_late(*, event: Event, organisation_id: int, late: int) -> None:
    """A participating organisation is told that some of its readiness items are late."""
    recipients = User.objects.filter(
        is_active=True,
        memberships__organisation_id=organisation_id,
        memberships__is_active=True,
        memberships__role_grants__role__in=list(EVENT_ROLES),
    ).distinct()
    notify(
        actor=None,
        recipients=list(recipients),
        kind="events.readiness.late",
        subject=Subject(
            gettext_noop("%(count)s readiness items of event %(number)s are late"),
            {"count": late, "number": event_number(event)},
        ),
        link=reverse("events:readiness", args=[event.slug]),
        about=event,
    )
