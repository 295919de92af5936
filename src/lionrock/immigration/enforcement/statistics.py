"""Counts for the department's dashboard: reports, operations, arrests and sentences over a period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.immigration.enforcement import selectors
from lionrock.immigration.enforcement.countries import country_name
from lionrock.immigration.enforcement.models import Arrest, District, Person, Report

__all__ = ["AGE_BANDS", "Series", "Statistics", "statistics_compute"]

AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 17), (18, 25), (26, 35), (36, 45), (46, 55), (56, 200))


@dataclass(frozen=True)
class Series:
    """One table on the dashboard: rows of (label, count), largest first unless the order means something."""

    key: str
    title: str
    rows: list[tuple[str, int]]

    @property
    def maximum(self) -> int:
        return max((count for _label, count in self.rows), default=0)


@dataclass(frozen=True)
class SentenceRow:
    """Convictions under one offence version: sentences passed set against the maximum the law allows."""

    section: str
    convictions: int
    mean_imprisonment_months: float | None
    max_imprisonment_months: int | None
    mean_fine_hkd: float | None
    max_fine_hkd: int | None


@dataclass
class Statistics:
    since: date
    until: date
    series: list[Series] = field(default_factory=list)
    sentences: list[SentenceRow] = field(default_factory=list)


def _labelled(counts: dict[str, int], labels: dict[str, str]) -> list[tuple[str, int]]:
    return sorted(((labels.get(key, key or "—"), n) for key, n in counts.items()), key=lambda row: -row[1])


def _age_band(age: int | None) -> str:
    if age is None:
        return _("unknown")
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}" if high < 200 else f"{low}+"
    return _("unknown")


def statistics_compute(*, actor: Actor, since: date, until: date) -> Statistics:
    """Everything the dashboard shows for the actor's department, for reports received and arrests made
    between since and until inclusive."""
    reports = selectors.reports_visible(actor=actor).filter(
        received_at__date__gte=since, received_at__date__lte=until
    )
    arrests = (
        Arrest.objects.filter(operation__in=selectors.operations_visible(actor=actor))
        .filter(arrested_at__date__gte=since, arrested_at__date__lte=until)
        .select_related("person")
        .prefetch_related("offences")
    )
    operations = selectors.operations_visible(actor=actor).filter(
        planned_start__date__gte=since, planned_start__date__lte=until
    )
    result = Statistics(since=since, until=until)
    channel_labels = {str(k): str(v) for k, v in Report.Channel.choices}
    outcome_labels = {str(k): str(v) for k, v in Report.Outcome.choices}
    result.series.append(
        Series(
            "reports_by_channel",
            _("Reports by channel"),
            _labelled(
                dict(reports.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n")),
                channel_labels,
            ),
        )
    )
    result.series.append(
        Series(
            "reports_by_outcome",
            _("Closed reports by outcome"),
            _labelled(
                dict(
                    reports.exclude(outcome="")
                    .values_list("outcome")
                    .annotate(n=Count("pk"))
                    .values_list("outcome", "n")
                ),
                outcome_labels,
            ),
        )
    )
    district_labels = {str(k): str(v) for k, v in District.choices}
    by_district = (
        operations.values_list("premises__district")
        .annotate(n=Count("pk", distinct=True))
        .values_list("premises__district", "n")
    )
    result.series.append(
        Series(
            "operations_by_district",
            _("Operations by district"),
            _labelled({k: n for k, n in by_district if k}, district_labels),
        )
    )
    months = operations.annotate(month=TruncMonth("planned_start", tzinfo=timezone.get_current_timezone()))
    by_month = months.values_list("month").annotate(n=Count("pk")).order_by("month").values_list("month", "n")
    result.series.append(
        Series(
            "operations_by_month",
            _("Operations by month"),
            [(m.strftime("%Y-%m"), n) for m, n in by_month if m],
        )
    )
    rows = list(arrests)
    role_labels = {str(k): str(v) for k, v in Arrest.Role.choices}
    sex_labels = {str(k): str(v) for k, v in Person.Sex.choices}
    result.series.append(
        Series(
            "arrests_by_role",
            _("Arrests by role"),
            _labelled(dict(Counter(a.role for a in rows)), role_labels),
        )
    )
    result.series.append(
        Series(
            "arrests_by_nationality",
            _("Arrests by nationality"),
            _labelled(dict(Counter(country_name(a.person.nationality) for a in rows)), {}),
        )
    )
    result.series.append(
        Series(
            "arrests_by_sex",
            _("Arrests by sex"),
            _labelled(dict(Counter(a.person.sex for a in rows)), sex_labels),
        )
    )
    bands = Counter(_age_band(a.person.age_on(timezone.localtime(a.arrested_at).date())) for a in rows)
    order = [_age_band(low) for low, _high in AGE_BANDS] + [_("unknown")]
    result.series.append(
        Series(
            "arrests_by_age_band",
            _("Arrests by age band"),
            [(band, bands[band]) for band in order if bands[band]],
        )
    )
    stage_labels = {str(k): str(v) for k, v in Arrest.Stage.choices}
    result.series.append(
        Series(
            "cases_by_stage",
            _("Prosecutions and outcomes"),
            _labelled(dict(Counter(a.stage for a in rows)), stage_labels),
        )
    )
    result.sentences = _sentences(rows)
    return result


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _sentences(arrests: list[Arrest]) -> list[SentenceRow]:
    grouped: dict[int, list[Arrest]] = {}
    offences = {}
    for arrest in arrests:
        if arrest.stage != Arrest.Stage.CONVICTED:
            continue
        for offence in arrest.offences.all():
            grouped.setdefault(offence.pk, []).append(arrest)
            offences[offence.pk] = offence
    rows = []
    for pk, group in sorted(grouped.items(), key=lambda item: offences[item[0]].section):
        offence = offences[pk]
        rows.append(
            SentenceRow(
                section=offence.section_display(),
                convictions=len(group),
                mean_imprisonment_months=_mean(
                    [a.imprisonment_months for a in group if a.imprisonment_months]
                ),
                max_imprisonment_months=offence.max_imprisonment_months,
                mean_fine_hkd=_mean([a.fine_hkd for a in group if a.fine_hkd]),
                max_fine_hkd=offence.max_fine_hkd,
            )
        )
    return rows
