"""Every read of screening and victim records, scoped to need-to-know roles; reads of people are audited.

Screening officers and supervisors see their department's cases. A support-service provider sees only the
referrals made to its organisation, and of each only the fields its service needs (models.SERVICE_FIELDS).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.models import Person, ScreeningOwed
from lionrock.immigration.screening import four_eyes
from lionrock.immigration.screening.models import (
    SERVICE_FIELDS,
    Answer,
    Case,
    Checklist,
    Debriefing,
    Indicator,
    InitialScreening,
    Referral,
    ServiceOffering,
)

SCREENERS = (Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR)


def _screening_organisations(actor: Actor) -> frozenset[int]:
    organisations = actor.organisations_with(*SCREENERS)
    if actor.user is None or not organisations:
        raise NotFound
    return organisations


def name_masked(name: str) -> str:
    """ "NGUYEN Van Hai" -> "N… V… H…": enough to tell two cases apart on a list, not to identify."""
    return " ".join(f"{part[0]}…" for part in name.split() if part) or "…"


# --- Checklists ------------------------------------------------------------------------------------------


def checklists_list(*, actor: Actor) -> QuerySet[Checklist]:
    _screening_organisations(actor)
    return Checklist.objects.annotate(indicator_count=Count("indicators")).order_by(
        "-is_active", "-loaded_at"
    )


def checklist_get(*, actor: Actor, checklist_id: int) -> Checklist:
    checklist = checklists_list(actor=actor).filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound(checklist_id)
    return checklist


def checklist_active() -> Checklist | None:
    return Checklist.objects.filter(is_active=True).first()


def checklist_is_used(*, checklist: Checklist) -> bool:
    return (
        InitialScreening.objects.filter(checklist=checklist).exists()
        or Debriefing.objects.filter(checklist=checklist).exists()
    )


def indicators_of(*, checklist: Checklist, stage: str) -> list[Indicator]:
    return list(checklist.indicators.filter(stage=stage).order_by("position"))


# --- Cases -----------------------------------------------------------------------------------------------


def cases_visible(*, actor: Actor) -> QuerySet[Case]:
    """The cases of the departments where the actor screens; the only door to them."""
    return Case.objects.filter(organisation_id__in=_screening_organisations(actor))


def _audit_cases(actor: Actor, cases: list[Case], purpose: str) -> None:
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
    _audit_cases(actor, rows, "case list")
    return rows


def cases_owed(*, actor: Actor) -> list[Case]:
    """Initial screenings owed, soonest due first: the list supervisors watch."""
    rows = list(
        cases_visible(actor=actor)
        .filter(stage=Case.Stage.AWAITING_SCREENING)
        .select_related("owed__arrest__operation")
        .order_by("due_at", "pk")[:500]
    )
    _audit_cases(actor, rows, "screenings owed")
    return rows


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
    _audit_cases(actor, [case], purpose)
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
        _audit_cases(actor, [case], "person status")
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
    _audit_cases(actor, cases, "person status")
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


# --- Debriefings ----------------------------------------------------------------------------------------


def debriefing_get(*, actor: Actor, debriefing_id: int) -> Debriefing:
    debriefing = (
        Debriefing.objects.filter(case__organisation_id__in=_screening_organisations(actor), pk=debriefing_id)
        .select_related("case", "checklist", "assigned_to", "officer", "reviewed_by")
        .first()
    )
    if debriefing is None:
        raise NotFound(debriefing_id)
    _audit_cases(actor, [debriefing.case], "debriefing")
    return debriefing


def debriefing_answers(*, actor: Actor, debriefing: Debriefing) -> dict[str, Answer]:
    access.require(actor, *SCREENERS, organisation=debriefing.case.organisation_id)
    return {answer.indicator.code: answer for answer in debriefing.answers.select_related("indicator")}


def debriefings_assigned(*, actor: Actor) -> QuerySet[Debriefing]:
    return (
        Debriefing.objects.filter(
            case__organisation_id__in=_screening_organisations(actor),
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


# --- Support services and referrals ---------------------------------------------------------------------


def offerings_catalogue(*, actor: Actor) -> QuerySet[ServiceOffering]:
    _screening_organisations(actor)
    return (
        ServiceOffering.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("kind", "organisation__name_en")
    )


def case_referrals(*, actor: Actor, case: Case) -> list[Referral]:
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    return list(case.referrals.select_related("offering", "provider", "sent_by").order_by("-sent_at"))


@dataclass(frozen=True)
class ProviderReferral:
    """A referral as its provider sees it: only the fields the service needs, the rest is absent."""

    id: int
    service: str
    service_label: str
    state: str
    state_label: str
    sent_at: datetime
    due_at: datetime
    consent_given: bool
    provider_note: str
    fields: dict[str, Any]


def _provider_view(referral: Referral) -> ProviderReferral:
    case = referral.case
    allowed = SERVICE_FIELDS.get(referral.offering.kind, ("name",))
    values: dict[str, Any] = {
        "name": " ".join(part for part in (case.name_en, case.name_zh) if part),
        "sex": case.get_sex_display(),
        "age": case.age,
        "nationality": case.nationality,
        "preferred_language": case.preferred_language,
        "needs": referral.needs or case.needs,
        "contact": case.contact,
    }
    return ProviderReferral(
        id=referral.pk,
        service=referral.offering.kind,
        service_label=referral.offering.get_kind_display(),
        state=referral.state,
        state_label=referral.get_state_display(),
        sent_at=referral.sent_at,
        due_at=referral.due_at,
        consent_given=referral.consent_given,
        provider_note=referral.provider_note,
        fields={name: values[name] for name in allowed},
    )


def _provider_referrals(actor: Actor) -> QuerySet[Referral]:
    organisations = actor.organisations_with(Role.SERVICE_PROVIDER)
    if actor.user is None or not organisations:
        raise NotFound
    return Referral.objects.filter(provider_id__in=organisations).exclude(state=Referral.State.REVOKED)


def referrals_incoming(*, actor: Actor) -> list[ProviderReferral]:
    """The referrals made to the actor's organisations; reading them is audited."""
    rows = list(_provider_referrals(actor).select_related("case", "offering").order_by("-sent_at")[:200])
    if rows:
        audit.record_read(
            actor=actor,
            target_type="screening.referral",
            target_ids=[r.pk for r in rows],
            purpose="provider list",
        )
    return [_provider_view(referral) for referral in rows]


def referral_incoming_get(*, actor: Actor, referral_id: int) -> tuple[Referral, ProviderReferral]:
    referral = _provider_referrals(actor).select_related("case", "offering").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(referral_id)
    audit.record_read(
        actor=actor, target_type="screening.referral", target_ids=[referral.pk], purpose="provider"
    )
    return referral, _provider_view(referral)


def referral_get(*, actor: Actor, referral_id: int) -> Referral:
    referral = (
        Referral.objects.filter(case__organisation_id__in=_screening_organisations(actor), pk=referral_id)
        .select_related("case", "offering")
        .first()
    )
    if referral is None:
        raise NotFound(referral_id)
    return referral


def referrals_incoming_count(*, actor: Actor) -> int:
    try:
        return _provider_referrals(actor).filter(state=Referral.State.SENT).count()
    except NotFound:
        return 0


# --- Statistics ------------------------------------------------------------------------------------------


def years_available(*, actor: Actor) -> list[int]:
    cases = cases_visible(actor=actor)
    return sorted({d.year for d in cases.dates("created_at", "year")}, reverse=True) or [
        timezone.localdate().year
    ]


def statistics_for_year(*, actor: Actor, year: int) -> dict[str, Any]:
    """Counts like the published figures: no person is named or identifiable in them."""
    organisations = _screening_organisations(actor)
    start = datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
    end = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    screenings = InitialScreening.objects.filter(
        case__organisation_id__in=organisations, started_at__gte=start, started_at__lt=end
    )
    debriefings = Debriefing.objects.filter(
        case__organisation_id__in=organisations, submitted_at__gte=start, submitted_at__lt=end
    )
    approved = debriefings.filter(state=Debriefing.State.APPROVED)
    identified = Counter(
        Case.objects.filter(pk__in=approved.values("case"), status=Case.Status.IDENTIFIED).values_list(
            "victim_type", flat=True
        )
    )
    referrals = (
        Referral.objects.filter(case__organisation_id__in=organisations, sent_at__gte=start, sent_at__lt=end)
        .values("offering__kind", "state")
        .annotate(n=Count("pk"))
        .order_by("offering__kind", "state")
    )
    frequency = (
        Answer.objects.filter(presence=Answer.Presence.PRESENT)
        .filter(
            Q(screening__in=screenings)
            | Q(debriefing__in=debriefings.exclude(state=Debriefing.State.RETURNED))
        )
        .values("indicator__code", "indicator__text_en", "indicator__text_zh", "indicator__stage")
        .annotate(n=Count("pk"))
        .order_by("-n", "indicator__code")
    )
    return {
        "year": year,
        "screenings": screenings.count(),
        "screened_out": screenings.filter(outcome=InitialScreening.Outcome.SCREENED_OUT).count(),
        "debriefings": debriefings.count(),
        "identified": dict(identified),
        "identified_total": sum(identified.values()),
        "referrals": list(referrals),
        "indicator_frequency": list(frequency[:30]),
    }


def htcds_export(*, actor: Actor, year: int) -> list[dict[str, Any]]:
    """One anonymised row per decided case, shaped after the IOM Human Trafficking Case Data Standard.

    No name, contact, document, date of birth or free text: only coarse fields (sex, age band, citizenship),
    the trafficking status, the type of exploitation and the methods of control the indicators evidence.
    """
    access.require(actor, Role.SCREENING_SUPERVISOR)
    organisations = actor.organisations_with(Role.SCREENING_SUPERVISOR)
    cases = Case.objects.filter(
        organisation_id__in=organisations, created_at__year=year, stage=Case.Stage.DECIDED
    ).order_by("pk")
    rows = []
    for number, case in enumerate(cases, start=1):
        debriefing = case.debriefings.filter(state=Debriefing.State.APPROVED).order_by("-reviewed_at").first()
        yes = set()
        if debriefing is not None:
            yes = set(
                debriefing.answers.filter(presence=Answer.Presence.PRESENT).values_list(
                    "indicator__code", flat=True
                )
            )
        rows.append(
            {
                "case_number": f"{year}-{number:05d}",
                "registration_year": year,
                "gender": {"M": "male", "F": "female"}.get(case.sex, "unknown"),
                "age_band": _age_band(case.age),
                "citizenship": case.nationality or "unknown",
                "trafficking_status": {
                    Case.Status.IDENTIFIED: "actual",
                    Case.Status.POSSIBLE: "possible",
                    Case.Status.NOT_A_VICTIM: "not a victim",
                }.get(Case.Status(case.status), "unknown"),
                "type_of_exploitation": {
                    Case.VictimType.TRAFFICKING_LABOUR: "forced labour",
                    Case.VictimType.TRAFFICKING_SEXUAL: "sexual exploitation",
                    Case.VictimType.FORCED_LABOUR: "forced labour",
                }.get(Case.VictimType(case.victim_type), ""),
                "methods_of_control": sorted({m for code in yes for m in HTCDS_CONTROL.get(code, ())}),
                "referred_services": sorted(set(case.referrals.values_list("offering__kind", flat=True))),
            }
        )
    audit.record(
        actor=actor,
        action="screening.export.htcds",
        target=("screening.case", f"{len(rows)} records"),
        changes={"year": year, "rows": len(rows)},
    )
    return rows


def _age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high in ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54)):
        if low <= age <= high:
            return f"{low}-{high}"
    return "55+"


# Which HTCDS "methods of control" an operational indicator of the default checklist evidences.
HTCDS_CONTROL: dict[str, tuple[str, ...]] = {
    "CR-M3": ("debt bondage",),
    "CD-S2": ("debt bondage",),
    "CR-M8": ("takes earnings",),
    "CD-M10": ("takes earnings",),
    "EC-M7": ("takes earnings",),
    "CR-S2": ("threats",),
    "CD-M7": ("threats",),
    "CD-M5": ("threat of law enforcement",),
    "CR-M6": ("threat of law enforcement",),
    "CR-S1": ("physical abuse",),
    "CD-S4": ("physical abuse",),
    "DR-S1": ("false promises",),
    "DR-M7": ("false promises",),
    "CR-M4": ("restricts movement",),
    "CD-S3": ("restricts movement",),
    "EC-S1": ("excessive working hours",),
    "CR-M2": ("withholds documents",),
    "CD-S1": ("withholds documents",),
    "CD-M8": ("psychological abuse",),
}
