"""Browser fixtures: Debian's Chromium driven by Playwright, against pytest-django's live server.

Nothing is downloaded: the browser is the system's /usr/bin/chromium (override with LIONROCK_CHROMIUM).
When it is absent the browser tests are skipped with the reason, unless LIONROCK_REQUIRE_BROWSER is set
(as .ci/run does), in which case they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("LIONROCK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent


def _browser_required() -> bool:
    return os.environ.get("LIONROCK_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything in this directory is a browser test, marked so that `-m "not browser"` leaves it out."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = (
            f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium) "
            "or set LIONROCK_CHROMIUM to run the browser tests"
        )
        if _browser_required():
            pytest.fail(f"LIONROCK_REQUIRE_BROWSER is set but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests still make plain, synchronous
    # Django ORM calls (building users, reading devices), which Django would otherwise refuse meanwhile.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            if previous is None:
                del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class PageWatch:
    """What a page did that it should not: console errors, script errors, CSP violations, foreign hosts."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.foreign_requests: list[str] = []
        self.expected_errors: list[str] = []

    def expect_console_error(self, fragment: str) -> None:
        """An error the test provokes on purpose (e.g. the 404 status of a not-found page)."""
        self.expected_errors.append(fragment)

    def problems(self) -> list[str]:
        console = [
            message
            for message in self.console_errors
            if not any(fragment in message for fragment in self.expected_errors)
        ]
        return (
            [f"console error: {m}" for m in console]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"request to another host: {u}" for u in self.foreign_requests]
        )

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "\n".join(problems)


@pytest.fixture
def migration_data(transactional_db: None) -> None:
    """Reloads what the data migrations store, which a flush by an earlier transactional test removes.

    Serialized rollback cannot do it here: content types recreated after an earlier flush collide with it.
    The loaders are idempotent and are the migrations' own functions.
    """
    from importlib import import_module

    from django.apps import apps

    import_module("lionrock.immigration.enforcement.migrations.0002_offence_catalogue").seed(apps, None)
    import_module("lionrock.immigration.screening.migrations.0002_default_checklist").default_load(apps, None)
    import_module("lionrock.immigration.screening.migrations.0005_answers_by_polarity").forwards(apps, None)
    import_module("lionrock.cyber.events.migrations.0002_readiness_checklist_v1").checklist_load(apps, None)
    import_module("lionrock.publishing.migrations.0002_default_templates").seed(apps, None)


@pytest.fixture
def page_watch(live_server: Any) -> PageWatch:
    return PageWatch(live_server.url)


@pytest.fixture
def page(chromium: Any, live_server: Any, page_watch: PageWatch, migration_data: None) -> Iterator[Any]:
    """A fresh browser context per test (English, Hong Kong) that refuses to talk to any other host.

    The live server needs a transactional database, emptied after each transactional test; the data the
    migrations stored (the offence catalogue, the screening checklists) is put back first.
    """
    context = chromium.new_context(locale="en-GB", timezone_id="Asia/Hong_Kong", base_url=live_server.url)
    context.set_default_timeout(15_000)
    watch = page_watch
    origin = urlsplit(live_server.url)

    def guard(route: Any) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https") and (url.hostname, url.port) != (origin.hostname, origin.port):
            watch.foreign_requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", guard)
    new_page = context.new_page()

    def on_console(message: Any) -> None:
        if message.type == "error":
            watch.console_errors.append(message.text)

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    try:
        yield new_page
    finally:
        context.close()
