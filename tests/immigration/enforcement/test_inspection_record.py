"""The employer's inspection record: the PDF, what is kept (nothing, unless saved) and finding it again."""

import logging
import re
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import inspection_record, services
from lionrock.immigration.enforcement.inspection_record import number_mask
from lionrock.immigration.enforcement.lookups import LOOKUP_FAILURES_PER_HOUR
from lionrock.immigration.enforcement.models import EmployerCheckRecord
from tests.immigration.enforcement.test_employer_check import CURRENT_PASSPORT, SPECIMEN
from tests.pdf_reading import pdf_renderer_require, pdf_text

pytestmark = pytest.mark.django_db

# 14:30 in Hong Kong, 06:30 UTC: the record must say 14:30.
CHECKED_AT = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


@pytest.fixture(scope="module", autouse=True)
def _pdf_renderer():
    """WeasyPrint loads Pango from the system; where it is missing the PDFs cannot be made here."""
    pdf_renderer_require()


@pytest.fixture(autouse=True)
def _fixed_clock_and_fresh_counts(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: CHECKED_AT)
    cache.clear()
    yield
    cache.clear()


def _record(client: Client | None = None, **fields: object) -> object:
    data = {"hkid": "", "zone": "", "action": "download", **fields}
    return (client or Client()).post("/employer-check/record/", data)


def _pdf_response(response) -> bytes:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert re.fullmatch(
        r'attachment; filename="inspection-record-[0-9A-Z-]+\.pdf"', response["Content-Disposition"]
    )
    assert response.content.startswith(b"%PDF-")
    return response.content


# --- The PDF -----------------------------------------------------------------------------------------


def test_the_record_of_a123456_3_is_dated_in_hong_kong_time_with_the_number_masked(tmp_path):
    response = _record(hkid="A123456(3)")
    text = pdf_text(_pdf_response(response), tmp_path)
    assert "25 November 2026 14:30" in text and "Hong Kong time" in text
    assert "A123***(3)" in text and "A123456" not in text
    assert "Identity card check character" in text and "Passed" in text
    assert "A format check does not prove the right to work." in text
    assert "Inspect the original identity card" in text and "Signature" in text
    assert response["Content-Disposition"] == 'attachment; filename="inspection-record-20261125-1430.pdf"'


def test_the_record_of_a_current_passport_zone_shows_each_check_digit_and_the_expiry(tmp_path):
    text = pdf_text(_pdf_response(_record(zone=CURRENT_PASSPORT)), tmp_path)
    assert "Passport" in text and "L89****C3" in text and "L898902C3" not in text
    assert "UTO" in text and "valid on the date of the check" in text
    for check in ("Document number", "Date of birth", "Expiry date", "Optional data", "Composite"):
        assert f"{check} check digit" in text
    assert text.count("Passed") == 5
    assert "ERIKSSON" not in text  # the zone's name is not copied onto the record


def test_in_traditional_chinese_the_record_is_in_chinese_and_mixed_scripts_survive(tmp_path):
    response = Client().post(
        "/employer-check/record/",
        {
            "hkid": "A123456(3)",
            "zone": CURRENT_PASSPORT,
            "business_name": "陳記茶餐廳 Chan Kee Café",
            "job_seeker_name": "陳大文 CHAN Tai-man",
            "action": "download",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    text = pdf_text(_pdf_response(response), tmp_path)
    assert "香港身分證" in text and "護照" in text and "2026年11月25日 14:30" in text
    assert "陳記茶餐廳 Chan Kee Café" in text and "陳大文 CHAN Tai-man" in text


def test_a_script_typed_in_a_field_is_printed_as_literal_text(tmp_path):
    response = _record(
        hkid="A123456(3)",
        business_name="<script>alert(1)</script>",
        enquiries='Asked about visa <b>conditions</b>\n<img src="http://127.0.0.1:9/x.png">',
    )
    text = pdf_text(_pdf_response(response), tmp_path)
    assert "<script>alert(1)</script>" in text
    assert "<b>conditions</b>" in text and '<img src="http://127.0.0.1:9/x.png">' in text


def test_the_steps_ticked_on_the_page_are_ticked_on_the_record(tmp_path):
    text = pdf_text(_pdf_response(_record(hkid="A123456(3)", duties_done=["0", "2"])), tmp_path)
    assert text.count("✓") == 1 + 2  # the passed check and the two ticked steps


def test_downloading_the_record_keeps_nothing():
    before = AuditEntry.objects.count()
    _pdf_response(_record(hkid="A123456(3)", zone=CURRENT_PASSPORT, job_seeker_name="CHAN Tai-man"))
    assert EmployerCheckRecord.objects.count() == 0 and AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hkid": "A123456(7)"}, "did not pass the format checks"),
        ({"hkid": "A123456(3)", "zone": SPECIMEN.replace("L898902C3", "L898902C4")}, "did not pass"),
        ({"zone": "hello"}, "did not pass the format checks"),
        ({}, "Enter an identity card number or a machine-readable zone."),
    ],
)
def test_no_record_is_made_of_a_number_that_fails_its_checks_and_the_page_says_why(fields, message):
    response = _record(**fields)
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert EmployerCheckRecord.objects.count() == 0


def test_the_record_is_made_by_post_only_and_with_the_pages_csrf_token():
    assert Client().get("/employer-check/record/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert _record(strict, hkid="A123456(3)").status_code == 403
    token = strict.get("/employer-check/").cookies["csrftoken"].value
    response = strict.post(
        "/employer-check/record/",
        {"hkid": "A123456(3)", "action": "download", "csrfmiddlewaretoken": token},
    )
    _pdf_response(response)


def test_the_check_page_offers_the_record_once_the_numbers_pass():
    html = (
        Client().post("/employer-check/", {"hkid": "A123456(3)", "zone": CURRENT_PASSPORT}).content.decode()
    )
    assert 'action="/employer-check/record/"' in html and "Download the inspection record (PDF)" in html
    assert "Checked on 25 November 2026 at 14:30 (Hong Kong time)." in html
    assert html.count('name="hkid"') == 2  # the check form, and the hidden copy the record form sends back
    failed = Client().post("/employer-check/", {"hkid": "A123456(7)"}).content.decode()
    assert 'action="/employer-check/record/"' not in failed


def test_without_the_pdf_library_the_employer_gets_a_clear_message_and_503(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if WeasyPrint (or Pango) could not load
    response = _record(hkid="A123456(3)")
    assert response.status_code == 503
    assert "This server cannot make PDF files at the moment." in response.content.decode()


def test_the_pdf_fetches_nothing_from_files_or_the_network(monkeypatch, caplog):
    hostile = '<link rel="stylesheet" href="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    monkeypatch.setattr(inspection_record, "_html", lambda record: f"<html><body>{hostile}</body></html>")
    record = inspection_record.InspectionRecord(checked_at=CHECKED_AT, language="en", documents=(), duties=())
    with caplog.at_level(logging.WARNING, logger="lionrock.immigration.enforcement.inspection_record"):
        assert inspection_record.record_pdf(record).startswith(b"%PDF-")
    refused = " ".join(r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage())
    assert "file:///etc/passwd" in refused and "http://127.0.0.1:9/x.png" in refused


@pytest.mark.parametrize(
    ("kind", "number", "masked"),
    [
        ("hkid", "A123456(3)", "A123***(3)"),
        ("hkid", "CA182361(1)", "CA182***(1)"),
        ("td3", "L898902C3", "L89****C3"),
        ("td1", "D23145890", "D23****90"),
        ("td2", "AB12", "***2"),
    ],
)
def test_document_numbers_are_masked_the_same_way_everywhere(kind, number, masked):
    assert number_mask(kind, number) == masked


# --- Saving and downloading again ------------------------------------------------------------------------


def _save(client: Client | None = None, **headers: str) -> tuple[str, str]:
    response = (client or Client()).post(
        "/employer-check/record/",
        {
            "hkid": "A123456(3)",
            "zone": CURRENT_PASSPORT,
            "business_name": "Chan Kee Café",
            "job_seeker_name": "陳大文",
            "enquiries": "Saw the visa label",
            "duties_done": ["0"],
            "action": "save",
        },
        **headers,
    )
    html = response.content.decode()
    assert response.status_code == 200
    reference = re.search(r'data-testid="record-reference">([^<]+)<', html)
    code = re.search(r'data-testid="record-code">([^<]+)<', html)
    assert reference and code
    return reference.group(1), code.group(1)


def _download(reference: str, code: str, client: Client | None = None) -> object:
    return (client or Client()).post("/employer-check/records/", {"reference": reference, "code": code})


def test_a_saved_record_is_downloaded_again_with_its_reference_and_code(tmp_path):
    reference, code = _save()
    assert re.fullmatch(r"ER-[0-9A-Z]{5}-[0-9A-Z]{5}", reference)
    assert re.fullmatch(r"([0-9A-Z]{4}-){3}[0-9A-Z]{4}", code)
    response = _download(reference.lower(), code.lower().replace("-", " "))
    assert response["Content-Disposition"] == f'attachment; filename="inspection-record-{reference}.pdf"'
    text = pdf_text(_pdf_response(response), tmp_path)
    assert reference in text and "A123***(3)" in text and "L89****C3" in text
    assert "Chan Kee Café" in text and "陳大文" in text and "Saw the visa label" in text
    assert "25 November 2026 14:30" in text and "saved in Lionrock until 24 November 2028" in text  # 730 days
    assert code not in text


def test_a_record_saved_in_chinese_comes_back_in_chinese(tmp_path):
    reference, code = _save(HTTP_ACCEPT_LANGUAGE="zh-hant")
    text = pdf_text(_pdf_response(_download(reference, code)), tmp_path)
    assert "香港身分證" in text and "2026年11月25日 14:30" in text


def test_what_the_employer_typed_and_the_document_numbers_are_encrypted_in_the_database():
    _save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_numbers, business_name, job_seeker_name, enquiries, documents, code_digest "
            "FROM enforcement_employercheckrecord"
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    for typed in ("A123456", "L898902C3", "Chan Kee", "陳大文", "visa label"):
        assert typed not in raw
    row = EmployerCheckRecord.objects.get()
    assert row.document_numbers == '["A123456(3)", "L898902C3"]' and row.job_seeker_name == "陳大文"


def test_saving_is_audited_without_what_the_employer_typed():
    reference, _code = _save()
    entry = AuditEntry.objects.get(action="enforcement.employer_record.save")
    assert entry.actor_label == "public" and entry.target_id == str(EmployerCheckRecord.objects.get().pk)
    assert "Chan Kee" not in entry.summary and reference


@pytest.mark.parametrize("which", ["code", "reference"])
def test_a_wrong_code_looks_exactly_like_no_record(which):
    reference, code = _save()
    wrong_code = ("0000-0000-0000-0000", code)[which == "reference"]
    wrong_reference = ("ER-00000-00000", reference)[which == "code"]
    response = _download(wrong_reference, wrong_code)
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "No saved record has that reference and code." in response.content.decode()


def test_failed_lookups_are_limited_per_connection_even_for_the_right_code():
    reference, code = _save()
    for _ in range(LOOKUP_FAILURES_PER_HOUR):
        assert _download(reference, "0000-0000-0000-0000").status_code == 404
    refused = _download(reference, code)
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert _download(reference, code, other).status_code == 200


def test_saved_records_are_deleted_after_the_retention_period(settings):
    settings.LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS = 30
    old_reference, old_code = _save()
    EmployerCheckRecord.objects.filter(reference=old_reference).update(
        saved_at=CHECKED_AT - timedelta(days=31)
    )
    recent_reference, _ = _save()
    assert services.employer_records_retention_apply() == 1
    assert list(EmployerCheckRecord.objects.values_list("reference", flat=True)) == [recent_reference]
    assert AuditEntry.objects.filter(action="enforcement.employer_record.retention").count() == 1
    assert _download(old_reference, old_code).status_code == 404


def test_the_retention_period_is_read_from_the_environment():
    from lionrock.config import settings as configured

    assert configured.LIONROCK_EMPLOYER_RECORD_RETENTION_DAYS == 730


# --- The same over the API ---------------------------------------------------------------------------------


def _api(path: str, body: dict[str, object], **headers: str) -> object:
    return Client().post(
        f"/api/enforcement/employer-check{path}", body, content_type="application/json", **headers
    )


def test_the_api_gives_the_record_as_a_pdf_in_the_language_asked_for(tmp_path):
    response = _api(
        "/record.pdf",
        {
            "hkid": "A123456(3)",
            "zone": CURRENT_PASSPORT,
            "job_seeker_name": "<script>x</script>",
            "duties_done": [1],
        },
        HTTP_ACCEPT_LANGUAGE="zh-hant",
    )
    text = pdf_text(_pdf_response(response), tmp_path)
    assert "香港身分證" in text and "A123***(3)" in text and "<script>x</script>" in text
    assert EmployerCheckRecord.objects.count() == 0


def test_the_api_refuses_a_record_of_a_number_that_fails_its_checks():
    response = _api("/record.pdf", {"hkid": "A123456(7)"})
    assert response.status_code == 422 and "did not pass the format checks" in response.json()["detail"]
    assert _api("/record.pdf", {"hkid": "A123456(3)", "duties_done": [9]}).status_code == 422


def test_the_api_saves_a_record_and_gives_it_back_for_the_code_only(tmp_path):
    saved = _api("/records", {"zone": CURRENT_PASSPORT, "business_name": "Chan Kee"})
    assert saved.status_code == 201
    body = saved.json()
    assert body["kept_until"] == "2028-11-24"
    path = f"/records/{body['reference']}/record.pdf"
    text = pdf_text(_pdf_response(_api(path, {"code": body["code"]})), tmp_path)
    assert body["reference"] in text and "Chan Kee" in text
    wrong = _api(path, {"code": "0000-0000-0000-0000"})
    assert wrong.status_code == 404 and wrong.json() == {"detail": "Not found"}


def test_the_api_without_the_pdf_library_answers_503(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = _api("/record.pdf", {"hkid": "A123456(3)"})
    assert response.status_code == 503 and "cannot make PDF files" in response.json()["detail"]


def test_the_openapi_schema_describes_the_pdf_endpoints():
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"]["/api/enforcement/employer-check/record.pdf"]["post"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert "/api/enforcement/employer-check/records/{reference}/record.pdf" in schema["paths"]


def test_a_saved_record_still_opens_after_the_field_key_is_rotated(settings, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    reference, code = _save()
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"
    call_command("enforcement_keys_rotate", stdout=StringIO())
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = ""
    text = pdf_text(_pdf_response(_download(reference, code)), tmp_path)
    assert "Chan Kee Café" in text and EmployerCheckRecord.objects.get().document_numbers.startswith('["A123')
