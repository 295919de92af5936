"""axe-core (WCAG 2 A and AA) on the main pages, and what the Content-Security-Policy demands of them.

Every page visited is checked for: serious or critical axe violations; references to another host;
inline scripts, inline styles or event-handler attributes (the CSP refuses them); console errors (a CSP
refusal is one) and script errors; and any request leaving the test server.
"""

from __future__ import annotations

import re
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser import factories
from tests.browser.pages import accessibility_problems, language_choose, page_hygiene_problems, sign_in


class Audit:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.visited: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.visited.append(name)
        self.problems += [f"[{name}] {p}" for p in accessibility_problems(self.page)]
        self.problems += [f"[{name}] {p}" for p in page_hygiene_problems(self.page)]

    def visit(self, path: str, name: str, *, status: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == status, f"{path}: {response and response.status}"
        self.check(name)


def test_main_pages_are_accessible_and_keep_to_the_csp(page: Any, page_watch: Any, live_server: Any) -> None:
    admin = factories.platform_admin()
    factories.member(admin, email="wing.ho@ops.example.hk", full_name="Wing Ho", roles=["intel_analyst"])
    audit = Audit(page)

    audit.visit("/sign-in/", "sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill("not the password")
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("The email address or password is not correct.")).to_be_visible()
    audit.check("sign-in, wrong password")

    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/mfa/enrol/"))
    audit.check("MFA enrolment")
    page.get_by_label("Six-digit code shown by the app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".errorlist")).to_be_visible()
    audit.check("MFA enrolment, wrong code")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.wait_for_timeout(1100)  # django-otp throttles the device for a second after a failure
    page.get_by_label("Six-digit code shown by the app").fill(factories.code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    audit.check("recovery codes")
    page.get_by_role("link", name=re.compile("I have kept them")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    audit.check("home")

    slug = admin.organisation.slug
    audit.visit("/account/", "account")
    audit.visit("/account/password/", "password change")
    audit.visit("/account/tokens/", "API tokens")
    audit.visit("/organisations/", "organisations")
    audit.visit(f"/organisations/{slug}/", "organisation members")
    membership_id = admin.organisation.memberships.get(user__email="wing.ho@ops.example.hk").pk
    audit.visit(f"/organisations/{slug}/members/{membership_id}/", "member")
    audit.visit(f"/organisations/{slug}/edit/", "organisation details")
    audit.visit("/audit/", "audit trail")
    page_watch.expect_console_error("404")
    audit.visit("/no-such-page/", "not found", status=404)

    # Sign out, and back in with the enrolled device: the second-step page.
    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    audit.check("signed out")
    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/mfa/"))
    audit.check("MFA verification")
    device = TOTPDevice.objects.get(user=admin.user)
    page.get_by_label("Code from your authenticator app").fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # The same pages in Traditional Chinese (html lang changes; fonts and layout must still pass).
    page.goto("/")
    language_choose(page, "zh-hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    audit.check("home (zh-Hant)")
    audit.visit(f"/organisations/{slug}/", "organisation members (zh-Hant)")
    audit.visit("/audit/", "audit trail (zh-Hant)")

    assert not audit.problems, f"{len(audit.problems)} problem(s):\n" + "\n".join(audit.problems)
    page_watch.assert_clean()


def test_audit_filter_works_in_place_under_the_csp(page: Any, page_watch: Any) -> None:
    """htmx swaps the filtered table in and pushes the URL, with no eval and no inline script."""
    admin = factories.with_authenticator(factories.platform_admin())
    sign_in(page, admin, path="/audit/")
    device = TOTPDevice.objects.get(user=admin.user)
    page.get_by_label("Code from your authenticator app").fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    rows_before = page.locator("#audit-results tbody tr").count()
    assert rows_before > 1

    page.evaluate("window.__notReloaded = true")
    page.get_by_label("Action starts with").fill("accounts.mfa.verify")
    page.locator("form.filters").get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action=accounts\.mfa\.verify"))
    expect(page.locator("#audit-results tbody tr")).to_have_count(1)
    expect(page.locator("#audit-results tbody")).to_contain_text("accounts.mfa.verify")
    assert page.evaluate("window.__notReloaded") is True, "the filter reloaded the page instead of swapping"
    assert not page_hygiene_problems(page)

    response = page.request.get("/audit/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp

    page_watch.assert_clean()


def test_keyboard_reaches_main_content_with_visible_focus(page: Any, page_watch: Any) -> None:
    admin = factories.with_authenticator(factories.platform_admin())
    sign_in(page, admin)
    page.get_by_label("Code from your authenticator app").fill(
        factories.code_for(TOTPDevice.objects.get(user=admin.user))
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    assert _outline(page) != "none", "no visible focus indicator on the skip link"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Everything interactive in the top bar and the navigation is reachable, each with a focus ring.
    page.goto("/")
    reached: list[str] = []
    for _ in range(30):  # until focus leaves the document after the last control
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
        assert _outline(page) != "none", f"no visible focus on {reached[-1]!r}"
    for label in ("Lionrock", "language-select", "Switch", "Ada Chan", "Sign out", "Home", "Organisation"):
        assert label in reached, f"{label!r} not reachable by keyboard (reached {reached})"

    page_watch.assert_clean()


def _outline(page: Any) -> str:
    return str(
        page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return s.outlineStyle === 'none' || s.outlineWidth === '0px' ? 'none' : s.outlineStyle; })()"
        )
    )


def test_axe_runs_from_disk_and_catches_a_broken_page(page: Any, page_watch: Any) -> None:
    """The checker itself: it needs no network and does report what it should."""
    page.set_content('<html><body><img src="data:,"><input type="text"></body></html>')
    found = accessibility_problems(page)
    assert any("image-alt" in p for p in found) and any(" label " in p for p in found), found
    assert not page_watch.foreign_requests
