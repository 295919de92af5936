"""Every write to victim screening: keyword-only, one transaction, one audit row each.

Audit rows name records by id and reference only: no names, answers or notes reach the audit trail,
notifications or logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.workflow import Workflow
from lionrock.core.workflow.services import transition_record
from lionrock.immigration.enforcement import services as enforcement
from lionrock.immigration.enforcement.models import Person, ScreeningOwed
from lionrock.immigration.screening import checklists, four_eyes, notices, rules
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Checklist,
    Debriefing,
    Indicator,
    InitialScreening,
    Referral,
    ServiceKind,
    ServiceOffering,
)

logger = logging.getLogger(__name__)

SCREENERS = (Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR)
TEXT_LIMIT = 4000


def _text(value: str, limit: int = TEXT_LIMIT) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value or "").strip()[:limit]


def debriefing_due_hours() -> int:
    return int(getattr(settings, "LIONROCK_DEBRIEFING_DUE_HOURS", 72))


def referral_due_hours() -> int:
    return int(getattr(settings, "LIONROCK_REFERRAL_DUE_HOURS", 48))


# --- Checklists ------------------------------------------------------------------------------------------


def checklist_store(
    definition: checklists.ChecklistDefinition,
    *,
    checklist_model: Any = Checklist,
    indicator_model: Any = Indicator,
    loaded_by_id: int | None = None,
    active: bool = False,
) -> Any:
    """Stores a validated definition with its indicators; also used by the data migrations (whose
    historical models may predate a field, which is then left out)."""
    fields = {field.name for field in indicator_model._meta.get_fields()}
    polarity = "indicated_by" in fields
    checklist = checklist_model.objects.create(
        code=definition.code,
        version=definition.version,
        title_en=definition.title_en,
        title_zh=definition.title_zh,
        source=definition.source,
        rules=definition.rules,
        definition={
            "code": definition.code,
            "version": definition.version,
            "rules": definition.rules,
            "indicators": [asdict(item) for item in definition.indicators],
        },
        is_active=active,
        loaded_by_id=loaded_by_id,
    )
    indicator_model.objects.bulk_create(
        [
            indicator_model(
                checklist=checklist,
                code=item.code,
                position=position,
                stage=item.stage,
                dimension=item.dimension,
                strength=item.strength,
                text_en=item.text_en,
                text_zh=item.text_zh,
                questions_en=list(item.questions_en),
                questions_zh=list(item.questions_zh),
                help_en=item.help_en,
                help_zh=item.help_zh,
                maps_to=list(item.maps_to),
                **({"indicated_by": item.indicated_by} if polarity else {}),
            )
            for position, item in enumerate(definition.indicators, start=1)
        ]
    )
    return checklist


@transaction.atomic
def checklist_import(
    *, actor: Actor, content: bytes, filename: str = "", activate: bool = False
) -> Checklist:
    """Loads an agency's checklist version whole or not at all; a supervisor's task."""
    access.require(actor, Role.SCREENING_SUPERVISOR)
    try:
        definition = checklists.checklist_parse(checklists.document_load(content, filename=filename))
    except checklists.ChecklistInvalid as exc:
        raise ValidationFailed(" ".join(exc.problems)) from exc
    if Checklist.objects.filter(code=definition.code, version=definition.version).exists():
        raise ValidationFailed(
            _(
                "Version %(version)s of checklist %(code)s is already loaded; checklists cannot be changed "
                "once loaded, so give the new one a new version."
            )
            % {"version": definition.version, "code": definition.code}
        )
    if activate:
        Checklist.objects.filter(is_active=True).update(is_active=False)
    checklist: Checklist = checklist_store(
        definition, loaded_by_id=actor.user.pk if actor.user else None, active=activate
    )
    audit.record(
        actor=actor,
        action="screening.checklist.import",
        target=checklist,
        changes={"code": definition.code, "version": definition.version, "active": activate},
    )
    return checklist


@transaction.atomic
def checklist_activate(*, actor: Actor, checklist: Checklist) -> Checklist:
    """New screenings use this version; records keep the version they were answered with."""
    access.require(actor, Role.SCREENING_SUPERVISOR)
    Checklist.objects.filter(is_active=True).exclude(pk=checklist.pk).update(is_active=False)
    if not checklist.is_active:
        checklist.is_active = True
        checklist.save(update_fields=["is_active"])
        audit.record(actor=actor, action="screening.checklist.activate", target=checklist)
    return checklist


def checklist_in_use() -> Checklist:
    checklist = Checklist.objects.filter(is_active=True).first()
    if checklist is None:
        raise ValidationFailed(_("No checklist is in use; a supervisor must activate one."))
    return checklist


# --- Cases ---------------------------------------------------------------------------------------------


def _reference_next(organisation_id: int) -> str:
    year = timezone.localdate().year
    prefix = f"SC-{year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:05d}"


@transaction.atomic
def cases_open_for_owed(*, owed_ids: list[int] | None = None) -> int:
    """Opens a case for every owed screening that has none (the enforcement hook); run by the system."""
    owed_rows = ScreeningOwed.objects.filter(fulfilled_at__isnull=True, screening_case__isnull=True)
    if owed_ids is not None:
        owed_rows = owed_rows.filter(pk__in=owed_ids)
    created = 0
    for owed in owed_rows.select_related("person", "arrest").select_for_update(of=("self",)):
        person = owed.person
        case = Case.objects.create(
            organisation_id=owed.organisation_id,
            reference=_reference_next(owed.organisation_id),
            origin=Case.Origin.ARREST,
            person=person,
            owed=owed,
            name_en=person.name_en,
            name_zh=person.name_zh,
            sex=person.sex,
            age=person.age_on(timezone.localtime(owed.arrest.arrested_at).date()),
            nationality=person.nationality,
            due_at=owed.due_at,
        )
        audit.record(
            actor=None,
            actor_label="system",
            action="screening.case.open",
            target=case,
            changes={"origin": case.origin, "owed": owed.pk},
        )
        created += 1
    return created


@dataclass(frozen=True)
class CaseDetails:
    name_en: str = ""
    name_zh: str = ""
    sex: str = Person.Sex.UNKNOWN
    age: int | None = None
    nationality: str = ""
    preferred_language: str = ""
    contact: str = ""
    needs: str = ""


@transaction.atomic
def case_create(
    *,
    actor: Actor,
    organisation: Organisation,
    origin: str,
    details: CaseDetails,
    due_at: datetime | None = None,
) -> Case:
    """A case for someone not arrested: a person who comes forward, a resident back from a job scam."""
    access.require(actor, *SCREENERS, organisation=organisation)
    if origin not in Case.Origin.values or origin == Case.Origin.ARREST:
        raise ValidationFailed(_("Choose how the person came to the department from the list."))
    name_en, name_zh = _text(details.name_en, 200), _text(details.name_zh, 100)
    if not (name_en or name_zh):
        raise ValidationFailed(_("Give the person's name in English or Chinese."))
    if details.sex not in Person.Sex.values:
        raise ValidationFailed(_("Choose the sex from the list."))
    if details.age is not None and not 0 < details.age < 110:
        raise ValidationFailed(_("The age must be between 1 and 109."))
    nationality = details.nationality.strip().upper()
    if nationality and not re.fullmatch(r"[A-Z]{3}", nationality):
        raise ValidationFailed(_("Give the nationality as a three-letter code, e.g. PHL or IDN."))
    case = Case.objects.create(
        organisation=organisation,
        reference=_reference_next(organisation.pk),
        origin=origin,
        name_en=name_en,
        name_zh=name_zh,
        sex=details.sex,
        age=details.age,
        nationality=nationality,
        preferred_language=_text(details.preferred_language, 40),
        contact=_text(details.contact, 300),
        needs=_text(details.needs),
        due_at=due_at or timezone.now() + timedelta(hours=enforcement.screening_due_hours()),
        created_by=actor.user,
    )
    audit.record(actor=actor, action="screening.case.create", target=case, changes={"origin": origin})
    return case


@transaction.atomic
def case_hide_name_set(*, actor: Actor, case: Case, hide: bool) -> Case:
    access.require(actor, Role.SCREENING_SUPERVISOR, organisation=case.organisation_id)
    if case.hide_name != hide:
        case.hide_name = hide
        case.save(update_fields=["hide_name"])
        audit.record(actor=actor, action="screening.case.hide_name", target=case, changes={"hide": hide})
    return case


@transaction.atomic
def case_support_details_set(
    *, actor: Actor, case: Case, preferred_language: str, needs: str, contact: str
) -> Case:
    """What support services may need to know: language, needs, a way to reach the person."""
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    case.preferred_language = _text(preferred_language, 40)
    case.needs = _text(needs)
    case.contact = _text(contact, 300)
    case.save(update_fields=["preferred_language", "needs", "contact"])
    audit.record(
        actor=actor,
        action="screening.case.support_details",
        target=case,
        changes={"preferred_language": case.preferred_language, "needs": "…", "contact": "…"},
    )
    return case


# --- Interviews ----------------------------------------------------------------------------------------


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
    return debriefing


# --- Drafts of a debriefing -----------------------------------------------------------------------------

DRAFT_TEXT_FIELDS = {"location": 200, "language": 40, "interpreter": 200, "decision_reasons": TEXT_LIMIT}


def _whole(low: int, high: int) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


_DRAFT_CHECKS: dict[str, Callable[[Any], bool]] = {
    **{name: lambda value: isinstance(value, str) for name in DRAFT_TEXT_FIELDS},
    "breaks_offered": _whole(0, 50),
    "breaks_taken": _whole(0, 50),
    "duration_minutes": _whole(1, 24 * 60),
    "started_at": lambda value: isinstance(value, datetime),
    "consent_given": lambda value: isinstance(value, bool),
    "information_given": lambda value: isinstance(value, bool),
    "exploitation": lambda value: value in Debriefing.Exploitation.values,
    "decision": lambda value: value == "" or value in Debriefing.Recommendation.values,
}


@dataclass(frozen=True)
class DebriefingDraft:
    """What the officer has entered so far; every part may be missing. Answers map a code to
    (answer, note); an empty answer with an empty note clears a saved draft answer."""

    answers: Mapping[str, tuple[str, str]]
    details: Mapping[str, Any] | None = None


@transaction.atomic
def debriefing_draft_save(*, actor: Actor, debriefing: Debriefing, draft: DebriefingDraft) -> Debriefing:
    """Keeps the unfinished debriefing server-side as the officer goes, so nothing is lost on a timeout
    or a closed tab. Nothing is submitted and no recommendation is computed; the audit row names the
    debriefing and how many answers were saved, never an answer or a note."""
    access.require(actor, *SCREENERS, organisation=debriefing.case.organisation_id)
    debriefing = Debriefing.objects.select_for_update().select_related("case").get(pk=debriefing.pk)
    if debriefing.state not in (Debriefing.State.ASSIGNED, Debriefing.State.RETURNED):
        raise ValidationFailed(_("This debriefing has been submitted and cannot be changed."))
    indicators = {
        item.code: item for item in debriefing.checklist.indicators.filter(stage=Indicator.Stage.DEBRIEFING)
    }
    stray = sorted(set(draft.answers) - set(indicators))
    if stray:
        raise ValidationFailed(
            _("These are not indicators of this checklist: %(codes)s.") % {"codes": ", ".join(stray)}
        )
    saved = {answer.indicator.code: answer for answer in debriefing.answers.select_related("indicator")}
    changed = 0
    for code, (value, note) in draft.answers.items():
        note = _text(note)
        if value not in rules.ANSWERS and value:
            raise ValidationFailed(_("Answer yes, no or unknown."))
        current = saved.get(code)
        if not value and not note:
            if current is not None:
                current.delete()
                changed += 1
            continue
        # A note without an answer yet is kept with the answer "unknown" until the officer chooses.
        value = value or (current.value if current else rules.UNKNOWN)
        presence = indicators[code].presence(value)
        if current is None:
            Answer.objects.create(
                debriefing=debriefing, indicator=indicators[code], value=value, presence=presence, note=note
            )
            changed += 1
        elif (current.value, current.note) != (value, note):
            current.value, current.presence, current.note = value, presence, note
            current.save(update_fields=["value", "presence", "note"])
            changed += 1
    fields = ["draft_saved_at"]
    for name, value in (draft.details or {}).items():
        check = _DRAFT_CHECKS.get(name)
        if check is None or not check(value):
            continue  # a detail not valid yet is simply not kept; the submission checks everything
        setattr(
            debriefing, name, _text(value, DRAFT_TEXT_FIELDS[name]) if name in DRAFT_TEXT_FIELDS else value
        )
        fields.append(name)
    debriefing.draft_saved_at = timezone.now()
    debriefing.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="screening.debriefing.draft",
        target=debriefing,
        changes={"case": debriefing.case_id, "answers_changed": changed, "fields": sorted(fields)},
        summary=debriefing.case.reference,
    )
    return debriefing


# --- Support services and referrals ---------------------------------------------------------------------


@transaction.atomic
def service_offering_add(
    *, actor: Actor, organisation: Organisation, kind: str, description: str = "", languages: str = ""
) -> ServiceOffering:
    """Adds a provider's service to the catalogue; screening supervisors keep the catalogue."""
    access.require(actor, Role.SCREENING_SUPERVISOR)
    if kind not in ServiceKind.values:
        raise ValidationFailed(_("Choose a service from the list."))
    if ServiceOffering.objects.filter(organisation=organisation, kind=kind).exists():
        raise ValidationFailed(_("This provider already offers that service."))
    offering = ServiceOffering.objects.create(
        organisation=organisation,
        kind=kind,
        description=_text(description, 300),
        languages=_text(languages, 200),
    )
    audit.record(
        actor=actor,
        action="screening.offering.add",
        target=offering,
        changes={"organisation": organisation.pk, "kind": kind},
    )
    return offering


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    case: Case,
    offering: ServiceOffering,
    needs: str,
    consent_given: bool,
    override_reason: str = "",
    due_at: datetime | None = None,
) -> Referral:
    """Refers a possible or identified victim to a service; without recorded consent only a supervisor
    may refer, and must say why."""
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    assert actor.user is not None
    if case.status not in (Case.Status.POSSIBLE, Case.Status.IDENTIFIED):
        raise ValidationFailed(_("Only a possible or identified victim can be referred to support services."))
    if not offering.is_active:
        raise ValidationFailed(_("This service is no longer offered."))
    override_reason = _text(override_reason)
    if not consent_given:
        if not actor.has_role(Role.SCREENING_SUPERVISOR, case.organisation_id):
            raise ValidationFailed(
                _(
                    "The person's consent to this referral is not recorded; only a supervisor can refer "
                    "without it."
                )
            )
        if not override_reason:
            raise ValidationFailed(_("Give the reason for referring the person without their consent."))
    if due_at is not None and due_at <= timezone.now():
        raise ValidationFailed(_("The date to respond by must be in the future."))
    if Referral.objects.filter(
        case=case,
        offering=offering,
        state__in=[Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.IN_PROGRESS],
    ).exists():
        raise ValidationFailed(_("An open referral to this service already exists."))
    referral = Referral.objects.create(
        case=case,
        offering=offering,
        provider_id=offering.organisation_id,
        needs=_text(needs),
        consent_given=consent_given,
        consent_override_by=None if consent_given else actor.user,
        consent_override_reason="" if consent_given else override_reason,
        due_at=due_at or timezone.now() + timedelta(hours=referral_due_hours()),
        sent_by=actor.user,
    )
    audit.record(
        actor=actor,
        action="screening.referral.send",
        target=referral,
        changes={
            "case": case.pk,
            "provider": offering.organisation_id,
            "service": offering.kind,
            "consent": consent_given,
        },
    )
    notices.referral_sent(actor=actor, referral=referral)
    return referral


REFERRAL_PROVIDER_FLOW = Workflow(
    action="screening.referral.update",
    field="state",
    steps={
        Referral.State.SENT: {Referral.State.ACCEPTED, Referral.State.DECLINED},
        Referral.State.ACCEPTED: {Referral.State.IN_PROGRESS, Referral.State.COMPLETED},
        Referral.State.IN_PROGRESS: {Referral.State.COMPLETED},
    },
    refusal=gettext_lazy("A referral cannot go from %(before)s to %(after)s."),
)


@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, state: str, note: str = "") -> Referral:
    """The provider's steps: sent -> accepted or declined -> in progress -> completed.

    The note stays encrypted on the referral; the history keeps who and when, not the note.
    """
    access.require(actor, Role.SERVICE_PROVIDER, organisation=referral.provider_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    REFERRAL_PROVIDER_FLOW.check(referral, state)
    if state == Referral.State.DECLINED and not _text(note):
        raise ValidationFailed(_("Say why the referral is declined."))
    referral.provider_note = _text(note) or referral.provider_note
    referral.updated_at = timezone.now()
    REFERRAL_PROVIDER_FLOW.move(
        actor=actor,
        record=referral,
        to=state,
        update_fields=["provider_note", "updated_at"],
    )
    notices.referral_updated(actor=actor, referral=referral)
    return referral


@transaction.atomic
def referral_revoke(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The referring officer withdraws a referral that is still open, saying why."""
    access.require(actor, *SCREENERS, organisation=referral.case.organisation_id)
    if referral.state in (Referral.State.DECLINED, Referral.State.COMPLETED, Referral.State.REVOKED):
        raise ValidationFailed(_("This referral is closed."))
    if not _text(reason):
        raise ValidationFailed(_("Say why the referral is revoked."))
    before = referral.state
    referral.state = Referral.State.REVOKED
    referral.updated_at = timezone.now()
    referral.save(update_fields=["state", "updated_at"])
    transition_record(
        actor=actor,
        record=referral,
        field="state",
        before=before,
        after=Referral.State.REVOKED,
        action="screening.referral.revoke",
        # The reason may name the person: only its digest is kept, as before.
        audit_changes={"reason": reason},
    )
    notices.referral_revoked(actor=actor, referral=referral)
    return referral


@transaction.atomic
def reminders_send(*, now: datetime | None = None) -> int:
    """Reminds providers of overdue referrals and officers of overdue debriefings, once a day each.

    Each reminder reaches the inbox and, by each person's preference, e-mail; run by the task queue.

    The overdue debriefings also stand out on the officer's queue and home panel.

    The reminder carries the record's number only: never a name or a detail of the case.
    """
    now = now or timezone.now()
    quiet = now - timedelta(hours=24)
    overdue = Referral.objects.filter(state=Referral.State.SENT, due_at__lt=now).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=quiet)
    )
    count = 0
    for referral in overdue.select_for_update():
        referral.reminded_at = now
        referral.save(update_fields=["reminded_at"])
        audit.record(actor=None, actor_label="system", action="screening.referral.remind", target=referral)
        notices.referral_overdue(referral=referral)
        logger.info("referral %s is overdue; provider reminded", referral.pk)
        count += 1
    late = Debriefing.objects.filter(
        state__in=[Debriefing.State.ASSIGNED, Debriefing.State.RETURNED], due_at__lt=now
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=quiet))
    for debriefing in late.select_for_update():
        debriefing.reminded_at = now
        debriefing.save(update_fields=["reminded_at"])
        audit.record(
            actor=None, actor_label="system", action="screening.debriefing.remind", target=debriefing
        )
        notices.debriefing_overdue(debriefing=debriefing)
        logger.info("debriefing %s is overdue; officer reminded", debriefing.pk)
        count += 1
    return count
