import pytest

from lionrock import demo
from lionrock.immigration.enforcement.models import Arrest, Report, ScreeningOwed

pytestmark = pytest.mark.django_db


def test_the_demo_world_has_reports_and_an_operation_and_building_it_twice_adds_nothing(
    settings, monkeypatch
):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    count = Report.objects.count()
    assert count == 4
    assert Report.objects.filter(channel="hotline").count() == 1
    assert Arrest.objects.count() == 7 and ScreeningOwed.objects.count() == 6
    demo.demo_world_build(force=False, quiet=True)
    assert Report.objects.count() == count and Arrest.objects.count() == 7
