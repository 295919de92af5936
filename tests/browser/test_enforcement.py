# ruff: noqa: RUF001 -- the Chinese text on the pages uses full-width punctuation
"""Immigration enforcement in a real browser: a report from the public in Chinese, then the officers' work.

A member of the public reports in Traditional Chinese and sees the reference and a coarse status, never
what they wrote. An officer triages such a report and another, plans an operation at two premises, records
its execution and three arrests with offences from the catalogue, finds the arrested workers owed a
screening, and reads the operation's summary in English and in Chinese. Every page state on the way is
checked with axe-core and for what the Content-Security-Policy forbids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lionrock.core.accounts import services as accounts
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.immigration.enforcement import services as enforcement
from lionrock.immigration.enforcement.models import Report
from tests.browser import factories
from tests.browser.pages import accessibility_problems, language_choose, page_hygiene_problems, sign_in

REPORTER_NAME = "陳大文"
REPORTER_PHONE = "9123 4567"
REPORT_ADDRESS = "長沙灣道 300 號地下"
WAREHOUSE_ADDRESS = "葵涌貨櫃碼頭路 8 號 5 樓"
REPORT_DESCRIPTION = "每晚有三名工人在店內洗碗，沒有人講廣東話。"
SCREENING_OWED = "This person is owed an initial trafficking and forced-labour screening."


@dataclass(frozen=True)
class Arrested:
    """Someone arrested, as the officer enters them on the arrest form (by default a worker)."""

    name: str
    status: str
    work: str
    premises: str
    offences: tuple[str, ...]
    role: str = "Suspected illegal worker"
    owed: bool = True
    sex: str = "Male"
    nationality: str = "VNM"
    born: date | None = None
    age: int | None = None
    name_zh: str = ""


class Checked:
    """axe-core and CSP findings for every page state the test names."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []

    def __call__(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        found = accessibility_problems(self.page) + page_hygiene_problems(self.page)
        self.problems += [f"[{name}] {problem}" for problem in found]

    def assert_none(self) -> None:
        assert not self.problems, f"{len(self.problems)} problem(s):\n" + "\n".join(self.problems)


def _department() -> factories.Person:
    """The immigration department, whose queue receives the public form: an officer (with MFA) and a
    colleague to hand reports to."""
    admin = factories.platform_admin()
    department = accounts.organisation_create(
        actor=actor_for_user(admin.user),
        slug="immigration",
        name_en="Immigration Department",
        kind=Organisation.Kind.LAW_ENFORCEMENT,
    )
    as_department_admin = replace(admin, organisation=department)
    officer = factories.member(
        as_department_admin,
        email="ka-ming.wong@immd.example.hk",
        full_name="Wong Ka-ming",
        roles=[Role.ENFORCEMENT_OFFICER],
    )
    factories.member(
        as_department_admin,
        email="siu-fan.lee@immd.example.hk",
        full_name="Lee Siu-fan",
        roles=[Role.ENFORCEMENT_OFFICER],
    )
    return factories.with_authenticator(officer)


def _signed_in(page: Any, person: factories.Person, path: str) -> None:
    sign_in(page, person, path=path)
    device = TOTPDevice.objects.get(user=person.user, confirmed=True)
    page.get_by_label("Code from your authenticator app").fill(factories.code_for(device))
    page.get_by_role("button", name="Continue").click()


def _switch_to_chinese(page: Any) -> None:
    """Chooses 繁體中文 in the top bar; the list sends itself once the page's script has loaded."""
    page.wait_for_load_state("load")
    language_choose(page, "zh-hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-HK")


def _summary(page: Any, heading: str = "Summary") -> Any:
    return page.get_by_role("region", name=heading).locator("p").first


def _born(age: int) -> date:
    """A date of birth that makes the person `age` today, half a year away from a birthday."""
    today = timezone.localdate()
    return date(today.year - age - 1, today.month, min(today.day, 28)) + timedelta(days=182)


def _local(minutes_ago: int) -> str:
    """What a datetime-local field holds, so many minutes before now in Hong Kong."""
    return (timezone.localtime() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def test_a_member_of_the_public_reports_in_chinese_and_sees_only_the_status(
    page: Any, page_watch: Any
) -> None:
    _department()
    checked = Checked(page)

    page.goto("/report/")
    _switch_to_chinese(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("舉報違反入境法例的罪行")
    expect(page.locator("a.brand")).to_have_text("入境事務處")
    expect(page.locator("a.brand")).to_have_attribute("href", "/public/")
    expect(page.get_by_role("link", name="3861 5000")).to_have_attribute("href", "tel:+85238615000")
    checked("report form (zh-Hant)")

    # A first try without the address is refused, keeping what was written.
    page.get_by_label("有人非法工作").check()
    page.get_by_label("描述你所見的情況").fill(REPORT_DESCRIPTION)
    page_watch.expect_console_error("400")
    page.get_by_role("button", name="提交舉報").click()
    expect(page.locator(".errorlist")).to_have_count(1)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_address")
    expect(page.get_by_label("描述你所見的情況")).to_have_value(REPORT_DESCRIPTION)
    assert not Report.objects.exists()
    checked("report form with an error (zh-Hant)")

    page.get_by_label("地址").fill(REPORT_ADDRESS)
    page.get_by_label("地區").select_option(label="深水埗區")
    page.get_by_label("處所類別").select_option(label="食肆或熟食檔")
    page.get_by_label("目擊日期").fill(timezone.localdate().isoformat())
    page.get_by_label("你的姓名（選填）").fill(REPORTER_NAME)
    page.get_by_label("聯絡電話或電郵（選填）").fill(REPORTER_PHONE)
    page.get_by_role("button", name="提交舉報").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("舉報狀況")
    expect(page.get_by_text("多謝。我們已收到你的舉報。")).to_be_visible()
    report = Report.objects.get()
    assert report.language == "zh-hant" and report.reporter_contact == REPORTER_PHONE
    main = page.locator("main")
    expect(main.locator("dd").first).to_have_text(report.reference)
    expect(main).to_contain_text("已接獲")
    for private in (REPORTER_NAME, REPORTER_PHONE, REPORT_ADDRESS, REPORT_DESCRIPTION, "深水埗"):
        expect(main).not_to_contain_text(private)
    checked("status after sending (zh-Hant)")

    # Later, from the link on the form: the reference typed by hand, in lower case, finds the report.
    page.goto("/report/")
    page.get_by_role("link", name="查詢已提交舉報的狀況").click()
    page.get_by_label("參考編號").fill(report.reference.lower())
    page.get_by_role("button", name="查詢狀況").click()
    expect(main.locator("dd").first).to_have_text(report.reference)
    expect(main).to_contain_text("已接獲")

    page_watch.expect_console_error("404")
    page.get_by_label("參考編號").fill("IR-AAAAA-AAAAA")
    page.get_by_role("button", name="查詢狀況").click()
    expect(page.get_by_role("alert")).to_have_text("沒有舉報使用此參考編號。請核對後再試。")
    checked("status, unknown reference (zh-Hant)")

    page.locator("a.brand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("入境事務處")
    checked("public start page (zh-Hant)")

    checked.assert_none()
    page_watch.assert_clean()


def test_an_officer_triages_reports_and_records_an_operation_with_its_arrests(
    page: Any, page_watch: Any
) -> None:
    officer = _department()
    department = Organisation.objects.get(slug="immigration")
    restaurant = enforcement.report_submit(
        organisation=department,
        details=enforcement.ReportDetails(
            category=Report.Category.ILLEGAL_WORK,
            description=REPORT_DESCRIPTION,
            address=REPORT_ADDRESS,
            district="sham_shui_po",
            reporter_name=REPORTER_NAME,
            reporter_contact=REPORTER_PHONE,
            language="zh-hant",
        ),
        files=[],
        submitter_address="203.0.113.7",
        submission_key="first",
    )
    vague = enforcement.report_submit(
        organisation=department,
        details=enforcement.ReportDetails(
            category=Report.Category.OTHER, description="Something odd in Mong Kok.", address="Mong Kok"
        ),
        files=[],
        submitter_address="203.0.113.8",
        submission_key="second",
    )
    checked = Checked(page)

    # Triage: the Chinese report is assigned, raised to high priority and linked to a new operation.
    _signed_in(page, officer, "/enforcement/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    checked("triage queue")
    page.get_by_role("link", name=restaurant.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(restaurant.reference)
    expect(page.locator("main")).to_contain_text(REPORT_DESCRIPTION)
    expect(page.locator("main")).not_to_contain_text(REPORTER_PHONE)
    checked("report")
    page.get_by_label("Assign to").select_option(label="Lee Siu-fan")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".lede")).to_contain_text("Assigned to: Lee Siu-fan")
    page.get_by_label("Priority").select_option(label="High")
    page.get_by_role("button", name="Set priority").click()
    expect(page.locator(".lede")).to_contain_text("Priority: High")

    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Operations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Operations")
    checked("operations")
    page.get_by_role("link", name="Plan an operation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an operation")
    checked("plan an operation")
    page.get_by_label("Codename").fill("Lamplight")
    page.get_by_label("Type:", exact=True).select_option(label="Anti-illegal-worker operation")
    planned = timezone.localtime() - timedelta(hours=3)
    page.get_by_label("Planned start").fill(f"{planned:%Y-%m-%dT%H:%M}")
    page.get_by_label("Lee Siu-fan").check()
    page.get_by_label("Leaflets").check()
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Operation Lamplight planned.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planned")

    page.goto(f"/enforcement/reports/{restaurant.reference}/")
    page.get_by_label("Operation:", exact=True).select_option(label=f"Lamplight ({planned:%Y-%m-%d})")
    page.get_by_role("button", name="Link to operation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Linked to an operation")
    history = page.get_by_role("table", name="History of the report").locator("tbody tr")
    expect(history).to_have_count(4)
    expect(history.nth(0)).to_contain_text("Received")
    expect(history.nth(1)).to_contain_text("Lee Siu-fan")
    expect(history.nth(2)).to_contain_text("Normal → High")
    expect(history.nth(3)).to_contain_text("Lamplight")
    for row in range(1, 4):
        expect(history.nth(row)).to_contain_text("Wong Ka-ming")
    checked("report linked")

    # The other report is closed with an outcome, which its history keeps.
    page.goto(f"/enforcement/reports/{vague.reference}/")
    page.get_by_label("Outcome").select_option(label="Not enough information to act")
    page.get_by_label("Reason (optional)").fill("No address to visit.")
    page.get_by_role("button", name="Close report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not enough information to act")
    expect(page.get_by_role("table", name="History of the report")).to_contain_text(
        "Not enough information to act: No address to visit."
    )
    checked("report closed")

    # The operation: two premises, then its execution, then three arrests.
    page.goto(f"/enforcement/reports/{restaurant.reference}/")
    page.locator("main").get_by_role("link", name="Lamplight").click()
    premises = [
        (REPORT_ADDRESS, "Sham Shui Po", "Restaurant or food stall", "Lucky Noodles"),
        (WAREHOUSE_ADDRESS, "Kwai Tsing", "Warehouse or logistics", ""),
    ]
    for address, district, kind, business in premises:
        form = page.locator("form", has=page.get_by_role("button", name="Add premises"))
        form.get_by_label("Address").fill(address)
        form.get_by_label("District").select_option(label=district)
        form.get_by_label("Type of premises").select_option(label=kind)
        form.get_by_label("Business name").fill(business)
        form.get_by_label("Visited at").fill(_local(60))
        form.get_by_role("button", name="Add premises").click()
        expect(page.get_by_role("table", name="Premises visited")).to_contain_text(address)
        expect(page.get_by_text("Premises added.")).to_be_visible()
    expect(page.get_by_role("table", name="Premises visited").locator("tbody tr")).to_have_count(2)
    status_form = page.locator("form", has=page.get_by_role("button", name="Change status"))
    expect(status_form.get_by_label("Status:", exact=True)).to_have_value("planned")
    status_form.get_by_label("Status:", exact=True).select_option(label="Executed")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Executed")
    expect(page.locator(".lede")).to_contain_text("Executed:")
    expect(status_form.get_by_label("Status:", exact=True)).to_have_value("executed")
    current = page.locator("nav.mainnav [aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Operations")
    checked("operation executed")

    arrests = [
        Arrested(
            name="NGUYEN Van Hai",
            born=_born(22),
            status="Illegal immigrant",
            work="Catering",
            premises=REPORT_ADDRESS,
            offences=("s.38AA",),
        ),
        Arrested(
            name="TRAN Minh Duc",
            age=41,
            status="Overstayer",
            work="Logistics or warehouse",
            premises=WAREHOUSE_ADDRESS,
            offences=("s.38AA",),
        ),
        Arrested(
            name="CHAN Mei-ling",
            name_zh="陳美玲",
            sex="Female",
            age=35,
            nationality="CHN",
            status="Hong Kong resident",
            role="Suspected employer",
            work="Not applicable",
            premises=REPORT_ADDRESS,
            offences=("s.17I", "s.17J"),
            owed=False,
        ),
    ]
    rows = page.get_by_role("table", name="Arrests").locator("tbody tr")
    for recorded, arrest in enumerate(arrests, start=1):
        form = page.locator("form", has=page.get_by_role("button", name="Record arrest"))
        form.get_by_label("Name (English)").fill(arrest.name)
        form.get_by_label("Name (Chinese)").fill(arrest.name_zh)
        form.get_by_label("Sex").select_option(label=arrest.sex)
        if arrest.born:
            form.get_by_label("Date of birth:", exact=True).fill(arrest.born.isoformat())
        else:
            form.get_by_label("Age (if no date of birth)").fill(str(arrest.age))
        form.get_by_label("Nationality").fill(arrest.nationality)
        form.get_by_label("Immigration status").select_option(label=arrest.status)
        form.get_by_label("Role").select_option(label=arrest.role)
        form.get_by_label("Work:", exact=True).select_option(label=arrest.work)
        form.get_by_label("Premises").select_option(label=arrest.premises)
        form.get_by_label("Arrested at").fill(_local(30))
        for section in arrest.offences:
            form.get_by_role("checkbox", name=re.compile(rf"^{re.escape(section)}: ")).check()
        form.get_by_role("button", name="Record arrest").click()
        expect(rows.filter(has_text=arrest.name)).to_have_count(1)
        expect(rows).to_have_count(recorded)
        expect(page.get_by_text("Arrest recorded.")).to_be_visible()
        expect(page.get_by_text(SCREENING_OWED)).to_have_count(1 if arrest.owed else 0)
    checked("operation with arrests")

    for arrest in arrests:
        row = rows.filter(has_text=arrest.name)
        expect(row.locator("td").nth(3)).to_have_text(arrest.role)
        expect(row.locator("td").nth(4).locator(".badge")).to_have_text(list(arrest.offences))
        expect(row.locator("td").nth(6)).to_have_text("owed" if arrest.owed else "—")
    expect(_summary(page)).to_have_text(
        "Operation Lamplight. Two premises visited in Kwai Tsing and Sham Shui Po. "
        "Three persons arrested: two suspected illegal workers (two men aged 22 to 41); "
        "one suspected employer (one woman aged 35). Offences: s.17I, s.17J, s.38AA."
    )

    # The employer's charges carry the maximum penalties in force on the day of the arrest.
    rows.filter(has_text="CHAN Mei-ling").get_by_role("link", name="CHAN Mei-ling").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CHAN Mei-ling")
    charges = page.locator("main section", has=page.get_by_role("heading", name=re.compile("Lamplight")))
    expect(charges).to_contain_text("s.17I (max. HK$500,000 and imprisonment for 10 years)")
    expect(charges).to_contain_text("s.17J (max. HK$150,000 and imprisonment for 1 year)")
    expect(charges).not_to_contain_text("350000")  # the s.17I maximum before 1 August 2021
    checked("person")

    # Both workers, and not the employer, are owed a trafficking and forced-labour screening.
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Awaiting screening").click()
    owed = page.get_by_role("table", name="Screenings owed").locator("tbody tr")
    expect(owed).to_have_count(2)
    for name, why in (
        ("NGUYEN Van Hai", "Suspected illegal worker, Illegal immigrant"),
        ("TRAN Minh Duc", "Suspected illegal worker"),
    ):
        expect(owed.filter(has_text=name).locator("td").nth(1)).to_have_text("Lamplight")
        expect(owed.filter(has_text=name).locator("td").nth(3)).to_have_text(why)
    expect(page.locator("main")).not_to_contain_text("CHAN Mei-ling")
    checked("awaiting screening")

    # The summary in Chinese, as the department's Chinese statement would put it.
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Operations").click()
    page.get_by_role("link", name="Lamplight").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lamplight")
    _switch_to_chinese(page)
    expect(_summary(page, "摘要")).to_have_text(
        "行動代號「Lamplight」。在深水埗區及葵青區巡查了兩個處所。"
        "共拘捕三人：兩名涉嫌非法勞工（兩男，年齡介乎22至41歲）；"
        "一名涉嫌僱主（一女，年齡35歲）。涉及罪行：第17I條、第17J條、第38AA條。"
    )
    checked("operation (zh-Hant)")

    # The reporter sees that the report is being dealt with, and nothing of the operation or who.
    page.goto(f"/report/status/{restaurant.reference}/")
    expect(page.locator("main")).to_contain_text("審核中")
    for private in ("Lamplight", "Lee Siu-fan", "NGUYEN", REPORT_ADDRESS):
        expect(page.locator("main")).not_to_contain_text(private)

    checked.assert_none()
    page_watch.assert_clean()
