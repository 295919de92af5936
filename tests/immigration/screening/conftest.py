import pytest


@pytest.fixture(autouse=True)
def _files_in_a_fresh_directory(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path
