"""Canaries a team can actually find: unique, and never suppressed by the matcher's warninglists."""

from __future__ import annotations

from lionrock.cyber.drills.canaries import values_plan
from lionrock.matcher import compile_indicators, load_text


def test_canaries_and_decoys_are_unique_and_no_warninglist_would_hide_them() -> None:
    from lionrock.matcher import warninglists

    taken: set[str] = set()
    planned = [
        value
        for team in range(400)
        for value in values_plan(
            seed="check",
            team=f"team-{team}",
            inject=2,
            canaries={"address": 3, "domain": 2, "url": 1},
            decoys=3,
            taken=taken,
        )
    ]
    values = [value.value for value in planned]
    assert len(values) == len(set(values))
    index = compile_indicators(load_text("\n".join(values), "canaries"))
    assert warninglists.screen(index) == {}
