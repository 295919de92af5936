"""Reads of screening cases: the lists, one case (an audited read), its interviews, a person's screening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.models import Person, ScreeningOwed
from lionrock.immigration.screening.models import (
    Case,
    Debriefing,
    InitialScreening,
)
from lionrock.immigration.screening.selectors.shared import SCREENERS, screening_organisations

__all__ = [
    "PersonScreening",
    "RevealedName",
    "case_debriefings",
    "case_get",
    "case_initial_screening",
    "case_name_reveal",
    "cases_list",
    "cases_owed",
    "cases_owed_page",
    "cases_page",
    "cases_read_audit",
    "cases_visible",
    "person_screening_status",
    "person_screenings",
    "screeners_of",
]


def cases_visible(*, actor: Actor) -> QuerySet[Case]:
    """The cases of the departments where the actor screens; the only door to them."""
    return Case.objects.filter(organisation_id__in=screening_organisations(actor))


def cases_read_audit(actor: Actor, cases: list[Case], purpose: str) -> None:
    if cases:
        audit.record_read(
            actor=actor, target_type="screening.case", target_ids=[case.pk for case in cases], purpose=purpose
        )


def cases_list(*, actor: Actor, stage: str = "", status: str = "", limit: int = 200) -> list[Case]:
    cases = cases_visible(actor=actor)
    if stage:
        cases = cases.filter(stage=stage)
    if status:
        cases = cases.filter(status=status)
    rows = list(cases.order_by("-created_at", "-pk")[:limit])
    cases_read_audit(actor, rows, "case list")
    return rows


def cases_owed(*, actor: Actor) -> list[Case]:
    """Initial screenings owed, soonest due first: the list supervisors watch."""
    return cases_owed_page(actor=actor, size=500)[0]


# The columns a list of cases shows; the contact details and needs stay sealed until a case is opened.
_NOT_LISTED = ("contact", "needs")


def cases_page(
    *, actor: Actor, stage: str = "", older_than: int | None = None, size: int = 50
) -> tuple[list[Case], int | None]:
    """A page of cases, newest first, after the case `older_than` (a keyset page: the hundredth page costs
    what the first does); with the case to continue after, None on the last page. Audited as read."""
    cases = cases_visible(actor=actor)
    if stage:
        cases = cases.filter(stage=stage)
    if older_than is not None:
        mark = cases.filter(pk=older_than).values_list("created_at", flat=True).first()
        if mark is not None:
            cases = cases.filter(Q(created_at__lt=mark) | Q(created_at=mark, pk__lt=older_than))
    rows = list(cases.defer(*_NOT_LISTED).order_by("-created_at", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cases_read_audit(actor, rows, "case list")
    return rows, (rows[-1].pk if more else None)


def cases_owed_page(
    *, actor: Actor, after: int | None = None, size: int = 50
) -> tuple[list[Case], int | None]:
    """A page of the initial screenings owed, soonest due first, after the case `after`; with the case to
    continue after, None on the last page. Audited as read."""
    cases = cases_visible(actor=actor).filter(stage=Case.Stage.AWAITING_SCREENING)
    if after is not None:
        mark = cases.filter(pk=after).values_list("due_at", flat=True).first()
        if mark is not None:
            cases = cases.filter(Q(due_at__gt=mark) | Q(due_at=mark, pk__gt=after))
    rows = list(
        cases.defer(*_NOT_LISTED)
        .select_related("owed__arrest__operation")
        .order_by("due_at", "pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    cases_read_audit(actor, rows, "screenings owed")
    return rows, (rows[-1].pk if more else None)


def case_get(*, actor: Actor, reference: str, purpose: str = "case record") -> Case:
    """One case; the read is audited."""
    case = (
        cases_visible(actor=actor)
        .select_related("organisation", "owed__arrest__operation", "created_by")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise NotFound(reference)
    cases_read_audit(actor, [case], purpose)
    return case


@dataclass(frozen=True)
class RevealedName:
    name_en: str
    name_zh: str


def case_name_reveal(*, actor: Actor, case: Case) -> RevealedName:
    """The hidden name, on a permitted user's request; each reveal is its own audited read."""
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    audit.record_read(
        actor=actor, target_type="screening.case.name", target_ids=[case.pk], purpose="reveal name"
    )
    return RevealedName(name_en=case.name_en, name_zh=case.name_zh)


def case_initial_screening(*, actor: Actor, case: Case) -> InitialScreening | None:
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    return (
        InitialScreening.objects.filter(case=case)
        .select_related("officer", "checklist")
        .prefetch_related("answers__indicator")
        .first()
    )


def case_debriefings(*, actor: Actor, case: Case) -> list[Debriefing]:
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    return list(
        Debriefing.objects.filter(case=case)
        .select_related("assigned_to", "officer", "reviewed_by", "checklist")
        .order_by("-created_at")
    )


def person_screening_status(*, actor: Actor, person_id: int) -> Case | None:
    """The latest screening case of an enforcement person: its status is the person's status (audited)."""
    case = cases_visible(actor=actor).filter(person_id=person_id).order_by("-created_at").first()
    if case is not None:
        cases_read_audit(actor, [case], "person status")
    return case


@dataclass(frozen=True)
class PersonScreening:
    """One screening of a person as the enforcement person page shows it; `case` is None only while the
    owed screening's case has not been opened yet (the periodic task opens it)."""

    victim_status: Case.VictimStatus
    case: Case | None
    due_at: datetime
    overdue: bool

    @property
    def label(self) -> str:
        return str(self.victim_status.label)


def person_screenings(*, actor: Actor, person: Person) -> list[PersonScreening] | None:
    """A person's screenings, newest first (the first is their status now); the case reads are audited.

    None for anyone who may not read screening records of the person's department: the person page then
    says nothing about screening, not even that there is none.
    """
    organisations = actor.organisations_with(*SCREENERS)
    if actor.user is None or not organisations:
        return None
    cases = list(
        cases_visible(actor=actor)
        .filter(person_id=person.pk)
        .select_related("owed")
        .order_by("-created_at", "-pk")
    )
    if not cases and person.organisation_id not in organisations:
        return None
    cases_read_audit(actor, cases, "person status")
    now = timezone.now()
    rows = [
        PersonScreening(
            victim_status=case.victim_status(),
            case=case,
            due_at=case.due_at,
            overdue=case.stage == Case.Stage.AWAITING_SCREENING and case.due_at < now,
        )
        for case in cases
    ]
    waiting = ScreeningOwed.objects.filter(
        person_id=person.pk,
        organisation_id__in=organisations,
        fulfilled_at__isnull=True,
        screening_case__isnull=True,
    ).order_by("-created_at")
    return [
        *(
            PersonScreening(Case.VictimStatus.SCREENING_OWED, None, owed.due_at, owed.due_at < now)
            for owed in waiting
        ),
        *rows,
    ]


def screeners_of(*, actor: Actor, organisation_id: int) -> list[User]:
    access.require(actor, *SCREENERS, organisation=organisation_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    users = set(users_with_role(role=Role.SCREENING_OFFICER, organisation=organisation)) | set(
        users_with_role(role=Role.SCREENING_SUPERVISOR, organisation=organisation)
    )
    return sorted(users, key=lambda user: user.full_name or user.email)
