"""The run report: what a run read, found and left out, for the summary and for `--report FILE` (JSON).

Warninglisted indicators are listed by list, each with its value and the hits it would have had, so a
stakeholder can see exactly which indicators were kept quiet and why, not only how many hits were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lionrock.matcher.counts import MatchReport
from lionrock.matcher.index import CompiledIndex
from lionrock.matcher.source import Problem, ReadReport


@dataclass(frozen=True, slots=True)
class Suppressed:
    """One warninglisted indicator: its id, the value the list names, and the hits it had in this run."""

    indicator: str
    value: str
    hits: int


@dataclass(slots=True)
class Suppression:
    """The indicators one warninglist kept quiet, in indicator order."""

    name: str
    indicators: list[Suppressed] = field(default_factory=list)

    @property
    def hits(self) -> int:
        """Hits not reported because of this list."""
        return sum(item.hits for item in self.indicators)


def suppressions(index: CompiledIndex, matches: MatchReport) -> list[Suppression]:
    """Every warninglisted indicator of the run, grouped by list; lists with the most hits first."""
    by_list: dict[str, Suppression] = {}
    flags = index.flags
    ids = index.stix_ids(flags.numbers)
    counts = matches.suppressed_indicators
    for number, code, value, stix_id in zip(
        flags.numbers.tolist(), flags.lists.tolist(), flags.values, ids, strict=True
    ):
        name = flags.names[code]
        entry = by_list.get(name)
        if entry is None:
            entry = by_list[name] = Suppression(name)
        entry.indicators.append(Suppressed(stix_id, value, counts.get(number, 0)))
    return sorted(by_list.values(), key=lambda s: (-s.hits, s.name))


@dataclass(frozen=True, slots=True)
class ListSummary:
    """What the run's summary says of one warninglist: how many indicators it kept quiet, their hits,
    and the first `shown` of them by hits (ties in indicator order), as `suppressions` would list them."""

    name: str
    count: int
    hits: int
    top: list[Suppressed]


def suppression_summary(index: CompiledIndex, matches: MatchReport, shown: int) -> list[ListSummary]:
    """Per warninglist, in the order of `suppressions`, without building an entry per indicator: a
    million-indicator feed has tens of thousands listed, of which the summary names a few."""
    flags = index.flags
    if not len(flags):
        return []
    lists = flags.lists.astype(np.int64)
    counted = np.bincount(lists, minlength=len(flags.names))
    hit_numbers = np.array([n for n, c in matches.suppressed_indicators.items() if c > 0], dtype=np.int64)
    at = np.searchsorted(flags.numbers, hit_numbers)
    inside = at < len(flags.numbers)
    inside[inside] = flags.numbers[at[inside]] == hit_numbers[inside]
    at = at[inside]
    hit_counts = np.array(
        [matches.suppressed_indicators[int(n)] for n in hit_numbers[inside]], dtype=np.int64
    )
    per_list = np.bincount(lists[at], weights=hit_counts, minlength=len(flags.names)).astype(np.int64)
    order = sorted((code for code in range(len(flags.names)) if counted[code]),
                   key=lambda code: (-int(per_list[code]), flags.names[code]))  # fmt: skip
    result: list[ListSummary] = []
    for code in order:
        mine = lists[at] == code
        hit_at, hit_n = at[mine], hit_counts[mine]
        first = np.lexsort((hit_at, -hit_n))[:shown]
        picked = hit_at[first].tolist()
        if len(picked) < shown:
            hit_set = set(hit_at.tolist())
            members = np.flatnonzero(lists == code)
            picked += [p for p in members[: shown + len(hit_set)].tolist() if p not in hit_set]
            picked = picked[:shown]
        numbers = flags.numbers[np.array(picked, dtype=np.int64)]
        ids = index.stix_ids(numbers)
        counts = matches.suppressed_indicators
        top = [
            Suppressed(stix_id, flags.values[p], counts.get(int(n), 0))
            for p, n, stix_id in zip(picked, numbers.tolist(), ids, strict=True)
        ]
        result.append(ListSummary(flags.names[code], int(counted[code]), int(per_list[code]), top))
    return result


def _problem(problem: Problem) -> dict[str, Any]:
    return {"source": problem.source, "line": problem.line or None, "reason": problem.reason}


def run_report(
    *,
    index: CompiledIndex,
    skipped: list[Problem],
    other_objects: dict[str, int],
    reads: ReadReport,
    matches: MatchReport,
    seconds: float,
    exit_status: int,
) -> dict[str, Any]:
    """The whole run as one JSON-ready dict (`--report FILE`)."""
    return {
        "exit_status": exit_status,
        "seconds": round(seconds, 3),
        "indicators": {
            "loaded": len(index),
            "indexed": index.indexed,
            "per_kind": dict(sorted(index.kinds.items())),
            "slow_path": len(index.slow),
            "revoked": index.revoked,
            "refused": [
                {"source": r.source, "reference": r.reference, "reason": r.reason} for r in index.refused
            ],
            "skipped_sources": [{"source": p.source, "reason": p.reason} for p in skipped],
            "other_objects": dict(sorted(other_objects.items())),
        },
        "logs": {
            "files": reads.files,
            "events": matches.events,
            "events_per_format": dict(sorted(reads.events.items())),
            "bad_lines": reads.bad_lines,
            "bad_line_examples": [_problem(p) for p in reads.problems],
            "notices": [_problem(p) for p in reads.notices],
            "errors": [_problem(p) for p in reads.errors],
        },
        "hits": {"total": sum(matches.hits.values()), "per_kind": dict(sorted(matches.hits.items()))},
        "outside_validity": matches.outside_validity,
        "slow_path": {"candidates": matches.slow_candidates, "hits": matches.slow_hits},
        "suppressed": {
            "hits": sum(matches.suppressed.values()),
            "warninglists": [
                {
                    "name": entry.name,
                    "hits": entry.hits,
                    "indicators": [
                        {"indicator": item.indicator, "value": item.value, "hits": item.hits}
                        for item in entry.indicators
                    ],
                }
                for entry in suppressions(index, matches)
            ],
        },
    }
