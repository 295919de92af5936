"""The incident desk's newest pages in a real browser, in English and Chinese, every page axe-checked.

A drill team files a report during a running drill and finds it among its own drill reports, never on the
real desk; the platform administrator creates and edits a reporting regime; a reporter sends a TLP:RED
incident to named people, names one more, and a colleague who was not named finds nothing.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.incidents.models import Incident, ReportingRegime
from tests.browser import factories
from tests.browser.test_enforcement import _switch_to_chinese
from tests.browser.test_module_pages import Audit, _signed_in
from tests.core.accounts.factories import PASSWORD, actor_make
from tests.cyber.incidents.factories import desk_make, drill_make

BANNER = "EXERCISE — EXERCISE — EXERCISE"


def _person(actor: Actor) -> factories.Person:
    """Someone the repository's factories made, with an authenticator app enrolled to sign in."""
    user = actor.user
    organisation = Organisation.objects.get(pk=actor.primary_organisation_id)
    return factories.with_authenticator(
        factories.Person(user=user, email=user.email, password=PASSWORD, organisation=organisation)
    )


def _sign_out(page: Any) -> None:
    page.locator("header").get_by_role("button", name=re.compile("Sign out|登出")).click()
    page.context.clear_cookies()


def _report(page: Any, title: str) -> None:
    page.get_by_label(re.compile(r"^Title")).fill(title)
    page.get_by_label(re.compile(r"^Classification")).select_option('rsit:availability="ddos"')
    page.get_by_label(re.compile(r"^Detected at")).fill("2026-11-30T09:00")
    page.get_by_label(re.compile(r"^Became aware at")).fill("2026-11-30T09:30")


def test_a_drill_team_files_a_drill_report_that_stays_off_the_real_desk(page: Any, page_watch: Any) -> None:
    desk = desk_make()
    drill = drill_make(desk)
    audit = Audit(page)
    reporter = _person(desk.reporter)
    _signed_in(page, reporter, "/incidents/")
    page.locator("main").get_by_role("link", name="Your drill reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your drill reports")
    expect(page.locator("main")).to_contain_text(BANNER)
    expect(page.locator("main")).to_contain_text("No drill reports.")
    audit.check("incidents: drill reports, none yet")

    page.goto("/incidents/")
    page.locator("main").get_by_role("link", name="Report an incident").click()
    audit.check("incidents: report form during a drill")
    page.get_by_label(re.compile(r"^Drill report for exercise")).select_option(str(drill.exercise.pk))
    _report(page, "Drill: beaconing to the registry look-alike")
    page.get_by_role("button", name="Submit report").click()
    expect(page.locator("main")).to_contain_text("submitted")
    incident = Incident.objects.get(title="Drill: beaconing to the registry look-alike")
    assert (incident.is_exercise, incident.exercise_number) == (True, drill.exercise.pk)
    expect(page.locator("main")).to_contain_text(BANNER)
    audit.check("incidents: drill report's page")

    page.goto("/incidents/drill-reports/")
    row = page.locator("main tbody tr", has_text="Drill: beaconing to the registry look-alike")
    expect(row).to_contain_text(str(drill.exercise.pk))
    audit.check("incidents: drill reports")
    _switch_to_chinese(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("貴機構的演習報告")
    expect(page.locator("main")).to_contain_text("Drill: beaconing to the registry look-alike")
    audit.check("incidents: drill reports (Chinese)")
    audit.visit(f"/incidents/{incident.pk}/", "incidents: drill report's page (Chinese)")
    expect(page.locator("main")).to_contain_text("演習")
    audit.visit("/incidents/report/", "incidents: report form during a drill (Chinese)")
    expect(page.get_by_label(re.compile("^演習報告所屬演習"))).to_have_value("")  # real unless chosen
    page.goto("/incidents/")
    expect(page.locator("main")).not_to_contain_text("Drill: beaconing to the registry look-alike")
    _sign_out(page)

    handler = _person(desk.handler)  # GovCERT: the real desk
    _signed_in(page, handler, "/incidents/")
    expect(page.locator("main")).not_to_contain_text("Drill: beaconing to the registry look-alike")
    audit.check("incidents: the real desk (handler)")
    page_watch.expect_console_error("404")
    audit.visit(f"/incidents/{incident.pk}/", "incidents: a drill report, to the real desk", status=404)
    audit.assert_clean()
    page_watch.assert_clean()


def test_the_platform_administrator_creates_and_edits_a_reporting_regime(page: Any, page_watch: Any) -> None:
    desk = desk_make()
    audit = Audit(page)
    admin = _person(desk.platform_admin)
    _signed_in(page, admin, "/incidents/clocks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification clocks")
    rules = page.locator("main table").last
    expect(rules).to_contain_text("12 hours")  # the deadlines read as the administrator entered them
    expect(rules).to_contain_text("48 hours")
    expect(rules).to_contain_text("14 days")
    audit.check("incidents: clocks")
    regimes = page.get_by_role("region", name="Reporting regimes")
    regimes.locator("summary", has_text="New regime").click()
    regimes.get_by_label(re.compile(r"^Code")).fill("pdpo-breach")
    regimes.get_by_label(re.compile(r"^Name \(English\)")).fill("Personal data breach (voluntary)")
    regimes.get_by_label(re.compile(r"^Name \(Chinese\)")).fill("個人資料外洩自願通報")
    regimes.get_by_label(re.compile(r"^Handling organisation")).select_option(str(desk.cert.pk))
    regimes.get_by_label(re.compile(r"^In force from")).fill("2026-12-01")
    audit.check("incidents: clocks, new regime form open")
    regimes.get_by_role("button", name="Save regime").click()
    expect(page.locator("main")).to_contain_text("The regime is saved. Add its clock rules below.")
    regime = ReportingRegime.objects.get(code="pdpo-breach")
    assert regime.handling_organisation_id == desk.cert.pk
    expect(page.get_by_role("region", name="Reporting regimes")).to_contain_text("Personal data breach")
    audit.check("incidents: clocks, regime created")

    page.get_by_role("link", name="Edit pdpo-breach").click()
    expect(page).to_have_url(re.compile(rf"/incidents/clocks/regimes/{regime.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit regime pdpo-breach")
    audit.check("incidents: edit regime")
    page.get_by_label(re.compile(r"^Name \(English\)")).fill("Personal data breach (voluntary notification)")
    page.get_by_role("button", name="Save regime").click()
    expect(page.locator("main")).to_contain_text("The regime is saved.")
    regime.refresh_from_db()
    assert regime.name_en == "Personal data breach (voluntary notification)"
    audit.check("incidents: regime saved")

    _switch_to_chinese(page)
    audit.visit("/incidents/clocks/", "incidents: clocks (Chinese)")
    expect(page.get_by_role("heading", level=1)).to_have_text("通報時限")
    expect(page.locator("main")).to_contain_text("Personal data breach (voluntary notification)")
    expect(page.locator("main table").last).to_contain_text("12 小時")
    expect(page.locator("main table").last).to_contain_text("關鍵基礎設施")
    page.locator("summary", has_text="新報告制度").click()
    expect(page.get_by_label(re.compile("^名稱.英文"))).to_be_visible()
    audit.check("incidents: clocks, new regime form open (Chinese)")
    audit.visit(f"/incidents/clocks/regimes/{regime.pk}/", "incidents: edit regime (Chinese)")
    audit.assert_clean()
    page_watch.assert_clean()


def test_a_red_incident_goes_to_named_people_and_a_colleague_not_named_finds_nothing(
    page: Any, page_watch: Any
) -> None:
    desk = desk_make()
    colleague = actor_make([Role.INCIDENT_HANDLER], organisation=desk.isp)  # not named
    audit = Audit(page)
    reporter = _person(desk.reporter)
    _signed_in(page, reporter, "/incidents/report/")
    _report(page, "Ransom note on the billing servers")
    page.get_by_label(re.compile(r"^TLP")).select_option("red")
    page.get_by_label(re.compile(r"^People who may see a TLP:RED report")).fill(desk.handler.user.email)
    audit.check("incidents: report form, TLP:RED")
    page.get_by_role("button", name="Submit report").click()
    expect(page.locator("main")).to_contain_text("submitted")
    incident = Incident.objects.get(title="Ransom note on the billing servers")
    expect(page.locator("main")).to_contain_text("Not stated")  # the reporter gave no impact figures
    named = page.get_by_role("region", name="Named people (TLP:RED)")
    expect(named).to_contain_text(desk.handler.user.email)
    expect(named).not_to_contain_text(desk.reporter_handler.user.email)
    audit.check("incidents: TLP:RED incident (reporter)")
    named.get_by_label(re.compile(r"^Name more people")).fill(desk.reporter_handler.user.email)
    named.get_by_role("button", name="Name them").click()
    expect(page.locator("main")).to_contain_text("The people named may now see this incident.")
    expect(page.get_by_role("region", name="Named people (TLP:RED)")).to_contain_text(
        desk.reporter_handler.user.email
    )
    audit.check("incidents: TLP:RED incident, one more named")
    _switch_to_chinese(page)
    named_zh = page.get_by_role("region", name=re.compile("TLP:RED"))
    expect(named_zh).to_contain_text(desk.reporter_handler.user.email)
    expect(page.locator("main")).to_contain_text("關鍵基礎設施")  # the regime's Chinese name
    expect(page.locator("main")).to_contain_text("未有說明")  # no impact given, rather than "?名用戶"
    expect(page.locator("main")).not_to_contain_text("?名用戶")
    expect(named_zh.get_by_role("button", name="加入指定人士")).to_be_visible()
    audit.check("incidents: TLP:RED incident (reporter, Chinese)")
    _sign_out(page)

    _signed_in(page, _person(desk.reporter_handler), "/incidents/")
    expect(page.locator("main")).to_contain_text("Ransom note on the billing servers")
    audit.visit(f"/incidents/{incident.pk}/", "incidents: TLP:RED incident (named colleague)")
    _sign_out(page)

    _signed_in(page, _person(colleague), "/incidents/")
    expect(page.locator("main")).not_to_contain_text("Ransom note on the billing servers")
    page_watch.expect_console_error("404")
    audit.visit(f"/incidents/{incident.pk}/", "incidents: TLP:RED incident (colleague not named)", status=404)
    _switch_to_chinese(page)
    audit.visit(f"/incidents/{incident.pk}/", "incidents: TLP:RED incident (not named, Chinese)", status=404)
    audit.assert_clean()
    page_watch.assert_clean()
