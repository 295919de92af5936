"""What publishing tells press officers through the notification service: the release reference and a link.

The release's text stays behind the link, where the reader's access is checked.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import User
from lionrock.core.accounts.roles import Role
from lionrock.core.notifications import RecordNumber, Subject
from lionrock.core.notifications.services import notify
from lionrock.publishing.models import PressRelease


def _approvers(release: PressRelease) -> list[User]:
    """Press officers who may approve: of the release's own agency, never the drafter or the submitter
    (the information service drafts for agencies, never approves for them)."""
    users = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role_grants__role=Role.PRESS_OFFICER,
        memberships__organisation_id=release.organisation_id,
    )
    excluded = {release.drafted_by_id, release.submitted_by_id}
    return [user for user in users.distinct() if user.pk not in excluded]


def _link(release: PressRelease) -> str:
    return reverse("publishing:release", args=[release.pk])


def release_submitted(*, actor: Actor, release: PressRelease) -> None:
    """Every other press officer who may approve learns that the release awaits approval."""
    notify(
        actor=actor,
        recipients=_approvers(release),
        kind="publishing.release.submitted",
        subject=Subject(
            gettext_noop("Press release %(number)s awaits your approval"),
            {"number": RecordNumber(release.reference)},
        ),
        link=_link(release),
        about=release,
    )


def release_decided(*, actor: Actor, release: PressRelease, approved: bool) -> None:
    """The drafter learns that the release was approved, or returned to them."""
    text = (
        gettext_noop("Press release %(number)s was approved for publication")
        if approved
        else gettext_noop("Press release %(number)s was returned to you")
    )
    notify(
        actor=actor,
        recipients=[release.drafted_by],
        kind="publishing.release.approved" if approved else "publishing.release.returned",
        subject=Subject(text, {"number": RecordNumber(release.reference)}),
        link=_link(release),
        about=release,
    )
