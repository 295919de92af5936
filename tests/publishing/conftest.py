from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _files_in_a_fresh_directory(settings, tmp_path):
    """Each test stores uploads in its own directory, so "nothing stored" can be checked on disk."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def _no_language_left_active() -> Iterator[None]:
    """A request in Chinese leaves its language active in the thread; tests start and end in English."""
    translation.deactivate()
    yield
    translation.deactivate()
