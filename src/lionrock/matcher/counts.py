"""What matching counts besides the hits, for the run's summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(slots=True)
class MatchReport:
    """What matching found beyond the hits: counts for the summary."""

    events: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    suppressed: Counter[str] = field(default_factory=Counter)
    suppressed_indicators: Counter[int] = field(default_factory=Counter)
    outside_validity: int = 0
    slow_candidates: int = 0
    slow_hits: int = 0
