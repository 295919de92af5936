import pytest

from tests.cyber.intel.factories import community_make


@pytest.fixture
def community():
    return community_make()
