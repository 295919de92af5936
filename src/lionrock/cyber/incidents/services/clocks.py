"""Reporting regimes and their statutory clocks (data the platform administrator keeps), and the reminders
sent before a deadline passes (run by the task queue).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.incidents.models import Incident, ReportingRegime
from lionrock.cyber.incidents.services.common import MAX_TEXT, IncidentInvalid

__all__ = [
    "NOTIFY_WARNING",
    "REPORT_WARNING",
    "incident_reminders_send",
    "notification_clock_add",
    "regime_create",
    "regime_default",
    "regime_ensure",
    "regime_update",
]


def regime_default() -> ReportingRegime:
    regime = ReportingRegime.objects.filter(is_default=True).first() or ReportingRegime.objects.first()
    if regime is None:
        raise ValidationFailed(_("No reporting regime is set up; ask the platform administrator."))
    return regime


# --- Statutory clocks: data the platform administrator keeps --------------------------------------------


@transaction.atomic
def notification_clock_add(
    *,
    actor: Actor,
    regime: ReportingRegime,
    serious: bool,
    notify_within: timedelta,
    written_report_within: timedelta | None,
    effective_from: Any,
    source: str = "",
) -> Any:
    """A new rule from a date; the rule it replaces stays in force for incidents before that date."""
    from lionrock.core.accounts import access
    from lionrock.core.accounts.roles import Role
    from lionrock.cyber.incidents.models import NotificationClock

    access.require(actor, Role.PLATFORM_ADMIN)
    if regime.effective_from and effective_from < regime.effective_from:
        raise IncidentInvalid("effective_from", _("The regime is not in force before this rule would start."))
    if regime.effective_until and effective_from > regime.effective_until:
        raise IncidentInvalid("effective_from", _("The regime is no longer in force on this date."))
    if notify_within <= timedelta(0):
        raise IncidentInvalid("notify_within", _("Give a positive number of hours."))
    if written_report_within is not None and written_report_within <= timedelta(0):
        raise IncidentInvalid("written_report_within", _("Give a positive number of days."))
    previous = (
        NotificationClock.objects.filter(
            regime=regime, serious=serious, effective_from__lt=effective_from, effective_until__isnull=True
        )
        .order_by("-effective_from")
        .first()
    )
    if NotificationClock.objects.filter(
        regime=regime, serious=serious, effective_from__gte=effective_from
    ).exists():
        raise IncidentInvalid("effective_from", _("A rule already starts on or after this date."))
    if previous is not None:
        previous.effective_until = effective_from - timedelta(days=1)
        previous.save(update_fields=["effective_until"])
    clock = NotificationClock.objects.create(
        regime=regime,
        serious=serious,
        notify_within=notify_within,
        written_report_within=written_report_within,
        effective_from=effective_from,
        source=source.strip()[:300],
    )
    audit.record(
        actor=actor,
        action="incidents.clock.add",
        target=clock,
        changes={"regime": regime.code, "serious": serious, "notify_within": str(notify_within)},
        summary=f"{regime.code} {'serious' if serious else 'other'} {notify_within}",
    )
    return clock


_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NAME_MAX = 200


def _regime_check(
    *, name_en: str, name_zh: str, description: str, effective_from: date | None, effective_until: date | None
) -> None:
    if not name_en.strip():
        raise IncidentInvalid("name_en", _("Give the regime an English name."))
    for field_name, value in (("name_en", name_en), ("name_zh", name_zh)):
        if len(value.strip()) > _NAME_MAX:
            raise IncidentInvalid(
                field_name, _("The name is longer than %(max)s characters.") % {"max": _NAME_MAX}
            )
    if len(description) > MAX_TEXT:
        raise IncidentInvalid(
            "description", _("This text is longer than %(max)s characters.") % {"max": MAX_TEXT}
        )
    if effective_from and effective_until and effective_until < effective_from:
        raise IncidentInvalid("effective_until", _("The regime cannot end before it starts."))


def _admin(actor: Actor) -> None:
    from lionrock.core.accounts import access
    from lionrock.core.accounts.roles import Role

    access.require(actor, Role.PLATFORM_ADMIN)


@transaction.atomic
def regime_create(
    *,
    actor: Actor,
    code: str,
    name_en: str,
    name_zh: str = "",
    description: str = "",
    handling_organisation: Organisation,
    effective_from: date | None = None,
    effective_until: date | None = None,
    is_default: bool = False,
) -> ReportingRegime:
    """A new reporting regime (a law, a code of practice, a scheme) and the organisation that handles its
    reports; its clocks are added after, from a date. Made the default, it replaces the old default."""
    _admin(actor)
    code = code.strip().lower()
    if not _CODE.match(code) or len(code) > 40:
        raise IncidentInvalid(
            "code", _("Use up to 40 lower-case letters, digits and hyphens for the code, e.g. cap653.")
        )
    if ReportingRegime.objects.filter(code=code).exists():
        raise IncidentInvalid("code", _("A regime with this code exists already."))
    _regime_check(
        name_en=name_en,
        name_zh=name_zh,
        description=description,
        effective_from=effective_from,
        effective_until=effective_until,
    )
    if not handling_organisation.is_active:
        raise IncidentInvalid("handling_organisation", _("Choose an active organisation to handle reports."))
    if is_default:
        ReportingRegime.objects.filter(is_default=True).update(is_default=False)
    regime = ReportingRegime.objects.create(
        code=code,
        name_en=name_en.strip(),
        name_zh=name_zh.strip(),
        description=description.strip(),
        handling_organisation=handling_organisation,
        effective_from=effective_from,
        effective_until=effective_until,
        is_default=is_default,
    )
    audit.record(
        actor=actor,
        action="incidents.regime.create",
        target=regime,
        changes={
            "code": code,
            "handling_organisation": handling_organisation.pk,
            "effective_from": str(effective_from or ""),
            "effective_until": str(effective_until or ""),
            "is_default": is_default,
        },
        summary=code,
    )
    return regime


@transaction.atomic
def regime_update(
    *,
    actor: Actor,
    regime: ReportingRegime,
    name_en: str,
    name_zh: str,
    description: str,
    effective_from: date | None,
    effective_until: date | None,
) -> ReportingRegime:
    """Corrects a regime's names and description or changes the span it is in force; its code and
    handling organisation stay (incidents already name them). Its clock rules must stay within the span."""
    _admin(actor)
    _regime_check(
        name_en=name_en,
        name_zh=name_zh,
        description=description,
        effective_from=effective_from,
        effective_until=effective_until,
    )
    clocks = regime.clocks.all()
    if effective_from and clocks.filter(effective_from__lt=effective_from).exists():
        raise IncidentInvalid("effective_from", _("A clock rule of this regime starts before this date."))
    if effective_until and clocks.filter(effective_from__gt=effective_until).exists():
        raise IncidentInvalid("effective_until", _("A clock rule of this regime starts after this date."))
    values = {
        "name_en": name_en.strip(),
        "name_zh": name_zh.strip(),
        "description": description.strip(),
        "effective_from": effective_from,
        "effective_until": effective_until,
    }
    changed = {name: str(value or "") for name, value in values.items() if getattr(regime, name) != value}
    for name, value in values.items():
        setattr(regime, name, value)
    regime.save(update_fields=list(values))
    audit.record(
        actor=actor, action="incidents.regime.update", target=regime, changes=changed, summary=regime.code
    )
    return regime


@transaction.atomic
def regime_ensure(
    *,
    code: str,
    name_en: str,
    name_zh: str,
    handling_organisation: Organisation,
    is_default: bool = False,
    clocks_from: Any = None,
    serious_hours: int = 12,
    other_hours: int = 48,
    report_days: int | None = 14,
    source: str = "",
) -> ReportingRegime:
    """Installs a regime and its first clocks once (demo, set-up); later rules go through the clocks page."""
    from lionrock.cyber.incidents.models import NotificationClock

    regime, created = ReportingRegime.objects.get_or_create(
        code=code,
        defaults={
            "name_en": name_en,
            "name_zh": name_zh,
            "handling_organisation": handling_organisation,
            "is_default": is_default,
        },
    )
    if created and clocks_from is not None:
        for serious, hours in ((True, serious_hours), (False, other_hours)):
            NotificationClock.objects.create(
                regime=regime,
                serious=serious,
                notify_within=timedelta(hours=hours),
                written_report_within=timedelta(days=report_days) if report_days else None,
                effective_from=clocks_from,
                source=source,
            )
        audit.record(actor=None, action="incidents.regime.create", target=regime, actor_label="system")
    return regime


# --- Reminders before a deadline passes (run by the task queue) --------------------------------------------

NOTIFY_WARNING = timedelta(hours=3)
REPORT_WARNING = timedelta(hours=48)


def incident_reminders_send(*, now: datetime | None = None) -> int:
    """Reminds reporters of drafts nearing the notification deadline, and reporters and handlers of
    written reports nearing theirs; once per deadline, each in its own transaction."""
    from lionrock.cyber.incidents import notices

    now = now or timezone.now()
    count = 0
    # Drill reports keep no statutory clock: nobody is reminded of them.
    drafts = Incident.objects.filter(
        is_exercise=False,
        status=Incident.Status.DRAFT,
        notify_by__gt=now,
        notify_by__lte=now + NOTIFY_WARNING,
        notify_reminded_at__isnull=True,
    )
    for pk in list(drafts.values_list("pk", flat=True)):
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=pk)
            incident.notify_reminded_at = now
            incident.save(update_fields=["notify_reminded_at"])
            audit.record(
                actor=None, actor_label="system", action="incidents.incident.remind", target=incident
            )
            hours = max(1, int((incident.notify_by - now).total_seconds() // 3600))  # type: ignore[operator]
            notices.notification_due(incident=incident, hours=hours)
            count += 1
    reports = Incident.objects.filter(
        is_exercise=False,
        written_report_at__isnull=True,
        written_report_by__gt=now,
        written_report_by__lte=now + REPORT_WARNING,
        report_reminded_at__isnull=True,
    ).exclude(status__in=[Incident.Status.DRAFT, Incident.Status.CLOSED])
    for pk in list(reports.values_list("pk", flat=True)):
        with transaction.atomic():
            incident = Incident.objects.select_for_update().get(pk=pk)
            incident.report_reminded_at = now
            incident.save(update_fields=["report_reminded_at"])
            audit.record(
                actor=None, actor_label="system", action="incidents.incident.remind", target=incident
            )
            hours = max(1, int((incident.written_report_by - now).total_seconds() // 3600))  # type: ignore[operator]
            notices.written_report_due(incident=incident, hours=hours)
            count += 1
    return count
