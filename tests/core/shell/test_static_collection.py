"""`lionrock serve` collects and compresses static files only when they changed since the last start."""

import os
import time

import pytest
from django.test import override_settings

from lionrock.core.shell.static_collection import static_collect_if_changed


@pytest.fixture
def static_settings(tmp_path, settings):
    own = tmp_path / "own-static"
    own.mkdir()
    (own / "site.css").write_text("body { color: black; }")
    settings.STATIC_ROOT = tmp_path / "collected"
    settings.STATIC_ROOT.mkdir()
    settings.STATICFILES_DIRS = [own]
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield own, settings.STATIC_ROOT


def test_a_second_start_with_the_same_files_does_not_collect_again(static_settings):
    _own, collected = static_settings
    assert static_collect_if_changed() is True
    assert (collected / "site.css").is_file()
    (collected / "site.css").unlink()  # so a second collection would be seen
    assert static_collect_if_changed() is False
    assert not (collected / "site.css").exists()


def test_a_changed_file_is_collected_at_the_next_start(static_settings):
    own, collected = static_settings
    assert static_collect_if_changed() is True
    (own / "site.css").write_text("body { color: navy; }")
    later = time.time() + 5  # collectstatic compares whole seconds; an upgrade comes later than that
    os.utime(own / "site.css", (later, later))
    assert static_collect_if_changed() is True
    assert "navy" in (collected / "site.css").read_text()


def test_a_new_file_is_collected_at_the_next_start(static_settings):
    own, collected = static_settings
    assert static_collect_if_changed() is True
    (own / "extra.js").write_text("// added in an upgrade")
    assert static_collect_if_changed() is True
    assert (collected / "extra.js").is_file()
