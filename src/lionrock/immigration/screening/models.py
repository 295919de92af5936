"""Victim screening: checklists as versioned data, cases, initial screenings, debriefings, referrals.

Identifying details of a screened person (names, contact, needs, notes) are encrypted at rest with the
enforcement module's field encryption; reads of them are audited by the selectors.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation
from lionrock.core.workflow.models import Transition
from lionrock.immigration.enforcement.encryption import EncryptedTextField
from lionrock.immigration.enforcement.models import Person, ScreeningOwed


class Checklist(models.Model):
    """One version of a checklist definition; immutable once a screening has used it.

    `definition` keeps the document exactly as loaded; `rules` the combination rules the system applies.
    """

    code = models.SlugField(_("code"), max_length=60)
    version = models.CharField(_("version"), max_length=30)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)
    rules = models.JSONField(default=dict)
    definition = models.JSONField(default=dict)
    is_active = models.BooleanField(_("in use for new screenings"), default=False)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-loaded_at", "-pk"]
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    def title(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.title_zh:
            return self.title_zh
        return self.title_en


class IndicatedBy(models.TextChoices):
    """The polarity of an indicator's question: which answer means the indicator is present."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_ASKED = "", _("—")


class Presence(models.TextChoices):
    """What an answer means for the indicator: the only thing the rules and statistics count."""

    PRESENT = "present", _("Indicator present")
    ABSENT = "absent", _("Indicator absent")
    UNKNOWN = "unknown", _("Not known")


def presence_of(answer: str, indicated_by: str) -> str:
    """The indicator's presence from the answer to its question as asked; unknown stays unknown."""
    if answer not in ("yes", "no"):
        return Presence.UNKNOWN
    return Presence.PRESENT if answer == (indicated_by or "yes") else Presence.ABSENT


class Indicator(models.Model):
    """One indicator of a checklist version: initial-form item, operational indicator or ILO FL indicator."""

    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial screening")
        DEBRIEFING = "debriefing", _("Full debriefing")
        FORCED_LABOUR = "forced_labour", _("ILO forced-labour indicator")

    class Dimension(models.TextChoices):
        INITIAL = "initial", _("Initial screening form")
        DECEPTIVE_RECRUITMENT = (
            "deceptive_recruitment",
            _("Deceptive recruitment (incl. transfer and transport)"),
        )
        COERCIVE_RECRUITMENT = "coercive_recruitment", _("Coercive recruitment")
        RECRUITMENT_ABUSE = "recruitment_abuse_of_vulnerability", _("Recruitment by abuse of vulnerability")
        EXPLOITATIVE_CONDITIONS = "exploitative_conditions", _("Exploitative conditions of work")
        COERCION_AT_DESTINATION = "coercion_at_destination", _("Coercion at destination")
        ABUSE_AT_DESTINATION = (
            "abuse_of_vulnerability_at_destination",
            _("Abuse of vulnerability at destination"),
        )
        FORCED_LABOUR = "forced_labour", _("ILO indicators of forced labour")

    class Strength(models.TextChoices):
        STRONG = "strong", _("strong")
        MEDIUM = "medium", _("medium")
        WEAK = "weak", _("weak")
        NONE = "", _("—")

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=30)
    position = models.PositiveIntegerField(default=0)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    dimension = models.CharField(_("dimension"), max_length=50, choices=Dimension.choices)
    strength = models.CharField(_("strength"), max_length=10, choices=Strength.choices, blank=True)
    text_en = models.CharField(_("indicator (English)"), max_length=300)
    text_zh = models.CharField(_("indicator (Chinese)"), max_length=300)
    questions_en = models.JSONField(default=list)
    questions_zh = models.JSONField(default=list)
    help_en = models.TextField(blank=True)
    help_zh = models.TextField(blank=True)
    maps_to = models.JSONField(default=list)
    # Which answer to the question means the indicator is present: "yes" ("Do you owe money…?") or "no"
    # ("Can you leave when you want?"); blank for the forced-labour indicators, which are never asked.
    indicated_by = models.CharField(
        _("answer that indicates"), max_length=3, choices=IndicatedBy.choices, default="yes", blank=True
    )

    class Meta:
        ordering: ClassVar = ["checklist", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["checklist", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Checklist indicators are immutable; load a new checklist version")
        super().save(*args, **kwargs)

    def text(self, language: str | None = None) -> str:
        return self.text_zh if language and language.startswith("zh") and self.text_zh else self.text_en

    def questions(self, language: str | None = None) -> list[str]:
        chosen = self.questions_zh if language and language.startswith("zh") else self.questions_en
        return list(chosen or self.questions_en or [])

    def presence(self, answer: str) -> str:
        return presence_of(answer, self.indicated_by)

    def answer_for(self, presence: str) -> str:
        """The answer to this indicator's question that records the given presence."""
        if presence == Presence.PRESENT:
            return self.indicated_by or "yes"
        if presence == Presence.ABSENT:
            return "no" if (self.indicated_by or "yes") == "yes" else "yes"
        return "unknown"


class Case(models.Model):
    """A person being screened, from an arrest or coming forward, and where their case stands.

    `status` is the trafficking status in IOM HTCDS terms; `stage` is where the work stands. Names,
    contact and needs are encrypted; `hide_name` masks the name until a permitted user reveals it.
    """

    class Origin(models.TextChoices):
        ARREST = "arrest", _("Arrested in an operation")
        CAME_FORWARD = "came_forward", _("Came forward")
        RETURNED_RESIDENT = "returned_resident", _("Resident returned from abroad (e.g. a job scam)")
        REFERRED = "referred", _("Referred by another agency or an NGO")

    class Stage(models.TextChoices):
        AWAITING_SCREENING = "awaiting_screening", _("Awaiting initial screening")
        SCREENED_OUT = "screened_out", _("Screened out")
        DEBRIEFING_DUE = "debriefing_due", _("Full debriefing due")
        DECISION_PENDING = "decision_pending", _("Decision awaiting approval")
        DECIDED = "decided", _("Decision approved")

    class Status(models.TextChoices):
        NOT_ASSESSED = "", _("Not yet assessed")
        POSSIBLE = "possible", _("Possible victim")
        IDENTIFIED = "identified", _("Identified victim")
        NOT_A_VICTIM = "not_a_victim", _("Not a victim")

    class VictimType(models.TextChoices):
        NONE = "", _("—")
        TRAFFICKING_LABOUR = "trafficking_labour", _("Trafficking for labour exploitation")
        TRAFFICKING_SEXUAL = "trafficking_sexual", _("Trafficking for sexual exploitation")
        FORCED_LABOUR = "forced_labour", _("Forced labour")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="screening_cases"
    )
    owed = models.OneToOneField(
        ScreeningOwed, on_delete=models.PROTECT, null=True, blank=True, related_name="screening_case"
    )
    name_en = EncryptedTextField(_("name (English)"), blank=True)
    name_zh = EncryptedTextField(_("name (Chinese)"), blank=True)
    contact = EncryptedTextField(_("contact"), blank=True)
    needs = EncryptedTextField(_("needs"), blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Person.Sex.choices, default=Person.Sex.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=40, blank=True)
    hide_name = models.BooleanField(_("hide the name"), default=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.AWAITING_SCREENING
    )
    status = models.CharField(
        _("trafficking status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_ASSESSED,
        blank=True,
    )
    victim_type = models.CharField(
        _("type of victim"), max_length=30, choices=VictimType.choices, default=VictimType.NONE, blank=True
    )
    due_at = models.DateTimeField(_("screening due"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = _("screening case")
        verbose_name_plural = _("screening cases")
        indexes: ClassVar = [
            models.Index(fields=["organisation", "stage", "due_at"], name="case_queue_idx"),
            # The case list, newest first a page at a time: read in order from the index, whatever the
            # planner's sampled statistics say about how many cases a department has.
            models.Index(fields=["organisation", "created_at"], name="case_list_idx"),
        ]

    class VictimStatus(models.TextChoices):
        """What others are told of a case: the HTCDS status once screened, or where screening stands.

        `status` alone cannot say it: a person screened out and a person found not to be a victim after a
        debriefing are both "not a victim" in HTCDS, and one awaiting screening has no status yet.
        """

        SCREENING_OWED = "screening_owed", _("Screening owed")
        SCREENED_OUT = "screened_out", _("Screened out")
        POSSIBLE = "possible", _("Possible victim")
        IDENTIFIED = "identified", _("Identified victim")
        NOT_A_VICTIM = "not_a_victim", _("Not a victim")

    def __str__(self) -> str:
        return self.reference

    def victim_status(self) -> VictimStatus:
        if self.stage == self.Stage.AWAITING_SCREENING:
            return self.VictimStatus.SCREENING_OWED
        if self.stage == self.Stage.SCREENED_OUT:
            return self.VictimStatus.SCREENED_OUT
        if self.stage == self.Stage.DECIDED and self.status in (
            self.Status.IDENTIFIED,
            self.Status.NOT_A_VICTIM,
        ):
            return self.VictimStatus(self.status)
        # Debriefing due or a decision awaiting approval: an indicator was present, nothing is decided yet.
        return self.VictimStatus.POSSIBLE


class InterviewFields(models.Model):
    """What every interview records, so that length, breaks, language and interpreter can be reviewed."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    duration_minutes = models.PositiveIntegerField(_("length of the interview (minutes)"))
    breaks_offered = models.PositiveSmallIntegerField(_("breaks offered"), default=0)
    breaks_taken = models.PositiveSmallIntegerField(_("breaks taken"), default=0)
    location = models.CharField(_("where"), max_length=200)
    language = models.CharField(_("language used"), max_length=40)
    interpreter = models.CharField(_("interpreter (name or service)"), max_length=200, blank=True)
    consent_given = models.BooleanField(_("consent to the interview given"), default=False)
    information_given = models.BooleanField(_("rights and support explained"), default=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class InitialScreening(InterviewFields):
    """The short initial screening; the outcome is applied by the system from the answers."""

    class Outcome(models.TextChoices):
        DEBRIEFING_REQUIRED = "debriefing_required", _("Full debriefing required")
        SCREENED_OUT = "screened_out", _("Screened out")

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="initial_screening")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = EncryptedTextField(_("officer's reasons"), blank=True)

    class Meta:
        verbose_name = _("initial screening")

    def __str__(self) -> str:
        return f"initial screening of {self.case_id}"


class Debriefing(models.Model):
    """The full debriefing: assigned with a due time, answered, decided, approved or returned."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SUBMITTED = "submitted", _("Awaiting approval")
        RETURNED = "returned", _("Returned for more work")
        APPROVED = "approved", _("Approved")

    class Exploitation(models.TextChoices):
        LABOUR = "labour", _("Labour exploitation")
        SEXUAL = "sexual", _("Sexual exploitation")

    class Recommendation(models.TextChoices):
        TRAFFICKING_LABOUR = "trafficking_labour", _("Victim of trafficking for labour exploitation")
        TRAFFICKING_SEXUAL = "trafficking_sexual", _("Victim of trafficking for sexual exploitation")
        FORCED_LABOUR = "forced_labour", _("Victim of forced labour")
        NOT_IDENTIFIED = "not_identified", _("Not identified as a victim")
        INSUFFICIENT = "insufficient_information", _("Insufficient information")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="debriefings")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ASSIGNED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    due_at = models.DateTimeField(_("due"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("length of the interview (minutes)"), null=True, blank=True
    )
    breaks_offered = models.PositiveSmallIntegerField(_("breaks offered"), default=0)
    breaks_taken = models.PositiveSmallIntegerField(_("breaks taken"), default=0)
    location = models.CharField(_("where"), max_length=200, blank=True)
    language = models.CharField(_("language used"), max_length=40, blank=True)
    interpreter = models.CharField(_("interpreter (name or service)"), max_length=200, blank=True)
    consent_given = models.BooleanField(_("consent to the interview given"), default=False)
    information_given = models.BooleanField(_("rights and support explained"), default=False)
    exploitation = models.CharField(
        _("form of exploitation"), max_length=10, choices=Exploitation.choices, default=Exploitation.LABOUR
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=30, choices=Recommendation.choices, blank=True
    )
    explanation = models.JSONField(default=dict, blank=True)
    decision = models.CharField(
        _("officer's decision"), max_length=30, choices=Recommendation.choices, blank=True
    )
    decision_reasons = EncryptedTextField(_("reasons for the decision"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(_("supervisor's note"), blank=True)
    # Set by an organisation administrator when the decision needs a named supervisor (four eyes: the one
    # who recorded it cannot review it); only that supervisor then reviews it.
    review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to be reviewed by"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When the officer last saved the unfinished debriefing (answers are kept as they go).
    draft_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        # The review queues and the routing panel ask for decisions in one state, oldest submitted first.
        indexes: ClassVar = [models.Index(fields=["state", "submitted_at"], name="debriefing_state_idx")]
        verbose_name = _("debriefing")

    def __str__(self) -> str:
        return f"debriefing {self.pk} of {self.case_id}"


class Answer(models.Model):
    """One indicator's answer in an initial screening or a debriefing, with the officer's notes.

    `value` is the answer to the question as it was asked; `presence` what it means for the indicator,
    derived through the indicator's polarity (`Indicator.indicated_by`) when the answer is recorded. An
    answer to a debriefing that is not yet submitted is a draft, saved as the officer goes.
    """

    class Value(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Unknown")

    Presence = Presence

    screening = models.ForeignKey(
        InitialScreening, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    debriefing = models.ForeignKey(
        Debriefing, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("answer"), max_length=10, choices=Value.choices)
    presence = models.CharField(_("indicator"), max_length=10, choices=Presence.choices, default="")
    note = EncryptedTextField(_("notes and evidence"), blank=True)

    class Meta:
        ordering: ClassVar = ["indicator__position"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(screening__isnull=True) ^ models.Q(debriefing__isnull=True),
                name="answer_belongs_to_one_interview",
            ),
            models.UniqueConstraint(fields=["screening", "indicator"], name="answer_once_per_screening"),
            models.UniqueConstraint(fields=["debriefing", "indicator"], name="answer_once_per_debriefing"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}={self.value}"


class ServiceKind(models.TextChoices):
    URGENT = "urgent", _("Urgent intervention")
    MEDICAL = "medical", _("Medical services")
    COUNSELLING = "counselling", _("Counselling")
    SHELTER = "shelter", _("Shelter or temporary accommodation")
    INTERPRETATION = "interpretation", _("Interpretation")
    LEGAL = "legal", _("Legal advice")
    REPATRIATION = "repatriation", _("Repatriation assistance")
    FINANCIAL = "financial", _("Financial assistance")


# What a provider of each service sees of the person referred: need-to-know, never the immigration history.
SERVICE_FIELDS: dict[str, tuple[str, ...]] = {
    ServiceKind.URGENT: ("name", "sex", "age", "preferred_language", "needs", "contact"),
    ServiceKind.MEDICAL: ("name", "sex", "age", "preferred_language", "needs"),
    ServiceKind.COUNSELLING: ("name", "sex", "age", "preferred_language", "needs"),
    ServiceKind.SHELTER: ("name", "sex", "preferred_language", "needs"),
    ServiceKind.INTERPRETATION: ("name", "preferred_language"),
    ServiceKind.LEGAL: ("name", "nationality", "preferred_language", "needs", "contact"),
    ServiceKind.REPATRIATION: ("name", "nationality", "preferred_language", "needs"),
    ServiceKind.FINANCIAL: ("name", "preferred_language", "needs"),
}


class ServiceOffering(models.Model):
    """A service in the catalogue, offered by one provider organisation (NGO, shelter, clinic, department)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["kind", "organisation__name_en"]
        verbose_name = _("service offering")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="offering_once_per_provider")
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.organisation_id}"


class Referral(models.Model):
    """A referral of a case to a provider's service, with consent and its lifecycle."""

    class State(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REVOKED = "revoked", _("Revoked")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    offering = models.ForeignKey(ServiceOffering, on_delete=models.PROTECT, related_name="referrals")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SENT)
    needs = EncryptedTextField(_("what the person needs from this service"), blank=True)
    consent_given = models.BooleanField(_("the person consented to this referral"), default=False)
    consent_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent_override_reason = EncryptedTextField(_("reason for referring without consent"), blank=True)
    due_at = models.DateTimeField(_("respond by"))
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    provider_note = EncryptedTextField(_("provider's note"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The history of states goes with the record (retention included).
    transitions = GenericRelation(Transition)

    class Meta:
        ordering: ClassVar = ["-sent_at", "-pk"]
        verbose_name = _("referral")
        indexes: ClassVar = [models.Index(fields=["provider", "state"], name="referral_provider_idx")]

    def __str__(self) -> str:
        return f"referral {self.pk}"
