"""Telling people that something needs them: an in-app inbox and e-mail, never the content itself.

Public face (see docs/decisions/0012-notifications.md)::

    from django.utils.translation import gettext_noop
    from lionrock.core.notifications import RecordNumber, Subject
    from lionrock.core.notifications.services import notify

    notify(
        actor=None,                              # None: the system (a task)
        recipients=users,
        kind="screening.referral.overdue",
        subject=Subject(gettext_noop("Referral %(number)s is waiting for your answer"),
                        {"number": referral.pk}),
        link=reverse("screening:incoming_detail", args=[referral.pk]),
    )

A notification is a subject line built from a fixed, translatable sentence and record numbers only,
plus a link into Lionrock; it is rendered in each recipient's language. E-mail carries nothing else:
the details stay behind the link and its access check.
"""

from __future__ import annotations

from lionrock.core.notifications.message import RecordNumber, Subject

__all__ = ["RecordNumber", "Subject"]
