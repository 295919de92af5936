"""Operations: planned and recorded enforcement actions, and the premises they visit."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lionrock.core.accounts.models import Organisation
from lionrock.core.workflow.models import Transition
from lionrock.immigration.enforcement.models.places import District, PremisesType


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
        # The operations list reads a department's operations latest planned first, a page at a time.
        indexes: ClassVar = [
            models.Index(fields=["organisation", "planned_start"], name="operation_planned_idx")
        ]
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
