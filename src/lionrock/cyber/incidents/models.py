"""The incident desk: regimes and their clocks, incidents, observables, the thread, links, shares."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation, User
from lionrock.core.files.models import Attachment
from lionrock.cyber.intel.tlp import Tlp


class Pap(models.TextChoices):
    """Permissible Actions Protocol: what a recipient may do with the observables."""

    CLEAR = "clear", _("PAP:CLEAR")
    GREEN = "green", _("PAP:GREEN")
    AMBER = "amber", _("PAP:AMBER")
    RED = "red", _("PAP:RED")


class ReportingRegime(models.Model):
    """A reporting obligation (a law, a code of practice, a voluntary scheme) and who handles its reports."""

    code = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    handling_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("handling organisation")
    )
    is_default = models.BooleanField(_("default regime"), default=False)
    # The regime's own span (a law in force, a scheme that ended); its clocks apply only within it.
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_until = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["name_en"]
        verbose_name = _("reporting regime")
        verbose_name_plural = _("reporting regimes")

    def __str__(self) -> str:
        return self.name_en

    def display_name(self, language: str | None = None) -> str:
        if language and language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name_en


class NotificationClock(models.Model):
    """One deadline rule of a regime, in force from a date: data, so a change of law is an edit, not code."""

    regime = models.ForeignKey(ReportingRegime, on_delete=models.CASCADE, related_name="clocks")
    serious = models.BooleanField(_("serious incident"))
    notify_within = models.DurationField(_("notify within (from awareness)"))
    written_report_within = models.DurationField(
        _("written report within (from notification)"), null=True, blank=True
    )
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["regime", "-effective_from", "serious"]
        verbose_name = _("notification clock")
        verbose_name_plural = _("notification clocks")

    def __str__(self) -> str:
        kind = "serious" if self.serious else "other"
        return f"{self.regime}: {kind} {self.notify_within} from {self.effective_from}"

    @property
    def notify_hours(self) -> int:
        """The notification deadline in whole hours, as the administrator enters it."""
        return int(self.notify_within.total_seconds() // 3600)

    @property
    def written_report_days(self) -> int | None:
        """The written report's deadline in whole days, as the administrator enters it; None without one."""
        if self.written_report_within is None:
            return None
        return self.written_report_within.days


class Incident(models.Model):
    """One reported security incident, from draft to closure, with its clocks and handling times."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        INVESTIGATING = "investigating", _("investigating")
        CONTAINED = "contained", _("contained")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    stix_id = models.CharField(max_length=120, unique=True, editable=False)
    reference = models.CharField(max_length=30, unique=True, null=True, blank=True)
    regime = models.ForeignKey(ReportingRegime, on_delete=models.PROTECT, related_name="incidents")
    reporting_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    handling_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    assigned_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    classification = models.CharField(_("classification"), max_length=120)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    serious = models.BooleanField(_("serious (an essential service disrupted)"), default=False)
    affected_services = models.TextField(_("affected services"), blank=True)
    affected_systems = models.TextField(_("affected systems"), blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    aware_at = models.DateTimeField(_("aware at"))
    impact_users = models.PositiveIntegerField(_("users affected"), null=True, blank=True)
    impact_minutes = models.PositiveIntegerField(_("disruption (minutes)"), null=True, blank=True)
    impact_data = models.TextField(_("data affected"), blank=True)
    tlp = models.CharField(_("TLP"), max_length=16, choices=Tlp.choices, default=Tlp.AMBER)
    pap = models.CharField(_("PAP"), max_length=8, choices=Pap.choices, default=Pap.AMBER)
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.DRAFT)
    notify_by = models.DateTimeField(null=True, blank=True)
    written_report_by = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    contained_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    written_report_at = models.DateTimeField(null=True, blank=True)
    notify_reminded_at = models.DateTimeField(null=True, blank=True)
    report_reminded_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(_("closing summary"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    shared_with_community = models.BooleanField(default=False)
    is_exercise = models.BooleanField(_("exercise report"), default=False, db_index=True)
    # The drill it was filed in: the drills app owns exercises, so the desk keeps the id, not a key.
    exercise_number = models.PositiveIntegerField(null=True, blank=True, editable=False, db_index=True)
    attachments = GenericRelation(Attachment)

    class Meta:
        ordering: ClassVar = ["-aware_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["handling_organisation", "status", "notify_by"], name="incident_desk"),
            models.Index(fields=["reporting_organisation", "aware_at"], name="incident_reporter"),
            models.Index(fields=["aware_at", "id"], name="incident_aware"),
            models.Index(fields=["tlp", "shared_with_community"], name="incident_shared"),
            # The desk lists newest awareness first along each way an incident reaches a reader
            # (selectors._desk_routes): the handler's and the community's lead these two.
            models.Index(fields=["handling_organisation", "aware_at", "id"], name="incident_handler_aware"),
            models.Index(
                fields=["aware_at", "id"],
                name="incident_community_aware",
                condition=Q(shared_with_community=True),
            ),
        ]

    def __str__(self) -> str:
        return self.reference or _("draft %(pk)s") % {"pk": self.pk}

    @staticmethod
    def new_stix_id() -> str:
        return f"incident--{uuid.uuid4()}"


class Observable(models.Model):
    """A value seen in the incident, flagged as an indicator of compromise or not; queryable by value."""

    class Type(models.TextChoices):
        IPV4 = "ipv4-addr", "ipv4-addr"
        IPV6 = "ipv6-addr", "ipv6-addr"
        DOMAIN = "domain-name", "domain-name"
        URL = "url", "url"
        EMAIL = "email-addr", "email-addr"
        MD5 = "file-md5", "file-md5"
        SHA1 = "file-sha1", "file-sha1"
        SHA256 = "file-sha256", "file-sha256"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="observables")
    type = models.CharField(max_length=16, choices=Type.choices)
    value = models.CharField(max_length=2048)
    # The matcher's normalised form and its correlation key, so "seen elsewhere" and drills meet it.
    kind = models.CharField(max_length=12)
    normalised = models.CharField(max_length=2048)
    key = models.CharField(max_length=40, db_index=True)
    ioc = models.BooleanField(default=False)
    indicator_stix_id = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return f"{self.type}:{self.value}"


class IncidentEntry(models.Model):
    """One line of the incident's timeline: a note, a request for information, a reply, or a change."""

    class Kind(models.TextChoices):
        NOTE = "note", _("note")
        REQUEST = "request", _("request for information")
        REPLY = "reply", _("reply")
        CHANGE = "change", _("change")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    answered = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class IncidentLink(models.Model):
    """Two incidents of the same campaign; stored once each way so either page lists the other."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["incident", "other"], name="incident_link_unique"),
            models.CheckConstraint(condition=~Q(incident=models.F("other")), name="incident_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} ~ {self.other_id}"


class IncidentShare(models.Model):
    """An organisation the handling CERT or the reporter shared the incident with (at its TLP)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["incident", "organisation"], name="incident_share_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} -> {self.organisation_id}"


class IncidentRecipient(models.Model):
    """A person named to see a TLP:RED incident: for RED, only the people named here see it at all."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["incident", "user"], name="incident_recipient_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} -> user {self.user_id}"
