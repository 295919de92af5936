"""An employer checks a job seeker's documents in a real browser and takes away the inspection record.

No account: the public page, the PDF download, saving the record and fetching it again with its code. Each
page state is checked with axe-core and for what the Content-Security-Policy forbids.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from lionrock.immigration.enforcement.models import EmployerCheckRecord
from tests.browser.pages import accessibility_problems, page_hygiene_problems

SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
CURRENT_PASSPORT = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F3404159ZE184226B<<<<<16"
)


def _clean(page: Any, problems: list[str], name: str) -> None:
    page.wait_for_load_state("load")
    problems += [f"[{name}] {p}" for p in accessibility_problems(page) + page_hygiene_problems(page)]


def _download(page: Any, button: str, tmp_path: Path) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    download = info.value
    assert re.fullmatch(r"inspection-record-[0-9A-Z-]+\.pdf", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return target.read_bytes()


def test_an_employer_checks_a123456_3_and_the_specimen_zone_and_downloads_the_inspection_record(
    page: Any, page_watch: Any, tmp_path: Path
) -> None:
    problems: list[str] = []
    page.goto("/employer-check/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a job seeker's documents")
    _clean(page, problems, "check page")

    expect(page.get_by_role("heading", name="What an employer risks")).to_be_visible()
    expect(page.locator("main")).to_contain_text("HK$500,000 and imprisonment for 10 years")

    page.get_by_label("Machine-readable zone of the travel document").fill(SPECIMEN)
    page.get_by_role("button", name="Check").click()
    record = page.locator("#inspection-record")
    expect(record.get_by_text("Expired", exact=True)).to_be_visible()
    expect(record).to_contain_text("This travel document expired on 15 April 2012")
    expect(page.get_by_role("button", name="Download the inspection record (PDF)")).to_have_count(0)
    _clean(page, problems, "expired passport")

    page.get_by_label("Hong Kong identity card number").fill("A123456(3)")
    page.get_by_label("Machine-readable zone of the travel document").fill(CURRENT_PASSPORT)
    page.get_by_role("button", name="Check").click()
    expect(record).to_contain_text("A123456(3)")
    expect(record).to_contain_text("L898902C3")
    expect(record.get_by_text("valid on the date of the check", exact=True)).to_be_visible()
    _clean(page, problems, "check results")

    page.get_by_label(re.compile("^Inspect the original identity card")).check()
    page.get_by_label("Job seeker's name").fill("陳大文 <script>alert(1)</script>")
    page.get_by_label("Enquiries you made and the answers").fill("Saw the visa label; asked about the stay.")
    pdf = _download(page, "Download the inspection record (PDF)", tmp_path)
    assert pdf.startswith(b"%PDF-") and EmployerCheckRecord.objects.count() == 0

    page.get_by_role("button", name="Save the record and get a retrieval code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inspection record saved")
    reference = page.get_by_test_id("record-reference").inner_text()
    code = page.get_by_test_id("record-code").inner_text()
    assert re.fullmatch(r"ER-[0-9A-Z]{5}-[0-9A-Z]{5}", reference) and EmployerCheckRecord.objects.count() == 1
    _clean(page, problems, "record saved")
    assert _download(page, "Download the inspection record (PDF)", tmp_path).startswith(b"%PDF-")

    page.goto("/employer-check/records/")
    page.get_by_label("Record reference").fill(reference)
    page.get_by_label("Retrieval code").fill("0000-0000-0000-0000")
    page_watch.expect_console_error("404")
    page.get_by_role("button", name="Download the inspection record (PDF)").click()
    expect(page.get_by_role("alert")).to_contain_text("No saved record has that reference and code.")
    _clean(page, problems, "wrong retrieval code")
    page.get_by_label("Retrieval code").fill(code)
    assert _download(page, "Download the inspection record (PDF)", tmp_path).startswith(b"%PDF-")

    assert not problems, "\n".join(problems)
    page_watch.assert_clean()
