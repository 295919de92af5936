# ruff: noqa: RUF001 -- the Chinese text on the pages uses full-width punctuation
"""Publishing in a real browser: a press officer drafts a release from an operation, edits and submits it;
a second press officer approves it; the public page and the Atom feed show it from the embargo time, in
English and in Chinese. Every page state on the way is checked with axe-core and for CSP violations.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lionrock.core.accounts import services as accounts
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.publishing.models import PressRelease, ReleaseVersion
from tests.browser import factories
from tests.browser.pages import accessibility_problems, language_choose, page_hygiene_problems, sign_in
from tests.publishing.factories import EMPLOYER, operation_with_arrests_make, workers


class Checked:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []

    def __call__(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        found = accessibility_problems(self.page) + page_hygiene_problems(self.page)
        self.problems += [f"[{name}] {problem}" for problem in found]

    def assert_none(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)


def _press_office() -> tuple[factories.Person, factories.Person, factories.Person]:
    """Two press officers (with MFA) and an enforcement officer of the department."""
    admin = factories.platform_admin()
    department = accounts.organisation_create(
        actor=actor_for_user(admin.user),
        slug="immigration",
        name_en="Immigration Department",
        name_zh="入境事務處",
        kind=Organisation.Kind.LAW_ENFORCEMENT,
    )
    as_admin = replace(admin, organisation=department)
    drafter = factories.member(
        as_admin,
        email="hoi-ching.yuen@immd.example.hk",
        full_name="Yuen Hoi-ching",
        roles=[Role.PRESS_OFFICER],
    )
    approver = factories.member(
        as_admin, email="hiu-kwan.lo@immd.example.hk", full_name="Lo Hiu-kwan", roles=[Role.PRESS_OFFICER]
    )
    officer = factories.member(
        as_admin,
        email="kin-fai.chow@immd.example.hk",
        full_name="Chow Kin-fai",
        roles=[Role.ENFORCEMENT_OFFICER],
    )
    return factories.with_authenticator(drafter), factories.with_authenticator(approver), officer


def _signed_in(page: Any, person: factories.Person, path: str) -> None:
    page.context.clear_cookies()
    sign_in(page, person, path=path)
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)
    page.get_by_label("Code from your authenticator app").fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()


def _chinese(page: Any) -> None:
    page.wait_for_load_state("load")
    language_choose(page, "zh-hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")


def test_a_release_goes_from_draft_to_the_public_page_and_feed_at_its_embargo_time(
    page: Any, page_watch: Any
) -> None:
    drafter, approver, officer = _press_office()
    operation = operation_with_arrests_make(
        day=date(2026, 1, 15),
        people=[*workers(6, first_age=22, step=3), (EMPLOYER, "M", 45, ("s17i",))],
        officer=actor_for_user(officer.user),
    )
    embargo = timezone.localtime() + timedelta(hours=2)
    checked = Checked(page)

    # The drafter generates the draft from the operation, with an embargo two hours ahead.
    _signed_in(page, drafter, "/publishing/")
    page.get_by_role("link", name="New release from a record").click()
    checked("new release")
    page.get_by_label("Announce").select_option(f"operation:{operation.pk}")
    page.get_by_label("Release at (Hong Kong time)").fill(embargo.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Place as the release gives it (English)").fill(
        "premises under renovation in a newly built public housing estate in Sheung Shui"
    )
    page.get_by_label("Place as the release gives it (Chinese)").fill("上水一個新落成公共屋邨內裝修中的單位")
    page.get_by_role("button", name="Generate the draft").click()
    expect(
        page.get_by_role("heading", name="Seven persons arrested during anti-illegal worker operation")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="入境事務處打擊非法勞工拘捕七人")).to_be_visible()
    expect(page.locator("a.fact").first).to_be_visible()
    checked("draft")

    # Edits the English title, then submits.
    page.get_by_role("link", name="Edit the text").click()
    checked("edit")
    page.get_by_label("Title (English)").fill(
        "Seven persons arrested in Sheung Shui anti-illegal worker operation"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval by a second press officer.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve for publication")).to_have_count(0)
    _chinese(page)
    checked("submitted, in Chinese")

    # The second press officer approves; nothing is public before the embargo.
    _signed_in(page, approver, "/publishing/")
    release = PressRelease.objects.get()
    page.get_by_role("link", name=release.reference).click()
    page.get_by_role("button", name="Approve for publication").click()
    expect(page.get_by_text(re.compile(r"Approved: version 1 is public from"))).to_be_visible()
    checked("approved")

    page.context.clear_cookies()
    page.goto("/press/?lang=en")
    expect(page.get_by_text("Nothing has been published yet.")).to_be_visible()
    feed = page.request.get("/press/feed/en.atom").text()
    assert "Sheung Shui" not in feed

    # The embargo time comes (the clock is moved, not waited for): page and feeds show the release.
    ReleaseVersion.objects.update(published_at=timezone.now() - timedelta(seconds=1))
    page.goto("/press/?lang=en")
    page.get_by_role(
        "link", name="Seven persons arrested in Sheung Shui anti-illegal worker operation"
    ).click()
    expect(page.locator("article")).to_contain_text("six men, aged 22 to 37")
    expect(page.locator("article")).to_contain_text("$500,000 and 10 years' imprisonment")
    checked("public release, English")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("article")).to_contain_text("六男，年齡介乎22至37歲")
    _chinese(page)
    checked("public release, Chinese")
    page.goto("/press/")
    checked("public index, Chinese")
    assert "Sheung Shui anti-illegal worker operation" in page.request.get("/press/feed/en.atom").text()
    assert "入境事務處打擊非法勞工拘捕七人" in page.request.get("/press/feed/zh-hant.atom").text()
    page.goto("/statistics/")
    checked("statistics, Chinese")

    checked.assert_none()
    page_watch.assert_clean()
