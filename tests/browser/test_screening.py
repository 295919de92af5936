"""Victim screening in a real browser, on the demo world: from an arrest to a shelter accepting a referral.

Every page on the way is checked with axe-core and for what the Content-Security-Policy forbids.
"""

from __future__ import annotations

import os
import re
from typing import Any

from playwright.sync_api import expect

from lionrock import demo
from lionrock.core.accounts.models import User
from lionrock.immigration.screening.models import (
    Case,
    Debriefing,
    Indicator,
    Presence,
    Referral,
    ServiceOffering,
)
from tests.browser import factories
from tests.browser.pages import accessibility_problems, page_hygiene_problems, sign_in

TRAFFICKED = {"DR-S1", "DR-M7", "EC-S1", "EC-M3", "CD-S1", "CD-S3"}


def _person(local: str) -> factories.Person:
    user = User.objects.get(email=f"{local}@lionrock.test")
    person = factories.Person(
        user=user,
        email=user.email,
        password=os.environ["LIONROCK_DEMO_PASSWORD"],
        organisation=user.memberships.first().organisation,
    )
    return factories.with_authenticator(person)


def _signed_in(page: Any, person: factories.Person, path: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sign_in(page, person, path=path)
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()


def _sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()


def _clean(page: Any, problems: list[str], name: str) -> None:
    page.wait_for_load_state("load")
    problems += [f"[{name}] {p}" for p in accessibility_problems(page) + page_hygiene_problems(page)]


def _interview(page: Any, minutes: str) -> None:
    page.get_by_label("Length of the interview (minutes)").fill(minutes)
    page.get_by_label("Breaks offered").fill("2")
    page.get_by_label("Breaks taken").fill("1")
    page.get_by_label(re.compile(r"^Where")).fill("Interview room 2")
    page.get_by_label("Language used").fill("Vietnamese")
    page.get_by_label("Interpreter (name or service)").fill("Contract interpreter")
    page.get_by_label("The person consented to the interview").check()
    page.get_by_label("The person was told their rights and the support available").check()


def _drafts_saved(page: Any) -> None:
    """Waits until the debriefing's saves-as-you-go have all come back (htmx marks the form meanwhile),
    so that the next navigation does not race them."""
    expect(page.locator("#debriefing-form.htmx-request")).to_have_count(0)


def _answer(page: Any, stage: str, present: set[str]) -> None:
    """Answers each question as asked so that only the `present` indicators are present."""
    for indicator in Indicator.objects.filter(checklist__is_active=True, stage=stage):
        value = indicator.answer_for(Presence.PRESENT if indicator.code in present else Presence.ABSENT)
        page.locator(f'input[name="answer_{indicator.code}"][value="{value}"]').check()


def test_an_arrested_worker_is_screened_identified_and_referred_to_a_shelter(
    page: Any, page_watch: Any, live_server: Any, monkeypatch: Any
) -> None:
    # Only the immigration side of the demo world is walked here; the cyber demo data is not needed.
    monkeypatch.setattr("lionrock.cyber.intel.demo.intel_demo_build", lambda **kwargs: 0)
    monkeypatch.setattr("lionrock.cyber.monitoring.demo.monitoring_demo_build", lambda **kwargs: 0)
    demo.demo_world_build(force=False, quiet=True)
    officer, supervisor, shelter = _person("screening"), _person("supervisor"), _person("shelter")
    case = Case.objects.get(owed__person__name_en="NGUYEN Van Hai")
    problems: list[str] = []

    _signed_in(page, officer, "/screening/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Victim screening")
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.get_by_text("NGUYEN")).to_have_count(0)
    _clean(page, problems, "queue")

    page.get_by_role("link", name=case.reference).click()
    # The reveal swaps the name in place once htmx has loaded; clicked before, the form posts to the
    # name's own page (the way without scripts), which has no case actions to follow.
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Reveal the name (audited)").click()
    expect(page.locator("#case-name")).to_contain_text("NGUYEN Van Hai")
    _clean(page, problems, "case")

    page.get_by_role("link", name="Record the initial screening").click()
    _clean(page, problems, "initial screening form")
    # The question as asked, with what each answer means for the indicator beside it.
    leave = page.locator("#indicator-IS-4")
    expect(leave).to_contain_text("Can you leave your workplace or where you live when you want?")
    expect(leave.get_by_label("No — indicator present")).to_be_visible()
    expect(leave.get_by_label("Yes — indicator absent")).to_be_visible()
    _interview(page, "35")
    _answer(page, "initial", {"IS-2"})
    page.get_by_role("button", name="Record the screening").click()
    expect(page.get_by_text("a full debriefing is required")).to_be_visible()

    debriefing = Debriefing.objects.get(case=case)
    page.get_by_role("link", name=f"Debriefing {debriefing.pk}").click()
    _clean(page, problems, "debriefing form")
    # What the initial screening established (documents kept) is filled in and marked as such.
    expect(page.locator("#indicator-CD-S1")).to_contain_text("From the initial screening")
    expect(page.locator('input[name="answer_CD-S1"][value="yes"]')).to_be_checked()
    # Saved as the officer goes: one answer is kept on the server without any button.
    page.locator('input[name="answer_DR-S1"][value="no"]').check()
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    _interview(page, "110")
    page.get_by_label("Labour exploitation").check()
    _answer(page, "debriefing", TRAFFICKED)
    _drafts_saved(page)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved. Nothing is submitted")).to_be_visible()
    page.reload()  # as after a timeout: everything entered is still there
    expect(page.locator('input[name="answer_DR-S1"][value="no"]')).to_be_checked()
    expect(page.get_by_label("Interpreter (name or service)")).to_have_value("Contract interpreter")
    page.get_by_label("Your decision").select_option("trafficking_labour")
    page.get_by_label("Reasons for the decision").fill(
        "Recruited for factory work; passport kept; cannot leave."
    )
    page.get_by_label("Reasons for the decision").blur()  # the change that is saved as you go
    _drafts_saved(page)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Recommendation"))).to_contain_text(
        "Victim of trafficking for labour exploitation"
    )
    expect(page.get_by_text("The trafficking rule is met")).to_be_visible()
    _clean(page, problems, "decision")
    _sign_out(page)

    _signed_in(page, supervisor, f"/screening/debriefings/{debriefing.pk}/")
    page.get_by_label("Approve the decision").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("h1")).to_contain_text("Approved")
    page.goto(f"/screening/cases/{case.reference}/")
    expect(page.locator("h1")).to_contain_text("Identified victim")
    page.get_by_label("Preferred language").fill("Vietnamese")
    page.get_by_role("button", name="Save", exact=True).click()
    shelter_offering = ServiceOffering.objects.get(organisation__slug="safe-harbour-shelter", kind="shelter")
    page.get_by_label("Service and provider").select_option(str(shelter_offering.pk))
    page.get_by_label("What the person needs from this service").fill("A safe bed for two weeks")
    page.get_by_label("The person consented to this referral").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent.")).to_be_visible()
    _clean(page, problems, "case with referral")
    _sign_out(page)

    referral = Referral.objects.get(case=case)
    _signed_in(page, shelter, "/screening/support/")
    _clean(page, problems, "provider referrals")
    page.get_by_role("link", name=f"Referral {referral.pk}").click()
    main = page.locator("main")
    expect(main).to_contain_text("NGUYEN Van Hai")
    expect(main).to_contain_text("Vietnamese")
    expect(main).to_contain_text("A safe bed for two weeks")
    for hidden in ("Contribute", case.reference, "VNM", "illegal"):
        expect(main).not_to_contain_text(hidden)
    _clean(page, problems, "provider referral")
    page.get_by_label("New state").select_option("accepted")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Accepted")

    assert not problems, "\n".join(problems)
    page_watch.assert_clean()
