import pytest

from lionrock.core.shell.registry import nav_for, panels_for
from lionrock.cyber.exchange import services
from tests.cyber.intel.factories import community_make

pytestmark = pytest.mark.django_db


def test_intelligence_users_find_import_export_and_feeds_in_the_menu():
    community = community_make()
    labels = {str(entry.label) for entry in nav_for(community.direct_reader)}
    assert {"Import / export", "Feeds"} <= labels
    assert not {"Import / export", "Feeds"} & {str(entry.label) for entry in nav_for(community.no_intel_role)}


def test_a_failing_feed_is_an_attention_item_on_the_home_page():
    community = community_make()
    feed = services.feed_create(
        actor=community.creator,
        collection=community.collection,
        name="Partner",
        url="https://taxii.partner.example/api1/collections/x/",
    )
    (panel,) = [p for p in panels_for(community.creator) if str(p.title) == "Feeds"]
    assert panel.items == []
    type(feed).objects.filter(pk=feed.pk).update(consecutive_failures=2)
    (panel,) = [p for p in panels_for(community.creator) if str(p.title) == "Feeds"]
    assert [(str(item.label), item.count) for item in panel.items] == [("TAXII feeds failing", 1)]
    assert not [p for p in panels_for(community.direct_reader) if str(p.title) == "Feeds"]
