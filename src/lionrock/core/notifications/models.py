"""Notifications kept for their recipient, and each person's choice about e-mail."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.notifications.message import Subject


class Notification(models.Model):
    """One line for one person: a subject (sentence + record numbers) and a link, read or not.

    The subject is stored untranslated and rendered in the reader's language; e-mail is rendered in the
    recipient's preferred language.
    """

    class Email(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("not sent (e-mail turned off)")
        FAILED = "failed", _("could not be sent")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=100)
    subject = models.JSONField()
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes: ClassVar = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["email", "created_at"], name="notification_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    def subject_line(self, language: str | None = None) -> str:
        """The subject in ``language`` (or the active language)."""
        return Subject.from_json(self.subject).render(language)


class Preference(models.Model):
    """How a person wants to hear by e-mail; no row means one e-mail per notification."""

    class Email(models.TextChoices):
        EACH = "each", _("An e-mail for each notification")
        DIGEST = "digest", _("One e-mail a day listing them")
        OFF = "off", _("No e-mail: the inbox only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("e-mail"), max_length=10, choices=Email.choices, default=Email.EACH)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"
