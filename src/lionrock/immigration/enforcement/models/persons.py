"""Persons, their identity documents, their arrests, and the initial screenings an arrest owes."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation
from lionrock.immigration.enforcement.countries import country_name
from lionrock.immigration.enforcement.encryption import EncryptedTextField
from lionrock.immigration.enforcement.models.offences import Offence
from lionrock.immigration.enforcement.models.operations import Operation, Premises


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
        # Possible duplicates are persons with the same name and birth date: one probe each, however
        # common the name.
        indexes: ClassVar = [
            models.Index(fields=["normalised_name", "date_of_birth"], name="person_name_born_idx")
        ]
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
