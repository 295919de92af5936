"""Signing in with two-step verification, switching to Traditional Chinese, and signing out."""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser import factories
from tests.browser.pages import language_choose, sign_in


def _zh(message: str) -> str:
    with translation.override("zh-hant"):
        return translation.gettext(message)


def _language_cookie(page: Any) -> str | None:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "django_language"), None)


def test_first_sign_in_enrols_mfa_then_home_in_chinese_and_sign_out(page: Any, page_watch: Any) -> None:
    admin = factories.platform_admin()

    sign_in(page, admin)

    # No device yet: the policy requires one, so sign-in continues with enrolment.
    expect(page).to_have_url(re.compile(r"/mfa/enrol/"))
    expect(page.locator("html")).to_have_attribute("lang", "en-HK")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Six-digit code shown by the app").fill(factories.code_from_secret(secret))
    page.get_by_role("button", name="Confirm").click()

    # Recovery codes are shown once; they are the ones stored for the account.
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep your recovery codes")
    shown = page.locator("#recovery-codes li").all_inner_texts()
    assert len(shown) == 10
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=admin.user).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=admin.user).confirmed
    page.get_by_role("link", name=re.compile("I have kept them")).click()

    # The platform administrator's home page, in English.
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page).to_have_title("Home · Lionrock")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada Chan")
    english_panels = page.locator("main h2").all_inner_texts()
    assert sorted(english_panels) == ["Platform", "Your account", "Your organisation"]

    # Switch to Traditional Chinese with the language select in the top bar (it submits on change).
    language_choose(page, "zh-hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page).to_have_url(re.compile(r"/$"))
    assert _language_cookie(page) == "zh-hant"
    admin.user.refresh_from_db()
    assert admin.user.preferred_language == "zh-hant"

    # The choice sticks across a reload, and the page is the Chinese version of the same home page.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    expect(page.get_by_label(_zh("Language"))).to_have_value("zh-hant")
    expected_title = f"{_zh('Home')} · Lionrock"
    expect(page).to_have_title(expected_title)
    welcome = _zh("Welcome, %(name)s") % {"name": "Ada Chan"}
    expect(page.get_by_role("heading", level=1)).to_have_text(welcome)
    chinese_panels = page.locator("main h2").all_inner_texts()
    assert sorted(chinese_panels) == sorted([_zh("Your account"), _zh("Your organisation"), _zh("Platform")])
    if _zh("Home") != "Home":  # the catalog is compiled: the page really reads in Chinese
        assert expected_title != "Home · Lionrock"
        assert chinese_panels != english_panels
        assert re.search(r"[\u4e00-\u9fff]", page.locator("main").inner_text())

    # Sign out from the top bar; the sign-in page stays in Chinese and the session is gone.
    page.locator("header").get_by_role("button", name=_zh("Sign out")).click()
    expect(page).to_have_url(re.compile(r"/sign-in/"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/account/"))

    page_watch.assert_clean()


def test_sign_in_with_an_enrolled_authenticator(page: Any, page_watch: Any) -> None:
    person = factories.with_authenticator(factories.platform_admin(full_name="Bo Lam"))
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)

    sign_in(page, person, path="/account/")

    expect(page).to_have_url(re.compile(r"/mfa/\?next=%2Faccount%2F$"))
    code_field = page.get_by_label("Code from your authenticator app, or a recovery code")
    # Until the second step is passed, nothing else opens.
    page.goto("/audit/")
    expect(page).to_have_url(re.compile(r"/mfa/\?next=%2Faudit%2F$"))
    page.go_back()

    code_field.fill("000000" if factories.code_for(device) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".errorlist")).to_contain_text("not correct")

    # django-otp throttles a device for a second after a failure, as a person would take to retype.
    page.wait_for_timeout(1500)
    code_field.fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("Two-step sign-in is on")).to_be_visible()

    page_watch.assert_clean()


def test_recovery_code_signs_in_once(page: Any, page_watch: Any) -> None:
    person = factories.with_authenticator(factories.platform_admin(full_name="Cy Ho"))
    code = person.recovery_codes[0]

    sign_in(page, person)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Cy Ho")
    page.locator("header").get_by_role("button", name="Sign out").click()

    sign_in(page, person)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".errorlist")).to_contain_text("already been used")

    page_watch.assert_clean()
