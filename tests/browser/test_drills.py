"""A drill in a real browser: a planner plans it and, as controller, starts it and reads the live board; a
player finds the inject and the team's logs. In English and Chinese; every page axe-checked and CSP-clean."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from lionrock.cyber.drills.models import Exercise
from tests.browser.test_module_pages import Audit, _demo_person, _demo_world, _signed_in

BANNER = "EXERCISE — EXERCISE — EXERCISE"


def _language(page: Any, code: str) -> None:
    page.get_by_label(re.compile("Language|語言")).select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK" if code == "zh-hant" else "en-HK")


def test_planner_controller_and_player_walk_through_a_drill_in_both_languages(
    page: Any, page_watch: Any
) -> None:
    _demo_world()
    audit = Audit(page)
    planner = _demo_person("analyst")  # the policy office's drill planner
    _signed_in(page, planner, "/drills/")
    expect(page.locator("main")).to_contain_text(BANNER)
    audit.check("drills: list")

    page.get_by_label("Scenario template:").select_option("phishing-c2-registry")
    page.get_by_label("Planned start:").fill("2026-12-06T09:00")
    page.get_by_label("Victoria Broadband").check()
    page.get_by_label("Kowloon Telecom").check()
    page.get_by_label("Log lines per team:").fill("500")
    page.get_by_role("button", name="Plan the drill").click()
    expect(page.get_by_text("Exercise planned: canaries are planted for every team.")).to_be_visible()
    exercise = Exercise.objects.get(template="phishing-c2-registry", status=Exercise.Status.PLANNED)
    audit.check("drills: planned exercise")

    page.get_by_role("button", name="Start").click()
    expect(page.locator("main")).to_contain_text("running")
    expect(page.locator("#board")).to_contain_text("Victoria Broadband")
    audit.check("drills: live board")
    _language(page, "zh-hant")
    expect(page.locator("main")).to_contain_text("即時看板")
    expect(page.locator("main")).to_contain_text("演習")
    audit.check("drills: live board (zh-Hant)")
    audit.visit("/drills/", "drills: list (zh-Hant)")
    _language(page, "en")
    page.locator("header").get_by_role("button", name="Sign out").click()

    player = _demo_person("soc.victoria")
    path = f"/drills/{exercise.pk}/teams/victoria-broadband/"
    _signed_in(page, player, path)
    expect(page.locator("main")).to_contain_text(BANNER)
    expect(page.locator("main")).to_contain_text("A staff member reports a suspicious e-mail")
    expect(page.locator("main")).not_to_contain_text("Kowloon Telecom")
    audit.check("drills: player's page")
    _language(page, "zh-hant")
    expect(page.locator("main")).to_contain_text("已收到的演習事件")
    audit.check("drills: player's page (zh-Hant)")
    audit.visit(f"/drills/{exercise.pk}/teams/kowloon-telecom/", "drills: another team's page", status=404)
    page_watch.expect_console_error("404")
    audit.assert_clean()
    page_watch.assert_clean()
