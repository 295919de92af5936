import pytest

from lionrock.cli import main
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.cyber.monitoring import selectors
from lionrock.cyber.monitoring.models import Alert, Sighting

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_policy_office_a_dashboard_with_an_alert(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # sightings are flattened after the store commits
        assert main(["demo"]) == 0
    # Monitoring's own seven, and the major events' watch-period sightings beside them.
    assert Sighting.objects.filter(stix_object__collection__alias="stakeholder-sightings").count() >= 7
    analyst = actor_for_user(User.objects.get(email="analyst@lionrock.test"))
    rows = selectors.indicators_sighted(actor=analyst, days=30)
    assert any(row.stakeholders == 2 for row in rows)
    assert Alert.objects.filter(kind=Alert.Kind.SEVERAL_STAKEHOLDERS).exists()
    open_alerts = selectors.alerts_open(actor=analyst)
    assert any(alert.kind == Alert.Kind.SEVERAL_STAKEHOLDERS for alert in open_alerts)
    kowloon = actor_for_user(User.objects.get(email="soc.kowloon@lionrock.test"))
    own = selectors.sightings_visible(actor=kowloon).filter(
        stix_object__collection__alias="stakeholder-sightings"
    )
    assert {s.organisation.slug for s in own} == {"kowloon-telecom"}
