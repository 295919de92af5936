"""Matcher tests keep the compiled-index and warninglist cache in a folder of their own, shared by the
session so the warninglists are compiled once, never in the home directory of whoever runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def match_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("match-cache")


@pytest.fixture(autouse=True)
def _match_cache_environment(match_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LIONROCK_MATCH_CACHE", str(match_cache))
    yield
