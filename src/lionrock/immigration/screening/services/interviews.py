"""Writes to interviews: the initial screening, the full debriefing, its recommendation and the
supervisor's review (four eyes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import services as enforcement
from lionrock.immigration.enforcement.models import ScreeningOwed
from lionrock.immigration.screening import four_eyes, notices, rules
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Checklist,
    Debriefing,
    Indicator,
    InitialScreening,
)
from lionrock.immigration.screening.services.checklists import checklist_in_use
from lionrock.immigration.screening.services.shared import (
    SCREENERS,
    debriefing_due_hours,
)
from lionrock.immigration.screening.services.shared import clean_text as _text

__all__ = [
    "AnswerInput",
    "Interview",
    "debriefing_assign",
    "debriefing_record",
    "debriefing_review",
    "debriefing_route",
    "initial_screening_record",
    "recommendation_compute",
]


@dataclass(frozen=True)
class Interview:
    """Who, when, where, in what language, how long, with what breaks, consent and information."""

    started_at: datetime
    duration_minutes: int
    location: str
    language: str
    interpreter: str = ""
    breaks_offered: int = 0
    breaks_taken: int = 0
    consent_given: bool = False
    information_given: bool = False


def _interview_check(interview: Interview) -> dict[str, Any]:
    if interview.started_at > timezone.now() + timedelta(minutes=5):
        raise ValidationFailed(_("The interview cannot start in the future."))
    if not 1 <= interview.duration_minutes <= 24 * 60:
        raise ValidationFailed(_("Give the length of the interview in minutes (1 to 1440)."))
    if interview.breaks_offered < 0 or not 0 <= interview.breaks_taken <= interview.breaks_offered:
        raise ValidationFailed(_("Breaks taken cannot be more than breaks offered."))
    location, language = _text(interview.location, 200), _text(interview.language, 40)
    if not location:
        raise ValidationFailed(_("Say where the interview took place."))
    if not language:
        raise ValidationFailed(_("Say which language the interview was held in."))
    return {
        "started_at": interview.started_at,
        "duration_minutes": interview.duration_minutes,
        "location": location,
        "language": language,
        "interpreter": _text(interview.interpreter, 200),
        "breaks_offered": interview.breaks_offered,
        "breaks_taken": interview.breaks_taken,
        "consent_given": interview.consent_given,
        "information_given": interview.information_given,
    }


AnswerInput = Mapping[str, tuple[str, str]]


def _answers_check(indicators: list[Indicator], answers: AnswerInput) -> dict[str, tuple[str, str]]:
    """Every indicator of the stage answered yes, no or unknown; no answer for anything else."""
    codes = {indicator.code for indicator in indicators}
    stray = sorted(set(answers) - codes)
    if stray:
        raise ValidationFailed(
            _("These are not indicators of this checklist: %(codes)s.") % {"codes": ", ".join(stray)}
        )
    missing = [i.code for i in indicators if answers.get(i.code, ("", ""))[0] not in rules.ANSWERS]
    if missing:
        raise ValidationFailed(
            _("Answer yes, no or unknown for every indicator; missing: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    return {code: (value, _text(note)) for code, (value, note) in answers.items()}


def _presence(indicators: list[Indicator], clean: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Each indicator present, absent or unknown, from the answer to its question through its polarity."""
    by_code = {indicator.code: indicator for indicator in indicators}
    return {code: by_code[code].presence(value) for code, (value, _note) in clean.items()}


def _debriefer_choices(organisation_id: int) -> set[int]:
    organisation = Organisation.objects.get(pk=organisation_id)
    officers = users_with_role(role=Role.SCREENING_OFFICER, organisation=organisation)
    supervisors = users_with_role(role=Role.SCREENING_SUPERVISOR, organisation=organisation)
    return set(officers.values_list("pk", flat=True)) | set(supervisors.values_list("pk", flat=True))


@transaction.atomic
def initial_screening_record(
    *,
    actor: Actor,
    case: Case,
    interview: Interview,
    answers: AnswerInput,
    reasons: str = "",
    debriefer: User | None = None,
) -> InitialScreening:
    """Records the initial screening; the system applies the outcome rule of the checklist in use.

    Any indicator present: a full debriefing is required and assigned with a due time, and the person
    becomes a possible victim. None: screened out, with the officer's reasons.
    """
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    assert actor.user is not None
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.stage != Case.Stage.AWAITING_SCREENING:
        raise ValidationFailed(_("This person's initial screening has already been recorded."))
    checklist = checklist_in_use()
    indicators = list(checklist.indicators.filter(stage=Indicator.Stage.INITIAL))
    values = _interview_check(interview)
    clean = _answers_check(indicators, answers)
    presence = _presence(indicators, clean)
    required, present = rules.initial_outcome(presence, checklist.rules)
    reasons = _text(reasons)
    if not required and not reasons:
        raise ValidationFailed(_("No indicator is present: give your reasons for screening the person out."))
    assignee = debriefer or actor.user
    if required and assignee.pk not in _debriefer_choices(case.organisation_id):
        raise ValidationFailed(_("Assign the debriefing to a screening officer of the department."))
    screening = InitialScreening.objects.create(
        case=case,
        checklist=checklist,
        officer=actor.user,
        outcome=(
            InitialScreening.Outcome.DEBRIEFING_REQUIRED
            if required
            else InitialScreening.Outcome.SCREENED_OUT
        ),
        reasons=reasons,
        **values,
    )
    by_code = {indicator.code: indicator for indicator in indicators}
    Answer.objects.bulk_create(
        [
            Answer(
                screening=screening,
                indicator=by_code[code],
                value=value,
                presence=presence[code],
                note=note,
            )
            for code, (value, note) in clean.items()
        ]
    )
    if required:
        case.stage, case.status = Case.Stage.DEBRIEFING_DUE, Case.Status.POSSIBLE
        debriefing = Debriefing.objects.create(
            case=case,
            checklist=checklist,
            assigned_to=assignee,
            due_at=timezone.now() + timedelta(hours=debriefing_due_hours()),
        )
    else:
        case.stage, case.status = Case.Stage.SCREENED_OUT, Case.Status.NOT_A_VICTIM
    case.save(update_fields=["stage", "status"])
    audit.record(
        actor=actor,
        action="screening.initial.record",
        target=screening,
        changes={"case": case.pk, "outcome": screening.outcome, "present": len(present)},
        summary=case.reference,
    )
    if required:
        audit.record(
            actor=actor,
            action="screening.debriefing.assign",
            target=debriefing,
            changes={"case": case.pk, "assigned_to": assignee.pk},
            summary=case.reference,
        )
    if case.owed_id is not None:
        owed = ScreeningOwed.objects.get(pk=case.owed_id)
        if owed.fulfilled_at is None:
            enforcement.screening_owed_fulfil(actor=actor, owed=owed, reference=case.reference)
    return screening


@transaction.atomic
def debriefing_assign(
    *, actor: Actor, debriefing: Debriefing, assignee: User, due_at: datetime | None = None
) -> Debriefing:
    """A supervisor hands an open debriefing to another screening officer, optionally with a new due time."""
    access.require(actor, Role.SCREENING_SUPERVISOR, organisation=debriefing.case.organisation_id)
    if debriefing.state not in (Debriefing.State.ASSIGNED, Debriefing.State.RETURNED):
        raise ValidationFailed(_("Only an open debriefing can be reassigned."))
    if assignee.pk not in _debriefer_choices(debriefing.case.organisation_id):
        raise ValidationFailed(_("Assign the debriefing to a screening officer of the department."))
    if due_at is not None and due_at <= timezone.now():
        raise ValidationFailed(_("The new due time must be in the future."))
    debriefing.assigned_to = assignee
    debriefing.due_at = due_at or debriefing.due_at
    debriefing.save(update_fields=["assigned_to", "due_at"])
    audit.record(
        actor=actor,
        action="screening.debriefing.assign",
        target=debriefing,
        changes={"case": debriefing.case_id, "assigned_to": assignee.pk},
        summary=debriefing.case.reference,
    )
    return debriefing


def recommendation_compute(
    *, checklist: Checklist, presence: Mapping[str, str], exploitation: str
) -> rules.Recommendation:
    """The rules of the checklist version applied to the presence of each debriefing indicator."""
    indicators = [
        rules.RuleIndicator(
            code=item.code,
            stage=item.stage,
            dimension=item.dimension,
            strength=item.strength,
            maps_to=tuple(item.maps_to),
        )
        for item in checklist.indicators.all()
    ]
    return rules.recommend(presence, indicators, checklist.rules, exploitation=exploitation)


@transaction.atomic
def debriefing_record(
    *,
    actor: Actor,
    debriefing: Debriefing,
    interview: Interview,
    exploitation: str,
    answers: AnswerInput,
    decision: str,
    decision_reasons: str,
) -> Debriefing:
    """Records the full debriefing, computes the recommendation and submits the officer's decision."""
    access.require(actor, *SCREENERS, organisation=debriefing.case.organisation_id)
    assert actor.user is not None
    debriefing = Debriefing.objects.select_for_update().select_related("case").get(pk=debriefing.pk)
    if debriefing.state not in (Debriefing.State.ASSIGNED, Debriefing.State.RETURNED):
        raise ValidationFailed(_("This debriefing has been submitted and cannot be changed."))
    if exploitation not in Debriefing.Exploitation.values:
        raise ValidationFailed(_("Choose the form of exploitation from the list."))
    if decision not in Debriefing.Recommendation.values:
        raise ValidationFailed(_("Choose your decision from the list."))
    reasons = _text(decision_reasons)
    if not reasons:
        raise ValidationFailed(_("Give the reasons for your decision."))
    values = _interview_check(interview)
    indicators = list(debriefing.checklist.indicators.filter(stage=Indicator.Stage.DEBRIEFING))
    clean = _answers_check(indicators, answers)
    presence = _presence(indicators, clean)
    recommendation = recommendation_compute(
        checklist=debriefing.checklist, presence=presence, exploitation=exploitation
    )
    for name, value in values.items():
        setattr(debriefing, name, value)
    debriefing.officer = actor.user
    debriefing.exploitation = exploitation
    debriefing.recommendation = recommendation.outcome
    debriefing.explanation = recommendation.as_explanation()
    debriefing.decision = decision
    debriefing.decision_reasons = reasons
    debriefing.state = Debriefing.State.SUBMITTED
    debriefing.submitted_at = timezone.now()
    debriefing.save()
    debriefing.answers.all().delete()
    by_code = {indicator.code: indicator for indicator in indicators}
    Answer.objects.bulk_create(
        [
            Answer(
                debriefing=debriefing,
                indicator=by_code[code],
                value=value,
                presence=presence[code],
                note=note,
            )
            for code, (value, note) in clean.items()
        ]
    )
    case = debriefing.case
    case.stage = Case.Stage.DECISION_PENDING
    case.save(update_fields=["stage"])
    audit.record(
        actor=actor,
        action="screening.debriefing.submit",
        target=debriefing,
        changes={
            "case": case.pk,
            "recommendation": recommendation.outcome,
            "decision": decision,
            "differs": decision != recommendation.outcome,
        },
        summary=case.reference,
    )
    return debriefing


_DECISION_STATUS = {
    Debriefing.Recommendation.TRAFFICKING_LABOUR: (
        Case.Status.IDENTIFIED,
        Case.VictimType.TRAFFICKING_LABOUR,
    ),
    Debriefing.Recommendation.TRAFFICKING_SEXUAL: (
        Case.Status.IDENTIFIED,
        Case.VictimType.TRAFFICKING_SEXUAL,
    ),
    Debriefing.Recommendation.FORCED_LABOUR: (Case.Status.IDENTIFIED, Case.VictimType.FORCED_LABOUR),
    Debriefing.Recommendation.NOT_IDENTIFIED: (Case.Status.NOT_A_VICTIM, Case.VictimType.NONE),
    Debriefing.Recommendation.INSUFFICIENT: (Case.Status.POSSIBLE, Case.VictimType.NONE),
}


@transaction.atomic
def debriefing_review(*, actor: Actor, debriefing: Debriefing, approve: bool, note: str = "") -> Debriefing:
    """A supervisor approves the decision or returns it; never the officer who made it (four eyes)."""
    access.require(actor, Role.SCREENING_SUPERVISOR, organisation=debriefing.case.organisation_id)
    assert actor.user is not None
    debriefing = Debriefing.objects.select_for_update().select_related("case").get(pk=debriefing.pk)
    refusal = four_eyes.review_refusal(actor=actor, debriefing=debriefing)
    if refusal is not None:
        raise ValidationFailed(refusal)
    note = _text(note)
    if not approve and not note:
        raise ValidationFailed(_("Say what needs more work when you return a decision."))
    debriefing.reviewed_by = actor.user
    debriefing.reviewed_at = timezone.now()
    debriefing.review_note = note
    case = debriefing.case
    if approve:
        debriefing.state = Debriefing.State.APPROVED
        case.status, case.victim_type = _DECISION_STATUS[Debriefing.Recommendation(debriefing.decision)]
        case.stage = Case.Stage.DECIDED
    else:
        debriefing.state = Debriefing.State.RETURNED
        debriefing.review_by = None
        case.stage = Case.Stage.DEBRIEFING_DUE
    debriefing.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note", "review_by"])
    case.save(update_fields=["stage", "status", "victim_type"])
    audit.record(
        actor=actor,
        action="screening.debriefing.approve" if approve else "screening.debriefing.return",
        target=debriefing,
        changes={"case": case.pk, "status": case.status, "victim_type": case.victim_type},
        summary=case.reference,
    )
    return debriefing


@transaction.atomic
def debriefing_route(*, actor: Actor, debriefing: Debriefing, supervisor: User) -> Debriefing:
    """An organisation administrator names the supervisor who reviews a decision, so that a decision
    recorded by the department's only supervisor (who may not review it) does not wait for ever."""
    access.require(actor, Role.ORG_ADMIN, organisation=debriefing.case.organisation_id)
    debriefing = Debriefing.objects.select_for_update().select_related("case").get(pk=debriefing.pk)
    if debriefing.state != Debriefing.State.SUBMITTED:
        raise ValidationFailed(_("Only a decision awaiting approval can be routed to a supervisor."))
    organisation = Organisation.objects.get(pk=debriefing.case.organisation_id)
    supervisors = users_with_role(role=Role.SCREENING_SUPERVISOR, organisation=organisation)
    if not supervisors.filter(pk=supervisor.pk).exists():
        raise ValidationFailed(_("Route the decision to a screening supervisor of the department."))
    if not four_eyes.may_route_to(debriefing=debriefing, supervisor_id=supervisor.pk):
        raise ValidationFailed(
            _("The supervisor who recorded the decision cannot review it; choose another supervisor.")
        )
    before = debriefing.review_by_id
    debriefing.review_by = supervisor
    debriefing.save(update_fields=["review_by"])
    audit.record(
        actor=actor,
        action="screening.debriefing.route",
        target=debriefing,
        changes={"case": debriefing.case_id, "review_by": supervisor.pk, "before": before},
        summary=debriefing.case.reference,
    )
    if supervisor.pk != before:
        notices.decision_routed(actor=actor, debriefing=debriefing, supervisor=supervisor)
    return debriefing
