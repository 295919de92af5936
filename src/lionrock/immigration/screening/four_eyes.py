"""The four-eyes rule for identification decisions, in one place for views, selectors and services.

A decision is reviewed (approved or returned) by a screening supervisor of the case's department who did
not record it; when an organisation administrator has routed it to a named supervisor, by that supervisor
only. `review_refusal` says why a user may not review a decision (None when they may), and
`reviewable_by` is the same rule as a query for the lists.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Role
from lionrock.immigration.screening.models import Debriefing


def review_refusal(*, actor: Actor, debriefing: Debriefing) -> str | None:
    """Why this actor may not approve or return this decision now, in words for the page; None if they may."""
    if actor.user is None or not actor.has_role(Role.SCREENING_SUPERVISOR, debriefing.case.organisation_id):
        return _("Only a screening supervisor of the department can review a decision.")
    if debriefing.state != Debriefing.State.SUBMITTED:
        return _("Only a submitted decision can be approved or returned.")
    if actor.user.pk == debriefing.officer_id:
        return _(
            "You recorded this decision, so you cannot approve or return it: another supervisor must "
            "review it (four eyes). It stays on your home page as waiting for another supervisor; if no "
            "other supervisor can take it, an organisation administrator can route it to one."
        )
    if debriefing.review_by_id is not None and debriefing.review_by_id != actor.user.pk:
        return _("An organisation administrator has routed this decision to another supervisor.")
    return None


def reviewable_by(user_id: int) -> Q:
    """Submitted decisions this supervisor may review under the rule above (roles checked by the caller)."""
    return (
        Q(state=Debriefing.State.SUBMITTED)
        & ~Q(officer_id=user_id)
        & (Q(review_by__isnull=True) | Q(review_by_id=user_id))
    )


def may_route_to(*, debriefing: Debriefing, supervisor_id: int) -> bool:
    """A decision can be routed to any supervisor of the department except the one who recorded it."""
    return supervisor_id != debriefing.officer_id
