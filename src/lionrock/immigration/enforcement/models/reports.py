"""Reports of illegal employment, from the public form and officers' logs, with attachments and history."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation
from lionrock.immigration.enforcement.encryption import EncryptedTextField
from lionrock.immigration.enforcement.models.places import District, PremisesType


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
