"""Where drills meet the desk (docs/decisions/0004): the desk asks whether a report belongs to a drill.

Drills build on the incident desk, so the desk imports nothing of them: the drills app registers its two
answers here in `AppConfig.ready()`. With nothing registered every report is a real one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ExerciseRef:
    """An exercise as the desk knows it: its id and its name (the drills app owns the rest)."""

    pk: int
    name: str


# organisation id -> the running (or paused) exercises it plays in as a team
RunningFor = Callable[[int], list[ExerciseRef]]
# organisation id, correlation keys of a report's observables -> the exercise one of them is a live
# canary (or decoy) of that organisation's team in, if any
Naming = Callable[[int, Sequence[str]], ExerciseRef | None]

_running_for: list[RunningFor] = []
_naming: list[Naming] = []


def register(*, running_for: RunningFor, naming: Naming) -> None:
    """Called once by the drills app when it starts."""
    if running_for not in _running_for:
        _running_for.append(running_for)
    if naming not in _naming:
        _naming.append(naming)


def exercises_running_for(organisation_id: int) -> list[ExerciseRef]:
    """The exercises the organisation may file a report for now: it is a team, and the drill is on."""
    return [ref for answer in _running_for for ref in answer(organisation_id)]


def exercise_named(organisation_id: int, keys: Sequence[str]) -> ExerciseRef | None:
    """The exercise whose live canary of this organisation's team the report names, if any."""
    if not keys:
        return None
    for answer in _naming:
        found = answer(organisation_id, keys)
        if found is not None:
            return found
    return None
