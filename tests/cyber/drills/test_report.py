"""The after-action report: one document in English and Chinese side by side, or one language on request."""

from __future__ import annotations

import pytest

from lionrock.cyber.drills import report, selectors, services
from tests.cyber.drills.factories import exercise_make, world_make

pytestmark = pytest.mark.django_db


def _ended():  # type: ignore[no-untyped-def]
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    services.exercise_end(actor=world.planner, exercise=exercise)
    return world, exercise


def test_the_report_puts_every_section_in_english_beside_the_same_section_in_chinese() -> None:
    world, exercise = _ended()
    html = report.html_render_for(actor=world.planner, exercise=exercise)
    for english, chinese in (
        ("Objectives", "目標"),
        ("Results per team", "各隊成績"),
        ("Improvement plan", "改善計劃"),
    ):
        assert english in html and chinese in html
    # The figures appear once in each language: each team's score, side by side.
    board = selectors.scoreboard(actor=world.planner, exercise=exercise)
    scores = [f"{team.total} / {team.possible}" for team in board.teams]
    assert len(scores) == 2
    for score in scores:
        assert html.count(score) == 2 * scores.count(score)
    assert html.count('<td class="side" lang="zh-Hant">') == html.count('<td class="side" lang="en">') > 5


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [("en", "Results per team", "各隊成績"), ("zh-hant", "各隊成績", "Results per team")],
)
def test_a_report_in_one_language_is_still_there_for_those_who_ask(
    language: str, present: str, absent: str
) -> None:
    world, exercise = _ended()
    html = report.html_render_for(actor=world.planner, exercise=exercise, language=language)
    assert present in html and absent not in html
    assert 'class="side"' not in html
    assert "EXERCISE" in html


@pytest.mark.parametrize(("asked", "language"), [("", "both"), ("en", "en"), ("zh-hant", "zh-hant"),
                                                 ("zh-HK", "zh-hant"), ("fr", "both")])  # fmt: skip
def test_a_request_names_the_report_language(asked: str, language: str) -> None:
    assert report.language_of(asked) == language
