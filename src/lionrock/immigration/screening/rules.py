"""The combination rules, applied to indicators' presence: pure functions over plain data, no database.

The rules never see the answer to a question: they see whether each indicator is present, absent or
unknown, derived from the answer through the indicator's polarity (`indicated_by` in the checklist), so a
No to "Can you leave when you want?" counts as present and a Yes as absent.

A checklist's rules are data (see data/default_checklist_2026_2.json and docs/users/screening.md):

* ``initial.debriefing_when_present_at_least``: how many initial-form indicators present require a
  full debriefing (the default, 1, is the published Hong Kong rule: any indicator).
* ``dimension_present``: a list of alternatives; a dimension is present when its present indicators meet
  every minimum of at least one alternative. Keys: strong, medium, weak, medium_or_weak.
* ``trafficking``: groups of dimensions; trafficking is indicated when every group has a present dimension.
* ``forced_labour.present_at_least``: how many of the ILO forced-labour indicators must be present; each
  is present when an operational indicator that maps to it is present.

Unknown never counts as present; when treating them as present would change the outcome, the
recommendation is "insufficient information".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The answers to a question as asked, and what they mean for the indicator (models.Presence).
ANSWERS = ("yes", "no", "unknown")
PRESENT, ABSENT, UNKNOWN = "present", "absent", "unknown"
PRESENCES = (PRESENT, ABSENT, UNKNOWN)
STRENGTHS = ("strong", "medium", "weak")
COUNT_KEYS = frozenset({"strong", "medium", "weak", "medium_or_weak"})

TRAFFICKING_LABOUR = "trafficking_labour"
TRAFFICKING_SEXUAL = "trafficking_sexual"
FORCED_LABOUR = "forced_labour"
INSUFFICIENT = "insufficient_information"
NOT_IDENTIFIED = "not_identified"


@dataclass(frozen=True)
class RuleIndicator:
    """What the rules need to know about one indicator."""

    code: str
    stage: str
    dimension: str
    strength: str = ""
    maps_to: tuple[str, ...] = ()


def _counts(codes: Sequence[str], strengths: Mapping[str, str]) -> dict[str, int]:
    counts = {key: 0 for key in STRENGTHS}
    for code in codes:
        strength = strengths.get(code, "")
        if strength in counts:
            counts[strength] += 1
    counts["medium_or_weak"] = counts["medium"] + counts["weak"]
    return counts


def dimension_present(counts: Mapping[str, int], alternatives: Sequence[Mapping[str, int]]) -> bool:
    """True when the counts meet every minimum of at least one alternative."""
    return any(
        all(counts.get(key, 0) >= minimum for key, minimum in alternative.items())
        for alternative in alternatives
    )


def initial_outcome(presence: Mapping[str, str], rules: Mapping[str, Any]) -> tuple[bool, list[str]]:
    """(debriefing required, the codes of the indicators present)."""
    present = sorted(code for code, state in presence.items() if state == PRESENT)
    needed = int(rules.get("initial", {}).get("debriefing_when_present_at_least", 1))
    return len(present) >= needed, present


@dataclass
class Evaluation:
    """The outcome under one reading of the answers, with what drove it."""

    dimensions: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: list[dict[str, Any]] = field(default_factory=list)
    trafficking: bool = False
    forced_labour_present: list[str] = field(default_factory=list)
    forced_labour_sources: dict[str, list[str]] = field(default_factory=dict)
    forced_labour: bool = False


def _evaluate(yes: set[str], indicators: Sequence[RuleIndicator], rules: Mapping[str, Any]) -> Evaluation:
    result = Evaluation()
    operational = [item for item in indicators if item.stage == "debriefing"]
    strengths = {item.code: item.strength for item in operational}
    alternatives = rules.get("dimension_present", [])
    by_dimension: dict[str, list[str]] = {}
    for item in operational:
        by_dimension.setdefault(item.dimension, [])
        if item.code in yes:
            by_dimension[item.dimension].append(item.code)
    for dimension, codes in by_dimension.items():
        counts = _counts(codes, strengths)
        result.dimensions[dimension] = {
            "present": dimension_present(counts, alternatives),
            "codes": sorted(codes),
            "counts": {key: counts[key] for key in STRENGTHS},
        }
    groups = rules.get("trafficking", [])
    for group in groups:
        met = [d for d in group if result.dimensions.get(d, {}).get("present")]
        result.groups.append({"dimensions": list(group), "met": met})
    result.trafficking = bool(groups) and all(group["met"] for group in result.groups)
    sources: dict[str, list[str]] = {}
    for item in operational:
        if item.code in yes:
            for target in item.maps_to:
                sources.setdefault(target, []).append(item.code)
    forced = [item.code for item in indicators if item.stage == "forced_labour"]
    result.forced_labour_present = [code for code in forced if code in sources or code in yes]
    result.forced_labour_sources = {
        code: sorted(sources.get(code, [])) for code in result.forced_labour_present
    }
    needed = rules.get("forced_labour", {}).get("present_at_least")
    result.forced_labour = needed is not None and len(result.forced_labour_present) >= int(needed)
    return result


@dataclass
class Recommendation:
    outcome: str
    confirmed: Evaluation
    if_unknown_confirmed: Evaluation
    unknown: list[str]

    def as_explanation(self) -> dict[str, Any]:
        """A structured record of what drove the outcome; rendered in plain words by explanation.py."""
        return {
            "outcome": self.outcome,
            "dimensions": self.confirmed.dimensions,
            "groups": self.confirmed.groups,
            "trafficking": self.confirmed.trafficking,
            "forced_labour": {
                "present": self.confirmed.forced_labour_present,
                "sources": self.confirmed.forced_labour_sources,
                "met": self.confirmed.forced_labour,
            },
            "unknown": self.unknown,
            "unknown_could_change": {
                "trafficking": self.if_unknown_confirmed.trafficking and not self.confirmed.trafficking,
                "forced_labour": self.if_unknown_confirmed.forced_labour and not self.confirmed.forced_labour,
            },
        }


def recommend(
    presence: Mapping[str, str],
    indicators: Sequence[RuleIndicator],
    rules: Mapping[str, Any],
    *,
    exploitation: str = "labour",
) -> Recommendation:
    """Trafficking (for the recorded form of exploitation) first, then forced labour, then whether the
    unknown indicators could still change the outcome, else not identified."""
    yes = {code for code, state in presence.items() if state == PRESENT}
    unknown = sorted(code for code, state in presence.items() if state == UNKNOWN)
    confirmed = _evaluate(yes, indicators, rules)
    optimistic = _evaluate(yes | set(unknown), indicators, rules)
    if confirmed.trafficking:
        outcome = TRAFFICKING_SEXUAL if exploitation == "sexual" else TRAFFICKING_LABOUR
    elif confirmed.forced_labour:
        outcome = FORCED_LABOUR
    elif optimistic.trafficking or optimistic.forced_labour:
        outcome = INSUFFICIENT
    else:
        outcome = NOT_IDENTIFIED
    return Recommendation(outcome, confirmed, optimistic, unknown)
