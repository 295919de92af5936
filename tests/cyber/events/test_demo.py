import pytest

from lionrock import demo
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.cyber.events import selectors
from lionrock.cyber.events.models import Event
from lionrock.cyber.incidents.models import Incident

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_five_events_and_a_national_games_watch_with_something_to_show(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    with django_capture_on_commit_callbacks(execute=True):  # sightings reach the board after the commit
        demo.demo_world_build(force=False, quiet=True)
    assert Event.objects.count() == 5
    games = Event.objects.get(slug="national-games-2025")
    assert (games.starts_on.isoformat(), games.ends_on.isoformat()) == ("2025-11-09", "2025-11-21")
    analyst = actor_for_user(User.objects.get(email="analyst@lionrock.test"))
    board = selectors.situation_board(actor=analyst, event=games)
    assert len(board.incidents) == 5
    assert {row.reason for row in board.sightings} == {"asset"}
    assert all(i.notify_by is not None for i in Incident.objects.all())
    rows = selectors.readiness_rows(actor=analyst, event=games)
    assert 0 < sum(row.done for row in rows) < sum(len(row.entries) for row in rows)
    demo.demo_world_build(force=False, quiet=True)
    assert Event.objects.count() == 5 and Incident.objects.count() == 5


def test_every_screen_of_the_demo_has_something_true_to_show(monkeypatch):
    from tests.cyber.intel.test_views import client_for

    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    analyst = client_for(actor_for_user(User.objects.get(email="analyst@lionrock.test")))
    cert = client_for(actor_for_user(User.objects.get(email="cert@lionrock.test")))
    for path in ("", "readiness/", "watch/", "watch/board/", "summary/"):
        page = analyst.get(f"/events/national-games-2025/{path}")
        assert page.status_code == 200, path
    assert "DDoS against transit" in analyst.get("/events/national-games-2025/watch/").content.decode()
    listing = cert.get("/incidents/").content.decode()
    for incident in Incident.objects.all():
        assert incident.reference in listing
        assert cert.get(f"/incidents/{incident.pk}/").status_code == 200
    ddos = Incident.objects.get(title__startswith="DDoS against transit")
    assert "Harbour IX" in cert.get(f"/incidents/{ddos.pk}/").content.decode()  # same campaign, linked
    assert cert.get("/incidents/times/").status_code == 200
