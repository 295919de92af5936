import pytest

from tests.cyber.intel.factories import community_make


@pytest.fixture
def community():
    return community_make()


@pytest.fixture(autouse=True)
def loopback_feeds_allowed(settings):
    """The feed tests' TAXII servers listen on loopback over plain HTTP, so the operator's list names it."""
    settings.LIONROCK_FEED_ALLOWED_HOSTS = ["*", "127.0.0.1", "localhost"]
