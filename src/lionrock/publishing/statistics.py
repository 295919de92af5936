"""Public statistics drawn from the records, with small counts withheld so no person can be singled out.

A count of at least 1 and below LIONROCK_STATISTICS_MIN_COUNT (3 by default) is shown as "<3" in the
table, the chart and the CSV alike; zero is shown as 0. No table shows a total, so a withheld cell cannot
be worked out from the others.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import DateTimeField
from django.db.models.functions import Coalesce, TruncMonth, TruncYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lionrock.core.csvsafe import csv_writer
from lionrock.immigration.enforcement.models import Arrest, Operation
from lionrock.immigration.screening.models import Case, InitialScreening
from lionrock.publishing.configuration import suppression_threshold

__all__ = ["Cell", "Table", "public_statistics", "table_csv"]

MONTHS_SHOWN = 24


@dataclass(frozen=True)
class Cell:
    count: int
    threshold: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < self.threshold

    @property
    def display(self) -> str:
        return f"<{self.threshold}" if self.suppressed else str(self.count)

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
    ]


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
