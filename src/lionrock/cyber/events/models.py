"""Major events: the event, its organisations, critical services and assets, roster, readiness and watch."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation, User
from lionrock.core.files.models import Attachment


class Event(models.Model):
    """An event the policy office protects: its dates, the watch period around them, and the alert level."""

    class AlertLevel(models.TextChoices):
        NORMAL = "normal", _("normal")
        GUARDED = "guarded", _("guarded")
        ELEVATED = "elevated", _("elevated")
        HIGH = "high", _("high")
        SEVERE = "severe", _("severe")

    slug = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=250)
    name_zh = models.CharField(_("name (Chinese)"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    watch_starts_at = models.DateTimeField(_("watch starts"))
    watch_ends_at = models.DateTimeField(_("watch ends"))
    venues = models.TextField(_("venues"), blank=True, help_text=_("One per line."))
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    checklist_version = models.PositiveIntegerField(default=1)
    alert_level = models.CharField(max_length=10, choices=AlertLevel.choices, default=AlertLevel.NORMAL)
    alert_level_set_at = models.DateTimeField(null=True, blank=True)
    alert_level_set_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lessons = models.TextField(_("lessons learned"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["starts_on", "slug"]

    def __str__(self) -> str:
        return self.name_en

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name_en


class EventOrganisation(models.Model):
    """An organisation taking part; coordinators (policy office, CERT) see the whole event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    coordinator = models.BooleanField(default=False)
    responsibility = models.CharField(_("responsibility"), max_length=250, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "organisation"], name="event_org_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.organisation_id}"


class CriticalService(models.Model):
    """A service the event depends on (ticketing, results, the electronic poll register...)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="services")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("service"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering: ClassVar = ["organisation__name_en", "name"]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """A domain, host name, IP range or ASN of a critical service; ranges are kept as integer bounds."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", _("domain")
        HOST = "host", _("host name")
        IPV4 = "ipv4", _("IPv4 range")
        IPV6 = "ipv6", _("IPv6 range")
        ASN = "asn", _("AS number")

    service = models.ForeignKey(CriticalService, on_delete=models.CASCADE, related_name="assets")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="assets")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=300)

    class Meta:
        ordering: ClassVar = ["kind", "value"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["service", "kind", "value"], name="asset_unique"),
        ]

    def __str__(self) -> str:
        return self.value


class RosterShift(models.Model):
    """Who is on duty when, for which organisation, and how to reach them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roster")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.CharField(_("person"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering: ClassVar = ["starts_at", "organisation__name_en"]

    def __str__(self) -> str:
        return f"{self.person} {self.starts_at:%Y-%m-%d %H:%M}"


class ReadinessItem(models.Model):
    """One item of the readiness checklist, as versioned data: a new version never changes an old event's."""

    version = models.PositiveIntegerField()
    code = models.SlugField(max_length=60)
    title_en = models.CharField(max_length=250)
    title_zh = models.CharField(max_length=250)
    guidance = models.TextField(blank=True)
    days_before = models.PositiveIntegerField(default=7, help_text=_("Due this many days before the event."))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["version", "order"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "code"], name="readiness_item_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.code}"

    def title(self, language: str | None = None) -> str:
        return self.title_zh if language and language.startswith("zh") and self.title_zh else self.title_en


class ReadinessEntry(models.Model):
    """One organisation's status on one checklist item for one event, with its evidence and confirmer."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        NOT_APPLICABLE = "n_a", _("not applicable")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="readiness")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ReadinessItem, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    evidence = models.TextField(_("evidence"), blank=True)
    attachments = GenericRelation(Attachment)
    confirmed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "organisation", "item"], name="readiness_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.organisation_id}/{self.item_id}: {self.status}"


class ShiftLogEntry(models.Model):
    """A line in the watch's shift log."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shift_log")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    text = models.TextField()

    class Meta:
        ordering: ClassVar = ["-at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["event", "at"], name="shift_log_event_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
