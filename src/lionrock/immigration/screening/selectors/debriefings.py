"""Reads of debriefings: one with its answers, the officer's and the supervisor's lists (four eyes), and
the decisions an organisation administrator may route."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.immigration.screening import four_eyes
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Debriefing,
    InitialScreening,
)
from lionrock.immigration.screening.selectors.cases import cases_read_audit, cases_visible
from lionrock.immigration.screening.selectors.shared import SCREENERS, screening_organisations

__all__ = [
    "DecisionToRoute",
    "debriefing_answers",
    "debriefing_get",
    "debriefing_prefill",
    "debriefings_assigned",
    "debriefings_awaiting_other_supervisor",
    "debriefings_for_review",
    "decision_to_route_get",
    "decisions_to_route",
    "screening_attention_counts",
]


def debriefing_get(*, actor: Actor, debriefing_id: int) -> Debriefing:
    debriefing = (
        Debriefing.objects.filter(case__organisation_id__in=screening_organisations(actor), pk=debriefing_id)
        .select_related("case", "checklist", "assigned_to", "officer", "reviewed_by")
        .first()
    )
    if debriefing is None:
        raise NotFound(debriefing_id)
    cases_read_audit(actor, [debriefing.case], "debriefing")
    return debriefing


def debriefing_answers(*, actor: Actor, debriefing: Debriefing) -> dict[str, Answer]:
    access.require(actor, *SCREENERS, organisation=debriefing.case.organisation_id)
    return {answer.indicator.code: answer for answer in debriefing.answers.select_related("indicator")}


def debriefings_assigned(*, actor: Actor) -> QuerySet[Debriefing]:
    return (
        Debriefing.objects.filter(
            case__organisation_id__in=screening_organisations(actor),
            assigned_to=actor.user,
            state__in=[Debriefing.State.ASSIGNED, Debriefing.State.RETURNED],
        )
        .select_related("case")
        .order_by("due_at")
    )


def debriefing_prefill(*, actor: Actor, debriefing: Debriefing) -> dict[str, list[Answer]]:
    """What the initial screening established, per debriefing indicator code: the initial answers that
    recorded an indicator present which maps to it. Absent or unknown initial answers establish nothing."""
    access.require(actor, *SCREENERS, organisation=debriefing.case.organisation_id)
    screening = InitialScreening.objects.filter(case_id=debriefing.case_id).first()
    if screening is None:
        return {}
    found: dict[str, list[Answer]] = {}
    for answer in screening.answers.select_related("indicator").filter(presence=Answer.Presence.PRESENT):
        for target in answer.indicator.maps_to:
            found.setdefault(target, []).append(answer)
    return found


def debriefings_for_review(*, actor: Actor) -> QuerySet[Debriefing]:
    """Submitted decisions a supervisor may review: never their own (four eyes), and a routed one only by
    the supervisor it was routed to."""
    organisations = actor.organisations_with(Role.SCREENING_SUPERVISOR)
    if actor.user is None or not organisations:
        return Debriefing.objects.none()
    return (
        Debriefing.objects.filter(case__organisation_id__in=organisations)
        .filter(four_eyes.reviewable_by(actor.user.pk))
        .select_related("case", "officer")
        .order_by("submitted_at")
    )


def debriefings_awaiting_other_supervisor(*, actor: Actor) -> QuerySet[Debriefing]:
    """Decisions this user recorded that wait for a review they may not give themselves (four eyes)."""
    if actor.user is None or not actor.organisations_with(*SCREENERS):
        return Debriefing.objects.none()
    return (
        Debriefing.objects.filter(
            case__organisation_id__in=actor.organisations_with(*SCREENERS),
            officer=actor.user,
            state=Debriefing.State.SUBMITTED,
        )
        .select_related("case", "review_by")
        .order_by("submitted_at")
    )


@dataclass(frozen=True)
class DecisionToRoute:
    """A decision awaiting approval as an organisation administrator sees it: no name, no answer."""

    debriefing: Debriefing
    reference: str
    submitted_at: datetime | None
    recorded_by: User | None
    review_by: User | None
    reviewers: list[User]

    @property
    def stuck(self) -> bool:
        """No supervisor other than the one who recorded it can review it."""
        return not self.reviewers


def decisions_to_route(*, actor: Actor) -> list[DecisionToRoute]:
    """Decisions awaiting approval in the departments this user administers, with the supervisors who
    could review each. Only case references and staff are shown: the person and the answers are not."""
    organisations = actor.organisations_with(Role.ORG_ADMIN)
    if actor.user is None or not organisations:
        raise NotFound
    rows = []
    supervisors: dict[int, list[User]] = {}
    pending = (
        Debriefing.objects.filter(case__organisation_id__in=organisations, state=Debriefing.State.SUBMITTED)
        .select_related("case", "officer", "review_by")
        .order_by("submitted_at")
    )
    for item in pending:
        organisation_id = item.case.organisation_id
        if organisation_id not in supervisors:
            organisation = Organisation.objects.get(pk=organisation_id)
            supervisors[organisation_id] = sorted(
                users_with_role(role=Role.SCREENING_SUPERVISOR, organisation=organisation),
                key=lambda user: user.full_name or user.email,
            )
        reviewers = [
            user
            for user in supervisors[organisation_id]
            if four_eyes.may_route_to(debriefing=item, supervisor_id=user.pk)
        ]
        rows.append(
            DecisionToRoute(
                item, item.case.reference, item.submitted_at, item.officer, item.review_by, reviewers
            )
        )
    return rows


def decision_to_route_get(*, actor: Actor, debriefing_id: int) -> DecisionToRoute:
    row = next((r for r in decisions_to_route(actor=actor) if r.debriefing.pk == debriefing_id), None)
    if row is None:
        raise NotFound(debriefing_id)
    return row


def screening_attention_counts(*, actor: Actor) -> dict[str, int]:
    try:
        cases = cases_visible(actor=actor)
    except NotFound:
        return {"owed": 0, "debriefings": 0, "review": 0, "waiting": 0}
    return {
        "owed": cases.filter(stage=Case.Stage.AWAITING_SCREENING).count(),
        "debriefings": debriefings_assigned(actor=actor).count(),
        "review": debriefings_for_review(actor=actor).count(),
        "waiting": debriefings_awaiting_other_supervisor(actor=actor).count(),
    }
