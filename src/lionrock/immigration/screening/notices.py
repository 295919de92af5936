"""What screening tells people through the notification service: record numbers and links only.

Each sentence names a referral or debriefing by its number or a case by its reference; the person's name,
needs and notes stay behind the link, where the reader's access is checked.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.notifications import RecordNumber, Subject
from lionrock.core.notifications.services import notify
from lionrock.immigration.screening.models import Debriefing, Referral


def _provider_staff(referral: Referral) -> list[User]:
    return list(users_with_role(role=Role.SERVICE_PROVIDER, organisation=referral.provider))


def referral_sent(*, actor: Actor, referral: Referral) -> None:
    """The provider's staff learn that a referral awaits their answer."""
    notify(
        actor=actor,
        recipients=_provider_staff(referral),
        kind="screening.referral.sent",
        subject=Subject(
            gettext_noop("New referral %(number)s is waiting for your answer"), {"number": referral.pk}
        ),
        link=reverse("screening:incoming_detail", args=[referral.pk]),
        about=referral,
    )


def referral_overdue(*, referral: Referral) -> None:
    """The provider's staff are reminded of a referral past its respond-by time."""
    notify(
        actor=None,
        recipients=_provider_staff(referral),
        kind="screening.referral.overdue",
        subject=Subject(
            gettext_noop("Reminder: referral %(number)s is past its respond-by time"), {"number": referral.pk}
        ),
        link=reverse("screening:incoming_detail", args=[referral.pk]),
        about=referral,
    )


def referral_updated(*, actor: Actor, referral: Referral) -> None:
    """The officer who sent a referral learns that the provider answered or moved it on."""
    notify(
        actor=actor,
        recipients=[referral.sent_by],
        kind="screening.referral.updated",
        subject=Subject(
            gettext_noop("The provider updated referral %(number)s of case %(case)s"),
            {"number": referral.pk, "case": RecordNumber(referral.case.reference)},
        ),
        link=reverse("screening:case", args=[referral.case.reference]),
        about=referral,
    )


def referral_revoked(*, actor: Actor, referral: Referral) -> None:
    """The provider's staff learn that the department withdrew a referral."""
    notify(
        actor=actor,
        recipients=_provider_staff(referral),
        kind="screening.referral.revoked",
        subject=Subject(gettext_noop("Referral %(number)s was withdrawn"), {"number": referral.pk}),
        link=reverse("screening:incoming_detail", args=[referral.pk]),
        about=referral,
    )


def debriefing_overdue(*, debriefing: Debriefing) -> None:
    """The assigned officer is reminded of a debriefing past its due time."""
    notify(
        actor=None,
        recipients=[debriefing.assigned_to],
        kind="screening.debriefing.overdue",
        subject=Subject(
            gettext_noop("Reminder: debriefing %(number)s of case %(case)s is overdue"),
            {"number": debriefing.pk, "case": RecordNumber(debriefing.case.reference)},
        ),
        link=reverse("screening:debriefing", args=[debriefing.pk]),
        about=debriefing,
    )


def decision_routed(*, actor: Actor, debriefing: Debriefing, supervisor: User) -> None:
    """The supervisor a decision is routed to (by an organisation administrator) learns it awaits review."""
    notify(
        actor=actor,
        recipients=[supervisor],
        kind="screening.decision.routed",
        subject=Subject(
            gettext_noop("Decision %(number)s of case %(case)s is routed to you for review"),
            {"number": debriefing.pk, "case": RecordNumber(debriefing.case.reference)},
        ),
        link=reverse("screening:debriefing", args=[debriefing.pk]),
        about=debriefing,
    )
