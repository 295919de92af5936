"""Public statistics drawn from the records, with small counts withheld so no person can be singled out.

A count of at least 1 and below LIONROCK_STATISTICS_MIN_COUNT (3 by default) is shown as "<3" in the
table, the chart and the CSV alike; zero is shown as 0. No table shows a total, so a withheld cell cannot
be worked out from the others.

Cyber incidents are counted once submitted (never drafts) and never when filed during a drill
(`is_exercise`), by the sector of the reporting organisation and by the month they were reported, whatever
their TLP: a count says nothing of an incident's content, and leaving RED ones out would make every count
untrue. The readiness of a major event is the share of checklist items done (or not applicable) per sector;
a sector with fewer organisations than the threshold has its share withheld, so no organisation's own
readiness can be read from it.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import DateTimeField
from django.db.models.functions import Coalesce, TruncMonth, TruncYear
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation
from lionrock.core.csvsafe import csv_writer
from lionrock.cyber.events.models import Event, EventOrganisation, ReadinessEntry, ReadinessItem
from lionrock.cyber.incidents.models import Incident
from lionrock.immigration.enforcement.models import Arrest, Operation
from lionrock.immigration.screening.models import Case, InitialScreening
from lionrock.publishing.configuration import suppression_threshold

__all__ = ["Cell", "Table", "public_statistics", "table_csv"]

MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Cell:
    count: int
    threshold: int
    withheld: bool = False  # a share withheld because too few organisations stand behind it
    suffix: str = ""  # "%" for a share

    @property
    def suppressed(self) -> bool:
        return self.withheld or (not self.suffix and 0 < self.count < self.threshold)

    @property
    def display(self) -> str:
        if self.withheld:
            return "—"
        return f"<{self.threshold}" if self.suppressed else f"{self.count}{self.suffix}"

    @property
    def plotted(self) -> int:
        """What the chart draws: nothing for a withheld count."""
        return 0 if self.suppressed else self.count


@dataclass
class Table:
    key: str
    title: str | Promise
    row_heading: str | Promise
    columns: list[str | Promise]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    note: str | Promise = ""

    @property
    def any_suppressed(self) -> bool:
        return any(cell.suppressed for _label, cells in self.rows for cell in cells)

    def chart(self) -> dict[str, object]:
        """Bars for an SVG: one group per row, one bar per column; withheld ones drawn short."""
        peak = max((cell.plotted for _label, cells in self.rows for cell in cells), default=0) or 1
        bar, gap, height, top = 10, 8, 120, 10
        group = bar * len(self.columns) + gap
        bars = []
        for index, (label, cells) in enumerate(self.rows):
            for column, cell in enumerate(cells):
                h = 0.0 if cell.suppressed else height * cell.plotted / peak
                bars.append(
                    {
                        "x": 30 + index * group + column * bar,
                        "y": top + height - max(h, 1.0),
                        "width": bar - 1,
                        "height": max(h, 1.0),
                        "series": column,
                        "label": f"{label} · {self.columns[column]}: {cell.display}",
                    }
                )
        return {
            "width": 40 + group * max(len(self.rows), 1),
            "height": height + top + 20,
            "bars": bars,
            "peak": peak,
            "baseline": top + height,
        }


def _month(value: date) -> str:
    return f"{value.year}-{value.month:02d}"


def _table(
    key: str,
    title: str | Promise,
    row_heading: str | Promise,
    columns: list[str | Promise],
    counts: dict[str, Counter[str]],
    column_keys: list[str],
    threshold: int,
) -> Table:
    table = Table(key=key, title=title, row_heading=row_heading, columns=columns)
    for label in sorted(counts):
        table.rows.append((label, [Cell(counts[label][column], threshold) for column in column_keys]))
    return table


def public_statistics(*, today: date | None = None) -> list[Table]:
    """Every public table, for the months and years the records cover (the last 24 months by month)."""
    threshold = suppression_threshold()
    today = today or timezone.localdate()
    first_month = _months_back(today)
    when = Coalesce("actual_start", "planned_start", output_field=DateTimeField())

    operations: dict[str, Counter[str]] = {}
    operations_year: dict[str, Counter[str]] = {}
    for row in (
        Operation.objects.exclude(status=Operation.Status.PLANNED)
        .annotate(month=TruncMonth(when))
        .values_list("month", flat=True)
    ):
        if row is None:
            continue
        operations_year.setdefault(str(row.year), Counter())["operations"] += 1
        if row.date() >= first_month:
            operations.setdefault(_month(row.date()), Counter())["operations"] += 1

    roles = [role.value for role in Arrest.Role]
    role_labels: list[str | Promise] = [role.label for role in Arrest.Role]
    arrests_month: dict[str, Counter[str]] = {}
    arrests_year: dict[str, Counter[str]] = {}
    for month, year, role in Arrest.objects.annotate(
        month=TruncMonth("arrested_at"), year=TruncYear("arrested_at")
    ).values_list("month", "year", "role"):
        arrests_year.setdefault(str(year.year), Counter())[role] += 1
        if month.date() >= first_month:
            arrests_month.setdefault(_month(month.date()), Counter())[role] += 1

    screening_month: dict[str, Counter[str]] = {}
    screening_year: dict[str, Counter[str]] = {}
    for started in InitialScreening.objects.values_list("started_at", flat=True):
        local = timezone.localtime(started).date()
        screening_year.setdefault(str(local.year), Counter())["screened"] += 1
        if local >= first_month:
            screening_month.setdefault(_month(local), Counter())["screened"] += 1
    for created in Case.objects.filter(status=Case.Status.IDENTIFIED).values_list("created_at", flat=True):
        local = timezone.localtime(created).date()
        screening_year.setdefault(str(local.year), Counter())["identified"] += 1
        if local >= first_month:
            screening_month.setdefault(_month(local), Counter())["identified"] += 1
    screening_columns: list[str | Promise] = [_("Persons screened"), _("Victims identified")]

    return [
        _table(
            "operations-by-month",
            _("Operations by month"),
            _("Month"),
            [_("Operations")],
            operations,
            ["operations"],
            threshold,
        ),
        _table(
            "operations-by-year",
            _("Operations by year"),
            _("Year"),
            [_("Operations")],
            operations_year,
            ["operations"],
            threshold,
        ),
        _table(
            "arrests-by-month",
            _("Arrests by role, by month"),
            _("Month"),
            role_labels,
            arrests_month,
            roles,
            threshold,
        ),
        _table(
            "arrests-by-year",
            _("Arrests by role, by year (employers arrested included)"),
            _("Year"),
            role_labels,
            arrests_year,
            roles,
            threshold,
        ),
        _table(
            "screening-by-month",
            _("Persons screened and victims identified, by month"),
            _("Month"),
            screening_columns,
            screening_month,
            ["screened", "identified"],
            threshold,
        ),
        _table(
            "screening-by-year",
            _("Persons screened and victims identified, by year"),
            _("Year"),
            screening_columns,
            screening_year,
            ["screened", "identified"],
            threshold,
        ),
        *cyber_incident_tables(today=today, threshold=threshold),
        *readiness_tables(threshold=threshold),
    ]


def _sector_label(code: str) -> str:
    return str(dict(Organisation.Sector.choices).get(code, code))


def cyber_incident_tables(*, today: date, threshold: int) -> list[Table]:
    """Incidents reported per month (the last 24) and per sector per year: submitted, not exercises."""
    first_month = _months_back(today)
    by_month: dict[str, Counter[str]] = {}
    by_sector: dict[str, Counter[str]] = {}
    years: set[str] = set()
    rows = (
        Incident.objects.exclude(status=Incident.Status.DRAFT)
        .filter(is_exercise=False)
        .annotate(reported=Coalesce("submitted_at", "aware_at", output_field=DateTimeField()))
        .values_list("reported", "reporting_organisation__sector")
    )
    for reported, sector in rows:
        local = timezone.localtime(reported).date()
        year = str(local.year)
        years.add(year)
        by_sector.setdefault(_sector_label(sector), Counter())[year] += 1
        if local >= first_month:
            by_month.setdefault(_month(local), Counter())["incidents"] += 1
    year_keys = sorted(years)
    return [
        _table(
            "cyber-incidents-by-month",
            _("Cyber incidents reported, by month"),
            _("Month"),
            [_("Incidents")],
            by_month,
            ["incidents"],
            threshold,
        ),
        _table(
            "cyber-incidents-by-sector",
            _("Cyber incidents reported, by sector of the reporting organisation and year"),
            _("Sector"),
            list(year_keys),
            by_sector,
            year_keys,
            threshold,
        ),
    ]


def readiness_tables(*, threshold: int, limit: int = 10) -> list[Table]:
    """For each of the latest major events, the share of readiness checklist items done per sector."""
    chinese = (translation.get_language() or "en").startswith("zh")
    tables = []
    for event in Event.objects.order_by("-starts_on", "slug")[:limit]:
        items = ReadinessItem.objects.filter(version=event.checklist_version).count()
        organisations: dict[int, str] = dict(
            EventOrganisation.objects.filter(event=event).values_list(
                "organisation_id", "organisation__sector"
            )
        )
        finished: Counter[int] = Counter(
            ReadinessEntry.objects.filter(
                event=event,
                organisation_id__in=list(organisations),
                item__version=event.checklist_version,
                status__in=[ReadinessEntry.Status.DONE, ReadinessEntry.Status.NOT_APPLICABLE],
            ).values_list("organisation_id", flat=True)
        )
        sectors: dict[str, list[int]] = {}
        for organisation_id, sector in organisations.items():
            sectors.setdefault(sector, []).append(organisation_id)
        name = event.name_zh if chinese and event.name_zh else event.name_en
        table = Table(
            key=f"readiness-{event.slug}",
            title=_("Readiness for %(event)s: share of checklist items done, by sector") % {"event": name},
            row_heading=_("Sector"),
            columns=[_("Items done")],
            note=_(
                "A sector with fewer than %(threshold)s organisations taking part has its share withheld (—)."
            )
            % {"threshold": threshold},
        )
        for sector, members in sorted(sectors.items(), key=lambda pair: _sector_label(pair[0])):
            due = items * len(members)
            share = round(100 * sum(finished[pk] for pk in members) / due) if due else 0
            table.rows.append(
                (
                    _sector_label(sector),
                    [Cell(share, threshold, withheld=len(members) < threshold, suffix="%")],
                )
            )
        tables.append(table)
    return tables


def _months_back(today: date) -> date:
    month_index = today.year * 12 + today.month - 1 - (MONTHS_SHOWN - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def table_csv(table: Table) -> str:
    """The table as CSV, with withheld counts written as in the table ("<3")."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([str(table.row_heading), *[str(column) for column in table.columns]])
    for label, cells in table.rows:
        writer.writerow([label, *[cell.display for cell in cells]])
    return out.getvalue()
