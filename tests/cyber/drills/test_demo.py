import pytest

from lionrock.cli import main
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.cyber.drills import report, selectors
from lionrock.cyber.drills.demo import ELECTION_DRILL, GAMES_DRILL
from lionrock.cyber.drills.models import Exercise

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_scored_drill_before_the_games_and_a_planned_one_before_the_election(capsys):
    assert main(["demo"]) == 0
    analyst = actor_for_user(User.objects.get(email="analyst@lionrock.test"))
    games = Exercise.objects.get(name_en=GAMES_DRILL)
    assert games.status == Exercise.Status.ENDED
    board = selectors.scoreboard(actor=analyst, exercise=games)
    totals = {team.team.organisation.slug: team for team in board.teams}
    assert totals["victoria-broadband"].total > totals["harbour-ix"].total
    assert len(totals["kowloon-telecom"].false_positives) == 1
    assert totals["victoria-broadband"].minutes_to("detect") == 12
    assert games.findings.count() == 2
    assert "Harbour IX" in report.html_render_for(actor=analyst, exercise=games)
    assert Exercise.objects.get(name_en=ELECTION_DRILL).status == Exercise.Status.PLANNED
    kowloon = actor_for_user(User.objects.get(email="soc.kowloon@lionrock.test"))
    assert [t.team.organisation.slug for t in selectors.scoreboard(actor=kowloon, exercise=games).teams] == [
        "kowloon-telecom"
    ]
