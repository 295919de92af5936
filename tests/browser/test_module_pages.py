"""The pages of threat intelligence, import/export, monitoring and immigration enforcement in a real browser.

Each test builds the demo world (through the services, as `lionrock demo` does), walks one realistic flow
and visits the module's main pages on the way. Every page is checked with axe-core (WCAG 2 A/AA, serious
or critical fail) and for what the Content-Security-Policy forbids: inline script or style, event-handler
attributes, references to other hosts; the page watch fails the test on console errors (a CSP refusal is
one), script errors and requests leaving the test server.
"""

from __future__ import annotations

import os
import re
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lionrock import demo
from lionrock.core.accounts.models import User
from lionrock.cyber.exchange.models import ImportRun
from lionrock.cyber.intel.demo import _id as intel_demo_id
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.monitoring import tasks as monitoring_tasks
from lionrock.cyber.monitoring.models import MatchRun
from lionrock.immigration.enforcement.models import Operation, Person, Report
from tests.browser import factories
from tests.browser.pages import accessibility_problems, page_hygiene_problems, sign_in
from tests.cyber.monitoring.factories import zeek_dns_log


class Audit:
    """Collects the accessibility and CSP problems of every page visited; asserted once at the end."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        found = accessibility_problems(self.page) + page_hygiene_problems(self.page)
        self.problems += [f"[{name}] {problem}" for problem in found]

    def visit(self, path: str, name: str, *, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == status, f"{path}: {response and response.status}"
        self.check(name)

    def assert_clean(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)


def _demo_person(local: str) -> factories.Person:
    user = User.objects.get(email=demo.demo_email(local))
    person = factories.Person(
        user=user,
        email=user.email,
        password=os.environ["LIONROCK_DEMO_PASSWORD"],
        organisation=user.memberships.first().organisation,
    )
    return factories.with_authenticator(person)


def _signed_in(page: Any, person: factories.Person, path: str) -> None:
    sign_in(page, person, path=path)
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def _demo_world() -> None:
    demo.demo_world_build(force=False, quiet=True)


def test_analyst_shares_an_indicator_and_finds_it_by_its_value(page: Any, page_watch: Any) -> None:
    """Threat intelligence and import/export pages, with an indicator written from a single value."""
    _demo_world()
    analyst = _demo_person("cert")  # GovCERT's analyst: owns the demo's richest collection
    audit = Audit(page)

    _signed_in(page, analyst, "/intel/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Threat intelligence")
    audit.check("intel: browse")

    # New indicator from one value: the pattern is written by the form.
    page.locator("main").get_by_role("link", name="New indicator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New indicator")
    audit.check("intel: new indicator")
    page_watch.expect_console_error("400")  # the refused form answers 400 Bad Request
    page.get_by_role("button", name="Share indicator").click()  # empty: every required field is refused
    expect(page.get_by_text("Nothing was saved. Correct the fields marked below.")).to_be_visible()
    audit.check("intel: new indicator, refused")
    page.get_by_label(re.compile(r"^Name:?$")).fill("Fake MTR refund page")
    page.get_by_label("Kind of value").select_option("domain-name")
    page.get_by_label(re.compile(r"^Value:?$")).fill("mtr-refund.example.net")
    page.get_by_label("Labels").fill("phishing, transport")
    page.get_by_label(re.compile(r"^Collection:?$")).select_option("major-events-watch")
    page.get_by_role("button", name="Share indicator").click()
    expect(page.get_by_text("Indicator “Fake MTR refund page” shared.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fake MTR refund page")
    expect(page.locator("main")).to_contain_text("[domain-name:value = 'mtr-refund.example.net']")
    audit.check("intel: object (new indicator)")
    stored = StixObject.objects.get(type="indicator", raw__contains="mtr-refund.example.net")

    # Search by the value, in place (htmx), and find it; an unrelated value does not.
    page.goto("/intel/")
    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Value or text").fill("mtr-refund.example.net")
    page.locator("form.filters").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=mtr-refund\.example\.net"))
    results = page.locator("#object-results")
    expect(results.get_by_role("link", name="Fake MTR refund page")).to_be_visible()
    expect(results).not_to_contain_text("Harbour Rat")
    assert page.evaluate("window.__notReloaded") is True, "the search reloaded the page instead of swapping"
    audit.check("intel: search results")
    results.get_by_role("link", name="Fake MTR refund page").click()
    expect(page).to_have_url(re.compile(re.escape(f"/intel/objects/{stored.stix_id}/")))

    # The demo's richest object: versions, a relationship, a sighting and the report citing it.
    audit.visit(f"/intel/objects/{intel_demo_id('indicator', 'botnet-c2')}/", "intel: object (demo)")
    audit.visit(f"/intel/objects/{intel_demo_id('indicator', 'botnet-c2')}/edit/", "intel: edit indicator")
    audit.visit("/intel/reports/new/", "intel: new report")
    audit.visit("/intel/collections/", "intel: collections")
    audit.visit("/intel/collections/govcert-indicators/", "intel: collection")
    audit.visit("/intel/collections/new/", "intel: new collection")
    audit.visit("/intel/groups/", "intel: sharing groups")

    # Import wizard: upload a text list, preview what would be created, confirm.
    audit.visit("/exchange/", "exchange: import and export")
    blocklist = b"203.0.113.9\nbad.example.org\n"
    page.get_by_label(re.compile(r"^File:?$")).set_input_files(
        files=[{"name": "blocklist.txt", "mimeType": "text/plain", "buffer": blocklist}]
    )
    page.get_by_label("Into collection").select_option("major-events-watch")
    page.get_by_role("button", name="Read file and preview").click()
    expect(page).to_have_url(re.compile(r"/exchange/imports/[0-9a-f-]+/$"))
    expect(page.locator("main")).to_contain_text("bad.example.org")
    audit.check("exchange: import preview")
    run = ImportRun.objects.get(filename="blocklist.txt")
    assert run.status == ImportRun.Status.DRAFT
    audit.visit("/exchange/feeds/", "exchange: feeds")
    audit.visit("/exchange/export/?format=list", "exchange: export refused", status=400)
    page_watch.expect_console_error("400")

    audit.assert_clean()
    page_watch.assert_clean()


def test_operator_uploads_a_dns_log_and_the_run_page_follows_it_to_done(
    page: Any, page_watch: Any, monkeypatch: Any
) -> None:
    """Monitoring pages; the run page polls (htmx) while the worker matches the log, and stops when done."""
    _demo_world()
    operator = _demo_person("watch")  # intelligence analyst and monitoring operator at the policy office
    audit = Audit(page)

    # The task is queued, not run within the upload request: the run page must see it start and finish.
    queued: list[str] = []
    monkeypatch.setattr("lionrock.cyber.monitoring.services._enqueue", lambda run: queued.append(str(run.pk)))

    _signed_in(page, operator, "/monitoring/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main svg")).to_have_count(1)
    audit.check("monitoring: dashboard")
    booter = intel_demo_id("indicator", "booter")
    audit.visit(f"/monitoring/indicators/{booter}/", "monitoring: indicator")
    audit.visit("/monitoring/watched/", "monitoring: watched directories")

    audit.visit("/monitoring/runs/", "monitoring: runs")
    parcel_domain = "hk-parcel-delivery.example.net"  # a demo indicator shared with the policy office
    log = zeek_dns_log(["www.example.com", parcel_domain, parcel_domain])
    page.get_by_label("Log files").set_input_files(
        files=[{"name": "dns.log", "mimeType": "text/plain", "buffer": log}]
    )
    page.get_by_label("Store sightings in").select_option(label="Stakeholder sightings")
    page.get_by_role("button", name="Upload and match").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Match run")
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text("queued")
    expect(page.get_by_role("status").filter(has_text="Match run")).to_have_count(0)  # nothing to say yet
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    audit.check("monitoring: run (queued)")

    # The worker runs the task (Huey runs it in this process in the tests); the page catches up by itself.
    page.evaluate("window.__notReloaded = true")
    assert len(queued) == 1
    monitoring_tasks.match_run_execute(queued[0])
    run = MatchRun.objects.get(pk=queued[0])
    assert run.status == MatchRun.Status.DONE, (run.status, run.error, run.summary)
    assert (run.hits, run.sightings) == (2, 1)
    expect(progress).to_contain_text("done", timeout=10_000)
    expect(progress).to_contain_text("2 hits")
    expect(progress).to_contain_text("1 sightings stored")
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("."))  # polling stops once finished
    # Screen readers hear the outcome from a status region that stays in place while the card is swapped.
    announcement = page.get_by_role("status").filter(has_text="Match run")
    expect(announcement).to_have_text("Match run: done · 2 hits · 1 sightings stored")
    assert page.evaluate("window.__notReloaded") is True, "the run page reloaded instead of swapping"
    audit.check("monitoring: run (done)")

    parcel = intel_demo_id("indicator", "parcel-phish")
    audit.visit(f"/monitoring/indicators/{parcel}/", "monitoring: indicator with the run's sighting")

    audit.assert_clean()
    page_watch.assert_clean()


def test_a_member_of_the_public_reports_and_an_officer_finds_the_report(page: Any, page_watch: Any) -> None:
    """The public report form and status page (no account), then the officers' enforcement pages."""
    _demo_world()
    audit = Audit(page)

    audit.visit("/report/", "public: report form")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    audit.check("public: report form, refused")
    page_watch.expect_console_error("400")
    page.get_by_label("Someone working illegally").check()
    page.get_by_label("Describe what you saw").fill(
        "Six people working in the kitchen at night; the owner said they have no papers."
    )
    page.get_by_label(re.compile(r"^Address:?$")).fill("Shop 3, 12 Temple Street")
    page.get_by_label("District").select_option("yau_tsim_mong")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Thank you. Your report has been received.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/report/status/[A-Z0-9-]+/$"))
    reference = page.locator("dd.secret").inner_text().strip()
    report = Report.objects.get(reference=reference)
    assert report.channel == Report.Channel.ONLINE
    audit.check("public: report status")
    audit.visit("/report/status/", "public: status lookup")
    page.get_by_label("Reference number").fill(reference)
    page.get_by_role("button", name="Check status").click()
    expect(page.locator("dd.secret")).to_have_text(reference)
    page_watch.expect_console_error("404")
    audit.visit("/report/status/IR-NOT-THERE/", "public: status, unknown reference", status=404)

    officer = _demo_person("officer")
    _signed_in(page, officer, "/enforcement/reports/")
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    audit.check("enforcement: report queue")
    page.get_by_role("link", name=reference).click()
    expect(page.locator("main")).to_contain_text("Temple Street")
    audit.check("enforcement: report")
    audit.visit("/enforcement/reports/new/", "enforcement: log a report")
    audit.visit("/enforcement/operations/", "enforcement: operations")
    operation = Operation.objects.order_by("pk").first()
    assert operation is not None
    audit.visit(f"/enforcement/operations/{operation.pk}/", "enforcement: operation")
    audit.visit("/enforcement/operations/new/", "enforcement: new operation")
    person = Person.objects.order_by("pk").first()
    assert person is not None
    audit.visit(f"/enforcement/persons/{person.pk}/", "enforcement: person")
    audit.visit("/enforcement/screening-owed/", "enforcement: awaiting screening")
    audit.visit("/enforcement/offences/", "enforcement: offences")
    audit.visit("/enforcement/statistics/", "enforcement: statistics")

    audit.assert_clean()
    page_watch.assert_clean()
