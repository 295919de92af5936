"""Enforcement records: the offence catalogue, reports and their history, operations, persons, arrests."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, gettext, gettext_noop, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation
from lionrock.core.workflow.models import Transition
from lionrock.immigration.enforcement.countries import country_name
from lionrock.immigration.enforcement.encryption import EncryptedTextField


class District(models.TextChoices):
    """The 18 districts of Hong Kong."""

    CENTRAL_AND_WESTERN = "central_western", _("Central and Western")
    WAN_CHAI = "wan_chai", _("Wan Chai")
    EASTERN = "eastern", _("Eastern")
    SOUTHERN = "southern", _("Southern")
    YAU_TSIM_MONG = "yau_tsim_mong", _("Yau Tsim Mong")
    SHAM_SHUI_PO = "sham_shui_po", _("Sham Shui Po")
    KOWLOON_CITY = "kowloon_city", _("Kowloon City")
    WONG_TAI_SIN = "wong_tai_sin", _("Wong Tai Sin")
    KWUN_TONG = "kwun_tong", _("Kwun Tong")
    KWAI_TSING = "kwai_tsing", _("Kwai Tsing")
    TSUEN_WAN = "tsuen_wan", _("Tsuen Wan")
    TUEN_MUN = "tuen_mun", _("Tuen Mun")
    YUEN_LONG = "yuen_long", _("Yuen Long")
    NORTH = "north", _("North")
    TAI_PO = "tai_po", _("Tai Po")
    SHA_TIN = "sha_tin", _("Sha Tin")
    SAI_KUNG = "sai_kung", _("Sai Kung")
    ISLANDS = "islands", _("Islands")


class PremisesType(models.TextChoices):
    RENOVATION_SITE = "renovation_site", _("Renovation or building-maintenance site")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    RESTAURANT = "restaurant", _("Restaurant or food stall")
    RETAIL_SHOP = "retail_shop", _("Retail shop")
    WAREHOUSE = "warehouse", _("Warehouse or logistics")
    FACTORY = "factory", _("Factory or workshop")
    OFFICE = "office", _("Office")
    DOMESTIC = "domestic", _("Domestic household")
    MASSAGE_OR_ENTERTAINMENT = "entertainment", _("Massage or entertainment venue")
    MARKET = "market", _("Market or street stall")
    OTHER = "other", _("Other")


# The ordinances the offence catalogue cites, marked so that their names are translated.
ORDINANCE_NAMES = (gettext_noop("Immigration Ordinance (Cap. 115)"),)


class Offence(models.Model):
    """One version of an offence in the catalogue; a change in the law is a new row with its own dates.

    `effective_from` empty means in force before the catalogue's records begin; `effective_until` empty
    means still in force. Penalties are the maxima; `penalty_as_principal` marks aiding and abetting.
    """

    code = models.SlugField(_("code"), max_length=40)
    ordinance = models.CharField(_("ordinance"), max_length=120)
    section = models.CharField(_("section"), max_length=60)
    section_zh = models.CharField(_("section (Chinese)"), max_length=60, blank=True)
    title_en = models.CharField(_("offence (English)"), max_length=300)
    title_zh = models.CharField(_("offence (Chinese)"), max_length=300)
    max_fine_hkd = models.PositiveIntegerField(_("maximum fine (HK$)"), null=True, blank=True)
    max_imprisonment_months = models.PositiveIntegerField(
        _("maximum imprisonment (months)"), null=True, blank=True
    )
    penalty_as_principal = models.BooleanField(_("penalty as for the principal offence"), default=False)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["code", "effective_from"]
        verbose_name = _("offence")
        verbose_name_plural = _("offences")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="offence_unique_version"),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="offence_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section}: {self.title_en}"

    def title(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.title_zh:
            return self.title_zh
        return self.title_en

    def section_in(self, language: str | None = None) -> str:
        """'s.17I (officers)' in English, the Chinese catalogue's own wording in Chinese."""
        if language and language.startswith("zh") and self.section_zh:
            return self.section_zh
        return self.section

    def ordinance_display(self) -> str:
        """The ordinance's name in the reader's language (the catalogue knows the one it cites)."""
        return gettext(self.ordinance) if self.ordinance else ""

    def title_display(self) -> str:
        """The offence in the reader's language."""
        return self.title(get_language())

    def section_display(self) -> str:
        """The section in the reader's language."""
        return self.section_in(get_language())

    def imprisonment_display(self) -> str:
        """'10 years' where the ordinance says years (whole years), otherwise months."""
        months = self.max_imprisonment_months
        if not months:
            return ""
        if months % 12 == 0:
            return ngettext("%(count)d year", "%(count)d years", months // 12) % {"count": months // 12}
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}

    def fine_display(self) -> str:
        return f"HK${self.max_fine_hkd:,}" if self.max_fine_hkd else ""

    def penalty_display(self) -> str:
        """The maxima as the ordinance states them: 'HK$500,000 and imprisonment for 10 years'."""
        if self.penalty_as_principal:
            return gettext("as for the principal offence")
        fine, term = self.fine_display(), self.imprisonment_display()
        if fine and term:
            return gettext("%(fine)s and imprisonment for %(term)s") % {"fine": fine, "term": term}
        if term:
            return gettext("imprisonment for %(term)s") % {"term": term}
        return fine


class Report(models.Model):
    """A report of a suspected immigration offence, from the public form or logged by an officer.

    The reporter's name and contact are encrypted; `submitter_digest` is a keyed hash of the sending
    address, kept only to rate-limit the public form. Public readers see the reference and a coarse status.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online form")
        HOTLINE = "hotline", _("Hotline")
        FAX = "fax", _("Fax")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        REFERRAL = "referral", _("Referral from another department")

    class Category(models.TextChoices):
        ILLEGAL_WORK = "illegal_work", _("Someone working illegally")
        EMPLOYING = "employing", _("An employer of illegal workers")
        OVERSTAYING = "overstaying", _("Someone overstaying")
        FORGED_ID = "forged_id", _("A forged identity card")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Under review")
        LINKED = "linked", _("Linked to an operation")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    class Outcome(models.TextChoices):
        ACTIONED = "actioned", _("Acted on in an operation")
        NO_OFFENCE = "no_offence", _("No offence found")
        INSUFFICIENT = "insufficient", _("Not enough information to act")
        DUPLICATE = "duplicate", _("Duplicate of another report")
        REFERRED = "referred", _("Referred to another department")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("what was seen"), max_length=20, choices=Category.choices)
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=300)
    district = models.CharField(_("district"), max_length=30, choices=District.choices, blank=True)
    premises_type = models.CharField(
        _("type of premises"), max_length=30, choices=PremisesType.choices, blank=True
    )
    business_name = models.CharField(_("business name"), max_length=200, blank=True)
    people_involved = models.TextField(_("people involved"), blank=True)
    observed_on = models.DateField(_("date seen"), null=True, blank=True)
    observed_time = models.TimeField(_("time seen"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    reporter_name = EncryptedTextField(_("reporter's name"), blank=True)
    reporter_contact = EncryptedTextField(_("reporter's contact"), blank=True)
    normalised_address = models.CharField(max_length=300, blank=True, db_index=True)
    normalised_business = models.CharField(max_length=200, blank=True, db_index=True)
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    submitter_digest = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    operation = models.ForeignKey(
        "Operation", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-received_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status", "-priority"], name="report_queue_idx")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_anonymous(self) -> bool:
        return not (self.reporter_name or self.reporter_contact)

    @property
    def public_status(self) -> str:
        """What the reporter may see: received, under review or closed, and nothing more."""
        if self.status == self.Status.NEW:
            return str(_("Received"))
        if self.status == self.Status.CLOSED:
            return str(_("Closed"))
        return str(_("Under review"))


class ReportAttachment(models.Model):
    """A photo or document sent with a report; the file lives under DATA_DIR, never under the web root."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=100, unique=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """One step in a report's history: received, assigned, prioritised, noted, linked, closed.

    `data` keeps what happened as facts (codes, references, names), never as sentences, so the history
    reads in the language of whoever opens it; `detail` holds only what an officer typed (a note, or the
    note given when closing).
    """

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITISED = "prioritised", _("Priority changed")
        NOTE = "note", _("Note")
        DUPLICATE = "duplicate", _("Marked as duplicate")
        LINKED = "linked", _("Linked to an operation")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    detail = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"

    def detail_display(self) -> str:
        """What happened, in the reader's language, followed by what the officer typed."""
        facts = self._facts()
        if facts and self.detail:
            return gettext("%(event)s: %(note)s") % {"event": facts, "note": self.detail}
        return facts or self.detail

    def _facts(self) -> str:
        data = self.data or {}
        try:
            if "channel" in data:
                return str(Report.Channel(data["channel"]).label)
            if "before" in data and "after" in data:
                return gettext("%(before)s → %(after)s") % {
                    "before": Report.Priority(data["before"]).label,
                    "after": Report.Priority(data["after"]).label,
                }
            if "outcome" in data:
                return str(Report.Outcome(data["outcome"]).label)
        except ValueError:
            return ""
        if "assignee" in data:
            return str(data.get("name") or gettext("nobody"))
        if "merged" in data:
            return gettext("%(ref)s merged into this report") % {"ref": data["merged"]}
        if "unlinked" in data:
            return gettext("Unlinked from operation %(codename)s") % {"codename": data["unlinked"]}
        return str(data.get("original") or data.get("operation") or "")


class Operation(models.Model):
    """A codenamed operation: planned, executed over one or more days at one or more premises, closed."""

    class Kind(models.TextChoices):
        ANTI_ILLEGAL_WORKER = "anti_illegal_worker", _("Anti-illegal-worker operation")
        JOINT_POLICE = "joint_police", _("Joint operation with the police")
        JOINT_LABOUR = "joint_labour", _("Joint operation with the labour department")
        JOINT_OTHER = "joint_other", _("Joint operation with another department")
        PUBLICITY = "publicity", _("Publicity only")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        EXECUTED = "executed", _("Executed")
        CLOSED = "closed", pgettext_lazy("operation status", "Closed")

    class Publicity(models.TextChoices):
        LEAFLETS = "leaflets", _("Leaflets")
        VEHICLE = "vehicle", _("Promotional vehicle")
        TALKS = "talks", _("Talks")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    codename = models.CharField(_("codename"), max_length=60)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.ANTI_ILLEGAL_WORKER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead officer")
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("team")
    )
    publicity = models.JSONField(_("publicity actions"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The history of states goes with the record (retention included).
    transitions = GenericRelation(Transition)

    class Meta:
        ordering: ClassVar = ["-planned_start"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")

    def __str__(self) -> str:
        return self.codename

    def publicity_labels(self) -> list[str]:
        return [str(self.Publicity(item).label) for item in self.publicity if item in self.Publicity.values]


class Premises(models.Model):
    """A place visited during an operation."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="premises")
    address = models.CharField(_("address"), max_length=300)
    district = models.CharField(_("district"), max_length=30, choices=District.choices)
    premises_type = models.CharField(_("type of premises"), max_length=30, choices=PremisesType.choices)
    business_name = models.CharField(_("business name"), max_length=200, blank=True)
    normalised_address = models.CharField(max_length=300, blank=True, db_index=True)
    visited_at = models.DateTimeField(_("visited at"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["visited_at", "pk"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")

    def __str__(self) -> str:
        return self.address


class Person(models.Model):
    """Someone encountered in enforcement work: personal data, visible to the department's officers only."""

    class Sex(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")
        UNKNOWN = "X", _("Not recorded")

    class StatusCategory(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        OVERSTAYER = "overstayer", _("Overstayer")
        ILLEGAL_IMMIGRANT = "illegal_immigrant", _("Illegal immigrant")
        REMOVAL_ORDER = "removal_order", _("Person under a removal or deportation order")
        REFUSED_LANDING = "refused_landing", _("Person refused permission to land")
        FOREIGN_DOMESTIC_HELPER = "fdh", _("Foreign domestic helper")
        IMPORTED_WORKER = "imported_worker", _("Imported worker")
        NON_REFOULEMENT_CLAIMANT = "claimant", _("Non-refoulement claimant")
        RESIDENT = "resident", _("Hong Kong resident")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("age (if no date of birth)"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    status_category = models.CharField(
        _("immigration status"), max_length=20, choices=StatusCategory.choices, default=StatusCategory.OTHER
    )
    normalised_name = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name_en", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"P{self.pk}"

    def nationality_display(self) -> str:
        """The nationality as the reader names the country ('越南' for VNM in Chinese), or the code."""
        return country_name(self.nationality)

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.age_estimate


class IdentityDocument(models.Model):
    """An identity card or travel document; the number is encrypted, a keyed hash finds the same one."""

    class Kind(models.TextChoices):
        HKID = "hkid", _("Hong Kong identity card")
        TRAVEL_DOCUMENT = "travel_document", _("Travel document")
        OTHER = "other", _("Other document")

    class Check(models.TextChoices):
        VALID = "valid", _("Well formed")
        INVALID = "invalid", _("Not well formed")
        NOT_CHECKED = "not_checked", _("No check available")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    number = EncryptedTextField(_("number"))
    number_index = models.CharField(max_length=64, db_index=True)
    issuing_country = models.CharField(_("issuing country"), max_length=3, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    format_check = models.CharField(_("format check"), max_length=12, choices=Check.choices)
    check_note = models.CharField(_("check result"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Arrest(models.Model):
    """A person arrested in an operation, in a role, charged with offences in force on the arrest date.

    `concluded_at` is when the case's end (a court outcome, or no further action) was last recorded: the
    retention of the person's record counts from it (services.persons_retention_apply).
    """

    class Role(models.TextChoices):
        ILLEGAL_WORKER = "illegal_worker", _("Suspected illegal worker")
        EMPLOYER = "employer", _("Suspected employer")
        AIDER_ABETTOR = "aider_abettor", _("Suspected aider and abettor")
        COMPANY_OFFICER = "company_officer", _("Director, manager or partner of an employing company")

    class WorkType(models.TextChoices):
        CONSTRUCTION = "construction", _("Construction or renovation")
        CATERING = "catering", _("Catering")
        RETAIL = "retail", _("Retail")
        DOMESTIC = "domestic", _("Domestic work")
        LOGISTICS = "logistics", _("Logistics or warehouse")
        SEX_WORK = "sex_work", _("Sex work")
        OTHER = "other", _("Other")
        NOT_APPLICABLE = "", _("Not applicable")

    class Plea(models.TextChoices):
        GUILTY = "guilty", _("Guilty")
        NOT_GUILTY = "not_guilty", _("Not guilty")

    class Stage(models.TextChoices):
        INVESTIGATION = "investigation", _("Under investigation")
        PROSECUTION = "prosecution", _("Prosecution")
        CONVICTED = "convicted", _("Convicted")
        ACQUITTED = "acquitted", _("Acquitted")
        NO_FURTHER_ACTION = "nfa", _("No further action")

    # Offences that only a person in one role can commit: s.17I (officers) is the director, manager,
    # secretary or partner of the employing company, never the employer as a person or the worker.
    OFFENCE_ROLES: ClassVar[dict[str, str]] = {"s17i-officer": Role.COMPANY_OFFICER}

    # The stages that end a case; a case under investigation or before the court is still open.
    CONCLUDED_STAGES: ClassVar[frozenset[str]] = frozenset(
        {Stage.CONVICTED, Stage.ACQUITTED, Stage.NO_FURTHER_ACTION}
    )

    operation = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="arrests")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="arrests")
    premises = models.ForeignKey(
        Premises, on_delete=models.SET_NULL, null=True, blank=True, related_name="arrests"
    )
    arrested_at = models.DateTimeField(_("arrested at"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    work_type = models.CharField(_("work"), max_length=20, choices=WorkType.choices, blank=True)
    offences = models.ManyToManyField(Offence, related_name="arrests", verbose_name=_("offences"))
    stage = models.CharField(
        _("case stage"), max_length=20, choices=Stage.choices, default=Stage.INVESTIGATION
    )
    plea = models.CharField(_("plea"), max_length=20, choices=Plea.choices, blank=True)
    fine_hkd = models.PositiveIntegerField(_("fine (HK$)"), null=True, blank=True)
    imprisonment_months = models.PositiveIntegerField(_("imprisonment (months)"), null=True, blank=True)
    suspended = models.BooleanField(_("sentence suspended"), default=False)
    concluded_at = models.DateTimeField(_("case concluded"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["arrested_at", "pk"]
        verbose_name = _("arrest")
        verbose_name_plural = _("arrests")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["operation", "person"], name="arrest_once_per_operation")
        ]

    def __str__(self) -> str:
        return f"{self.operation_id}/{self.person_id}"


class ScreeningOwed(models.Model):
    """The hook for victim screening: an arrest of a vulnerable person owes an initial TIP / FL screening.

    Opened in the same transaction as the arrest; the screening module marks it fulfilled with its own
    reference (see services.screening_owed_fulfil). `reasons` lists why the person counts as vulnerable.
    """

    class Reason(models.TextChoices):
        ILLEGAL_WORKER = "illegal_worker", _("Suspected illegal worker")
        ILLEGAL_IMMIGRANT = "illegal_immigrant", _("Illegal immigrant")
        FOREIGN_DOMESTIC_HELPER = "foreign_domestic_helper", _("Foreign domestic helper")
        SEX_WORKER = "sex_worker", _("Sex worker")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="screenings_owed")
    arrest = models.OneToOneField(Arrest, on_delete=models.PROTECT, related_name="screening_owed")
    reasons = models.JSONField(default=list)
    due_at = models.DateTimeField(_("due"))
    created_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering: ClassVar = ["due_at", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "fulfilled_at"], name="screening_owed_open_idx")
        ]

    def __str__(self) -> str:
        return f"screening owed for arrest {self.arrest_id}"

    def reason_labels(self) -> list[str]:
        return [str(self.Reason(reason).label) for reason in self.reasons if reason in self.Reason.values]


class EmployerCheckRecord(models.Model):
    """An employer's inspection record, saved only when the employer asks, as their evidence of the check.

    The employer's own: no department page lists these. Retrieved with the reference and a random code
    shown once (only its SHA-256 is kept). What the employer typed and the full document numbers are
    encrypted; `documents` holds what the PDF prints (masked numbers, each check and its result) and
    `duties` the steps as worded on the day, so the same PDF can be made again in `language`. Deleted by
    the nightly sweep after LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS.
    """

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    code_digest = models.CharField(max_length=64)
    checked_at = models.DateTimeField(_("checked at"))
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now, db_index=True)
    language = models.CharField(_("language"), max_length=10)
    documents = models.JSONField(default=list)
    document_numbers = EncryptedTextField(_("document numbers"))
    duties = models.JSONField(default=list)
    business_name = EncryptedTextField(_("business or employer"), blank=True)
    job_seeker_name = EncryptedTextField(_("job seeker's name"), blank=True)
    enquiries = EncryptedTextField(_("enquiries made"), blank=True)

    class Meta:
        ordering: ClassVar = ["-saved_at"]
        verbose_name = _("employer's inspection record")
        verbose_name_plural = _("employers' inspection records")

    def __str__(self) -> str:
        return self.reference
