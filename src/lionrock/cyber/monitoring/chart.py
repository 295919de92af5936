"""Geometry for the server-rendered SVG bar chart: no chart library, no script, works air-gapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    value: int


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    peak: int


def bar_chart(
    points: list[tuple[date, int]], *, width: int = 720, height: int = 160, gap: float = 2.0
) -> BarChart:
    peak = max((value for _, value in points), default=0)
    slot = width / max(len(points), 1)
    bars = []
    for number, (day, value) in enumerate(points):
        bar_height = 0.0 if peak == 0 else (height - 4) * value / peak
        bars.append(
            Bar(number * slot + gap / 2, height - bar_height, max(slot - gap, 1), bar_height, day, value)
        )
    return BarChart(width, height, bars, peak)
