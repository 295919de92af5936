"""The drill pages: planners plan, the white cell runs the board, players see their part, with the banner."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from lionrock.cyber.drills import services
from lionrock.cyber.drills.models import Exercise
from tests.cyber.drills.factories import exercise_make, world_make
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

BANNER = "EXERCISE — EXERCISE — EXERCISE"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_drill_page_carries_the_exercise_banner_in_both_languages(language: str) -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    planner, player = client_for(world.planner), client_for(world.player_a)
    for client in (planner, player):
        client.cookies["django_language"] = language
    pages = [
        (planner, reverse("drills:list")),
        (planner, reverse("drills:detail", args=[exercise.pk])),
        (player, reverse("drills:list")),
        (player, reverse("drills:play", args=[exercise.pk, "team-a"])),
    ]
    for client, url in pages:
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200, url
        page = response.content.decode()
        assert BANNER in page and "演習" in page, url


def test_a_player_is_sent_to_the_team_page_and_never_sees_another_team() -> None:
    world = world_make()
    exercise = exercise_make(world)
    player = client_for(world.player_a)
    response = player.get(reverse("drills:detail", args=[exercise.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/teams/team-a/")
    assert player.get(reverse("drills:play", args=[exercise.pk, "team-b"])).status_code == 404
    assert player.post(reverse("drills:step", args=[exercise.pk, "start"])).status_code == 404
    assert Exercise.objects.get(pk=exercise.pk).status == Exercise.Status.PLANNED


def test_a_planner_plans_a_drill_from_the_page_and_runs_its_clock() -> None:
    world = world_make()
    planner = client_for(world.planner)
    response = planner.post(
        reverse("drills:list"),
        {
            "template": "defacement-election",
            "starts_at": "2026-12-06T09:00",
            "teams": ["team-a", "team-b"],
            "lines_per_team": 1000,
        },
    )
    exercise = Exercise.objects.get()
    assert response.status_code == 302
    planner.post(reverse("drills:step", args=[exercise.pk, "start"]))
    exercise.refresh_from_db()
    assert exercise.status == Exercise.Status.RUNNING
    planner.post(reverse("drills:step", args=[exercise.pk, "shift"]), {"minutes": "15"})
    assert exercise.injects.get(number=2).deliveries.count() == 2  # the logs, due at minute 15
    board = planner.get(reverse("drills:detail", args=[exercise.pk])).content.decode()
    assert "Alpha ISP" in board and "Bravo Registry" in board


def test_players_answer_the_hot_wash_after_the_end_and_the_planner_follows_up_a_finding() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    player = client_for(world.player_a)
    url = reverse("drills:hotwash", args=[exercise.pk, "team-a"])
    player.post(url, {"went_well": "Matcher found it fast", "to_improve": "Report sooner"})
    assert not exercise.hotwash.exists()  # refused while the drill runs
    services.exercise_end(actor=world.planner, exercise=exercise)
    player.post(url, {"went_well": "Matcher found it fast", "to_improve": "Report sooner"})
    assert exercise.hotwash.get().went_well == "Matcher found it fast"
    finding = services.finding_add(
        actor=world.planner, exercise=exercise, text="Slow report", improvement="Drill the desk",
        owner=world.team_a, due=timezone.localdate(),
    )  # fmt: skip
    planner = client_for(world.planner)
    planner.post(reverse("drills:finding_move", args=[exercise.pk, finding.pk]), {"status": "in_progress"})
    finding.refresh_from_db()
    assert finding.status == "in_progress"
    page = planner.get(reverse("drills:detail", args=[exercise.pk])).content.decode()
    assert "Matcher found it fast" in page


def test_the_logs_link_sends_a_player_to_the_stored_archive_and_another_team_gets_not_found() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    link = reverse("drills:artefacts", args=[exercise.pk, "team-a"])
    sent = client_for(world.player_a).get(link)
    assert sent.status_code == 302 and sent["Location"].startswith("/files/")
    again = client_for(world.player_a).get(link)
    assert again["Location"] == sent["Location"]  # the archive was made once
    download = client_for(world.player_a).get(sent["Location"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert client_for(world.player_b).get(link).status_code == 404
    assert client_for(world.player_b).get(sent["Location"]).status_code == 404


def test_the_exercise_list_counts_each_exercises_teams_in_queries_that_do_not_grow_with_the_list() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = world_make()
    exercise_make(world, lines_per_team=100)
    planner = client_for(world.planner)

    def listed() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = planner.get(reverse("drills:list")).content.decode()
        return page, len(queries)

    listed()  # the first request of a session also writes to it
    _page, queries_for_one = listed()
    exercise_make(world, lines_per_team=100)
    exercise_make(world, lines_per_team=100)
    page, queries_for_three = listed()
    assert page.count("<td>2</td>") == 3  # two teams on each exercise's row
    assert queries_for_three == queries_for_one


def test_the_exercise_list_links_a_player_to_their_own_teams_page_and_the_planner_to_the_board() -> None:
    world = world_make()
    exercise = exercise_make(world, lines_per_team=100)
    board = reverse("drills:detail", args=[exercise.pk])
    own_page = reverse("drills:play", args=[exercise.pk, "team-a"])
    listed_for_player = client_for(world.player_a).get(reverse("drills:list")).content.decode()
    assert f'href="{own_page}"' in listed_for_player and f'href="{board}"' not in listed_for_player
    assert reverse("drills:play", args=[exercise.pk, "team-b"]) not in listed_for_player
    listed_for_planner = client_for(world.planner).get(reverse("drills:list")).content.decode()
    assert f'href="{board}"' in listed_for_planner
    # the board still sends a player who reaches it to the same page
    response = client_for(world.player_a).get(board)
    assert response.status_code == 302 and response["Location"] == own_page
