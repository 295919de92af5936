"""The query planner's statistics follow the data without an operator running ANALYZE."""

import subprocess
import sys

import pytest
from django.db import connection

from lionrock.core.shell import planner
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import StixObject
from tests.cyber.intel.factories import community_make, indicator


def _statistics_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return int(cursor.fetchone()[0])


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps no statistics by itself: this run is on PostgreSQL, where autovacuum does")


@pytest.mark.django_db
def test_a_refresh_gives_sqlite_statistics_for_the_stored_objects(sqlite_only):
    community = community_make()
    intel_services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator(f"host{n}.example") for n in range(20)],
        source="test",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is not None:
            cursor.execute("DELETE FROM sqlite_stat1")
    assert _statistics_rows(StixObject._meta.db_table) == 0
    assert planner.planner_statistics_refresh() is True
    assert _statistics_rows(StixObject._meta.db_table) > 0


@pytest.mark.django_db
def test_a_stream_of_bulk_loads_refreshes_once_within_the_interval(sqlite_only):
    assert planner.planner_statistics_refresh() is True
    assert planner.planner_statistics_refresh(unless_within_seconds=3600) is False
    assert planner.planner_statistics_refresh() is True  # the periodic job always runs


@pytest.mark.django_db
def test_postgresql_is_left_to_autovacuum():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: this run is on SQLite, where the tests above run")
    assert planner.planner_statistics_refresh() is False


def test_the_web_server_reads_indicator_patterns_without_loading_arrow():
    code = (
        "import sys; import lionrock.matcher.patterns; "
        "print(sorted(m for m in ('pyarrow', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_matcher_package_still_offers_its_public_names():
    import lionrock.matcher as matcher

    for name in matcher.__all__:
        assert getattr(matcher, name) is not None
    assert matcher.load_indicators is matcher.load_path
    with pytest.raises(AttributeError):
        _ = matcher.no_such_name
