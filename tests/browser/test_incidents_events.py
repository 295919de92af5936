"""The incident desk and a major event's readiness and watch, in a real browser, in English and Chinese.

A stakeholder reports an incident; GovCERT acknowledges it, asks a question and shares its indicators;
the policy office updates readiness and runs the National Games watch. Every page is checked with axe-core
and for what the Content-Security-Policy forbids.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from lionrock.cyber.incidents.models import Incident
from tests.browser.test_enforcement import _switch_to_chinese
from tests.browser.test_module_pages import Audit, _demo_person, _demo_world, _signed_in


def test_a_stakeholder_reports_and_govcert_triages_and_shares_its_indicators(
    page: Any, page_watch: Any
) -> None:
    _demo_world()
    audit = Audit(page)
    reporter = _demo_person("soc.victoria")
    _signed_in(page, reporter, "/incidents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidents")
    audit.check("incidents: list (reporter)")
    page.locator("main").get_by_role("link", name="Report an incident").click()
    audit.check("incidents: report form")
    page.get_by_label(re.compile(r"^Title")).fill("Credential stuffing against the customer portal")
    page.get_by_label(re.compile(r"^Classification")).select_option('rsit:intrusion-attempts="brute-force"')
    page.get_by_label(re.compile(r"^Detected at")).fill("2026-11-30T09:00")
    page.get_by_label(re.compile(r"^Became aware at")).fill("2026-11-30T09:30")
    page.get_by_label(re.compile(r"^Indicators of compromise")).fill("45.151.167.10\nlogin-check.example.net")
    page.get_by_role("button", name="Submit report").click()
    expect(page.locator("main")).to_contain_text("submitted")
    incident = Incident.objects.get(title="Credential stuffing against the customer portal")
    assert incident.reference and incident.notify_by is not None
    audit.check("incidents: detail (reporter)")
    _switch_to_chinese(page)
    audit.check("incidents: detail (reporter, Chinese)")

    page.context.clear_cookies()
    cert = _demo_person("cert")
    _signed_in(page, cert, f"/incidents/{incident.pk}/")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator("main")).to_contain_text("Acknowledged")
    page.get_by_label(re.compile(r"^Message")).fill("Which login endpoint was targeted?")
    page.get_by_role("button", name="Ask the reporter").click()
    expect(page.locator("main")).to_contain_text("awaiting reply")
    audit.check("incidents: detail (handler)")
    page.get_by_role("link", name="Share indicators").click()
    audit.check("incidents: share indicators")
    page.get_by_label(re.compile(r"^Collection")).select_option(label="GovCERT indicators")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("main")).to_contain_text("[ipv4-addr:value = '45.151.167.10']")
    page.get_by_role("button", name="Share indicators").click()
    expect(page.locator("main")).to_contain_text("2 indicators shared.")
    assert incident.observables.exclude(indicator_stix_id="").count() == 2
    audit.visit("/incidents/?status=open", "incidents: open list (handler)")
    _switch_to_chinese(page)
    audit.visit("/incidents/", "incidents: list (handler, Chinese)")
    audit.assert_clean()


def test_the_policy_office_runs_readiness_and_the_national_games_watch(page: Any, page_watch: Any) -> None:
    _demo_world()
    audit = Audit(page)
    analyst = _demo_person("analyst")
    _signed_in(page, analyst, "/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Major events")
    audit.check("events: list")
    page.get_by_role("link", name=re.compile("15th National Games")).click()
    audit.check("events: detail")
    page.get_by_role("link", name="Readiness").first.click()
    audit.check("events: readiness")
    form = page.get_by_role("region", name="Update readiness")
    form.get_by_label(re.compile(r"^Organisation")).select_option(label="Harbour Internet Exchange")
    form.get_by_label(re.compile(r"^Checklist item")).select_option("ddos-tested")
    form.get_by_label(re.compile(r"^Status")).select_option("done")
    form.get_by_label(re.compile(r"^Evidence:?$")).fill("Scrubbing test report of 3 November")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Scrubbing test report")
    audit.check("events: readiness updated")

    page.goto("/events/national-games-2025/watch/")
    board = page.get_by_role("region", name="Situation board")
    expect(board).to_contain_text("DDoS against transit to the Games ticketing front end")
    expect(board).to_contain_text("names a registered asset")
    audit.check("events: watch")
    page.get_by_label(re.compile(r"^Alert level")).select_option("high")
    page.get_by_role("button", name="Set alert level").click()
    expect(page.locator("main")).to_contain_text("Alert level set.")
    page.get_by_label(re.compile(r"^Shift log entry")).fill(
        "Second ticket release: upstream scrubbing on standby."
    )
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator("main")).to_contain_text("upstream scrubbing on standby")
    audit.visit("/events/national-games-2025/summary/", "events: summary")
    _switch_to_chinese(page)
    audit.visit("/events/national-games-2025/watch/", "events: watch (Chinese)")
    audit.visit("/events/national-games-2025/readiness/", "events: readiness (Chinese)")
    audit.assert_clean()
