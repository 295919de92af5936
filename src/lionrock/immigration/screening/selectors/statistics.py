"""Screening statistics and the HTCDS export, counted from the records."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.immigration.screening.models import (
    Answer,
    Case,
    Debriefing,
    InitialScreening,
    Referral,
)
from lionrock.immigration.screening.selectors.cases import cases_visible
from lionrock.immigration.screening.selectors.shared import screening_organisations

__all__ = ["htcds_export", "statistics_for_year", "years_available"]


def years_available(*, actor: Actor) -> list[int]:
    cases = cases_visible(actor=actor)
    return sorted({d.year for d in cases.dates("created_at", "year")}, reverse=True) or [
        timezone.localdate().year
    ]


def statistics_for_year(*, actor: Actor, year: int) -> dict[str, Any]:
    """Counts like the published figures: no person is named or identifiable in them."""
    organisations = screening_organisations(actor)
    start = datetime(year, 1, 1, tzinfo=timezone.get_current_timezone())
    end = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    screenings = InitialScreening.objects.filter(
        case__organisation_id__in=organisations, started_at__gte=start, started_at__lt=end
    )
    debriefings = Debriefing.objects.filter(
        case__organisation_id__in=organisations, submitted_at__gte=start, submitted_at__lt=end
    )
    approved = debriefings.filter(state=Debriefing.State.APPROVED)
    identified = Counter(
        Case.objects.filter(pk__in=approved.values("case"), status=Case.Status.IDENTIFIED).values_list(
            "victim_type", flat=True
        )
    )
    referrals = (
        Referral.objects.filter(case__organisation_id__in=organisations, sent_at__gte=start, sent_at__lt=end)
        .values("offering__kind", "state")
        .annotate(n=Count("pk"))
        .order_by("offering__kind", "state")
    )
    frequency = (
        Answer.objects.filter(presence=Answer.Presence.PRESENT)
        .filter(
            Q(screening__in=screenings)
            | Q(debriefing__in=debriefings.exclude(state=Debriefing.State.RETURNED))
        )
        .values("indicator__code", "indicator__text_en", "indicator__text_zh", "indicator__stage")
        .annotate(n=Count("pk"))
        .order_by("-n", "indicator__code")
    )
    return {
        "year": year,
        "screenings": screenings.count(),
        "screened_out": screenings.filter(outcome=InitialScreening.Outcome.SCREENED_OUT).count(),
        "debriefings": debriefings.count(),
        "identified": dict(identified),
        "identified_total": sum(identified.values()),
        "referrals": list(referrals),
        "indicator_frequency": list(frequency[:30]),
    }


def htcds_export(*, actor: Actor, year: int) -> list[dict[str, Any]]:
    """One anonymised row per decided case, shaped after the IOM Human Trafficking Case Data Standard.

    No name, contact, document, date of birth or free text: only coarse fields (sex, age band, citizenship),
    the trafficking status, the type of exploitation and the methods of control the indicators evidence.
    """
    access.require(actor, Role.SCREENING_SUPERVISOR)
    organisations = actor.organisations_with(Role.SCREENING_SUPERVISOR)
    cases = Case.objects.filter(
        organisation_id__in=organisations, created_at__year=year, stage=Case.Stage.DECIDED
    ).order_by("pk")
    rows = []
    for number, case in enumerate(cases, start=1):
        debriefing = case.debriefings.filter(state=Debriefing.State.APPROVED).order_by("-reviewed_at").first()
        yes = set()
        if debriefing is not None:
            yes = set(
                debriefing.answers.filter(presence=Answer.Presence.PRESENT).values_list(
                    "indicator__code", flat=True
                )
            )
        rows.append(
            {
                "case_number": f"{year}-{number:05d}",
                "registration_year": year,
                "gender": {"M": "male", "F": "female"}.get(case.sex, "unknown"),
                "age_band": _age_band(case.age),
                "citizenship": case.nationality or "unknown",
                "trafficking_status": {
                    Case.Status.IDENTIFIED: "actual",
                    Case.Status.POSSIBLE: "possible",
                    Case.Status.NOT_A_VICTIM: "not a victim",
                }.get(Case.Status(case.status), "unknown"),
                "type_of_exploitation": {
                    Case.VictimType.TRAFFICKING_LABOUR: "forced labour",
                    Case.VictimType.TRAFFICKING_SEXUAL: "sexual exploitation",
                    Case.VictimType.FORCED_LABOUR: "forced labour",
                }.get(Case.VictimType(case.victim_type), ""),
                "methods_of_control": sorted({m for code in yes for m in HTCDS_CONTROL.get(code, ())}),
                "referred_services": sorted(set(case.referrals.values_list("offering__kind", flat=True))),
            }
        )
    audit.record(
        actor=actor,
        action="screening.export.htcds",
        target=("screening.case", f"{len(rows)} records"),
        changes={"year": year, "rows": len(rows)},
    )
    return rows


def _age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    for low, high in ((0, 17), (18, 24), (25, 34), (35, 44), (45, 54)):
        if low <= age <= high:
            return f"{low}-{high}"
    return "55+"


# Which HTCDS "methods of control" an operational indicator of the default checklist evidences.
HTCDS_CONTROL: dict[str, tuple[str, ...]] = {
    "CR-M3": ("debt bondage",),
    "CD-S2": ("debt bondage",),
    "CR-M8": ("takes earnings",),
    "CD-M10": ("takes earnings",),
    "EC-M7": ("takes earnings",),
    "CR-S2": ("threats",),
    "CD-M7": ("threats",),
    "CD-M5": ("threat of law enforcement",),
    "CR-M6": ("threat of law enforcement",),
    "CR-S1": ("physical abuse",),
    "CD-S4": ("physical abuse",),
    "DR-S1": ("false promises",),
    "DR-M7": ("false promises",),
    "CR-M4": ("restricts movement",),
    "CD-S3": ("restricts movement",),
    "EC-S1": ("excessive working hours",),
    "CR-M2": ("withholds documents",),
    "CD-S1": ("withholds documents",),
    "CD-M8": ("psychological abuse",),
}
