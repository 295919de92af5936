import pytest


@pytest.fixture(autouse=True)
def _files_in_a_fresh_directory(settings, tmp_path):
    """Each test stores uploads in its own directory, so "nothing stored" can be checked on disk."""
    settings.DATA_DIR = tmp_path
    return tmp_path
