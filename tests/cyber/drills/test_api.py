"""The drills API: the contract other tools use, with clear refusals that change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from lionrock.cyber.drills.models import Exercise
from tests.cyber.drills.factories import bearer, exercise_make, world_make

pytestmark = pytest.mark.django_db


def test_an_exercise_for_an_unknown_organisation_is_refused_and_nothing_is_planned() -> None:
    world = world_make()
    response = Client().post(
        "/api/drills/exercises",
        {
            "template": "ddos-major-event",
            "teams": ["team-a", "no-such-org"],
            "starts_at": "2026-12-05T09:00:00+08:00",
        },
        content_type="application/json",
        headers=bearer(world.planner, "drills:write"),
    )
    assert response.status_code == 422
    assert "no-such-org" in response.json()["detail"]
    assert not Exercise.objects.exists()


def test_the_clock_steps_follow_the_workflow_and_a_wrong_step_is_refused() -> None:
    world = world_make()
    exercise = exercise_make(world)
    client, headers = Client(), bearer(world.planner, "drills:read", "drills:write")
    base = f"/api/drills/exercises/{exercise.pk}"
    refused = client.post(f"{base}/pause", headers=headers)
    assert refused.status_code == 422 and "cannot go from" in refused.json()["detail"]
    assert [client.post(f"{base}/{step}", headers=headers).json()["status"] for step in
            ("start", "pause", "resume", "end")] == ["running", "paused", "running", "ended"]  # fmt: skip
    late = client.post(
        f"{base}/injects", {"offset_minutes": 10, "title_en": "Too late"}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert late.status_code == 422
    assert exercise.injects.filter(title_en="Too late").count() == 0


def test_a_player_cannot_run_the_clock_and_reads_only_its_own_scoreboard() -> None:
    world = world_make()
    exercise = exercise_make(world)
    headers = bearer(world.player_a, "drills:read", "drills:write")
    client = Client()
    assert client.post(f"/api/drills/exercises/{exercise.pk}/start", headers=headers).status_code == 404
    board = client.get(f"/api/drills/exercises/{exercise.pk}/scoreboard", headers=headers).json()
    assert [team["organisation"] for team in board["teams"]] == ["team-a"]
    outsider = bearer(world.outsider, "drills:read")
    assert client.get(f"/api/drills/exercises/{exercise.pk}", headers=outsider).status_code == 404


def test_the_exercise_list_names_each_exercises_teams_in_queries_that_do_not_grow_with_the_list() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = world_make()
    exercise_make(world, lines_per_team=100)
    client, headers = Client(), bearer(world.planner, "drills:read")

    def listed() -> tuple[list[list[str]], int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/drills/exercises", headers=headers).json()
        return [[team["organisation"] for team in exercise["teams"]] for exercise in body], len(queries)

    listed()  # the first request of a session or token also writes to it
    one, queries_for_one = listed()
    exercise_make(world, lines_per_team=100)
    exercise_make(world, lines_per_team=100)
    three, queries_for_three = listed()
    assert one == [["team-a", "team-b"]] and three == [["team-a", "team-b"]] * 3
    assert queries_for_three == queries_for_one
