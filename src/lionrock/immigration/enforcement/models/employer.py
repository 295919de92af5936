"""Employers' saved inspection records: kept for them, found again only with a reference and a code."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.immigration.enforcement.encryption import EncryptedTextField


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
