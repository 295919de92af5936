"""Enforcement records: the offence catalogue, reports and their history, operations, persons, arrests."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation
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


class Offence(models.Model):
    """One version of an offence in the catalogue; a change in the law is a new row with its own dates.

    `effective_from` empty means in force before the catalogue's records begin; `effective_until` empty
    means still in force. Penalties are the maxima; `penalty_as_principal` marks aiding and abetting.
    """

    code = models.SlugField(_("code"), max_length=40)
    ordinance = models.CharField(_("ordinance"), max_length=120)
    section = models.CharField(_("section"), max_length=60)
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
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

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
    """One step in a report's history: received, assigned, prioritised, noted, linked, closed."""

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

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
