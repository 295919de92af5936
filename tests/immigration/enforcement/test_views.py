import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement.forms import submission_key_new
from lionrock.immigration.enforcement.models import Report
from tests.immigration.enforcement.factories import (
    JPEG,
    client_signed_in,
    department_make,
    immigration_make,
    officer_make,
    report_make,
)

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _form(**overrides):
    data = {
        "category": "employing",
        "description": "店舖僱用了三名旅客做兼職 (three visitors working part-time)",
        "address": "九龍深水埗北河街88號地下",
        "district": "sham_shui_po",
        "premises_type": "restaurant",
        "business_name": "金龍茶餐廳",
        "observed_on": "2026-11-01",
        "reporter_contact": "",
        "website": "",
        "submission": submission_key_new(),
    }
    data.update(overrides)
    return data


def _no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def test_the_public_form_needs_no_account_and_shows_the_published_channels():
    immigration_make()
    response = Client().get("/report/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3861 5000" in html and "2824 1166" in html and "anti_crime@immd.gov.hk" in html
    _no_inline_script_or_style(html)
    fields = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    assert len(fields) > 10
    for field_id in fields:
        assert f'for="{field_id}"' in html, field_id


def test_the_public_form_is_offered_in_traditional_chinese():
    immigration_make()
    response = Client().get("/report/", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert 'lang="zh-Hant-HK"' in response.content.decode()


def test_a_member_of_the_public_files_a_report_in_chinese_and_sees_its_status():
    immigration_make()
    client = Client()
    response = client.post("/report/", _form(), HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.business_name == "金龍茶餐廳" and report.language == "zh-hant"
    status_page = client.get(response["Location"]).content.decode()
    assert report.reference in status_page
    assert "金龍" not in status_page and "北河街" not in status_page


def test_the_status_page_answers_a_typed_reference_and_says_nothing_of_an_unknown_one():
    report = report_make()
    client = Client()
    typed = report.reference.lower().replace("-", " ")
    found = client.get("/report/status/", {"reference": typed})
    assert found.status_code == 200 and report.reference in found.content.decode()
    assert report.address not in found.content.decode()
    assert client.get("/report/status/", {"reference": "IR-00000-00000"}).status_code == 404


def test_a_bot_that_fills_the_honeypot_is_thanked_and_nothing_is_stored():
    immigration_make()
    response = Client().post("/report/", _form(website="http://spam.example"))
    assert response.status_code == 200
    assert Report.objects.count() == 0


def test_a_mistyped_upload_is_refused_with_a_message_and_nothing_is_stored():
    immigration_make()
    fake = SimpleUploadedFile("photo.jpg", b"GIF89a not a jpeg at all", content_type="image/jpeg")
    response = Client().post("/report/", {**_form(), "attachments": [fake]})
    assert response.status_code == 400
    assert "not a complete JPEG" in response.content.decode()
    assert Report.objects.count() == 0


def test_a_photo_sent_with_the_form_is_kept_for_officers_and_downloaded_only_as_an_attachment():
    immigration_make()
    photo = SimpleUploadedFile("site.jpg", JPEG, content_type="image/jpeg")
    Client().post("/report/", {**_form(), "attachments": [photo]})
    report = Report.objects.get()
    attachment = report.attachments.get()
    officer = client_signed_in(officer_make())
    url = f"/enforcement/reports/{report.reference}/attachments/{attachment.pk}/"
    response = officer.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action="enforcement.reportattachment.read").exists()
    assert Client().get(url).status_code == 302  # the public is sent to sign in


def test_an_expired_or_forged_form_key_is_refused():
    immigration_make()
    response = Client().post("/report/", _form(submission="forged"))
    assert response.status_code == 400 and Report.objects.count() == 0


def test_the_sixth_report_from_one_address_in_an_hour_gets_too_many_requests():
    immigration_make()
    client = Client()
    for _n in range(5):
        assert client.post("/report/", _form()).status_code == 302
    assert client.post("/report/", _form()).status_code == 429
    assert Report.objects.count() == 5


def test_scripts_typed_into_a_report_are_shown_as_text_to_officers():
    report = report_make(description=HOSTILE, business_name=HOSTILE)
    html = client_signed_in(officer_make()).get(f"/enforcement/reports/{report.reference}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    _no_inline_script_or_style(html)


def test_the_queue_lists_open_reports_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    officer = officer_make()
    for n in range(12):
        report_make(address=f"{n} Shanghai Street")
    client = client_signed_in(officer)
    with django_assert_max_num_queries(12):
        response = client.get("/enforcement/reports/")
    assert response.status_code == 200 and response.content.decode().count("/enforcement/reports/IR-") == 12


def test_the_queue_filters_through_htmx_with_a_partial():
    officer = officer_make()
    report_make()
    response = client_signed_in(officer).get(
        "/enforcement/reports/", {"status": "new"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b"<html" not in response.content


def test_officers_of_another_department_get_not_found_for_a_report():
    report = report_make()
    outsider = client_signed_in(officer_make(department_make()))
    assert outsider.get(f"/enforcement/reports/{report.reference}/").status_code == 404
    assert (
        outsider.post(
            f"/enforcement/reports/{report.reference}/close/", {"outcome": "no_offence"}
        ).status_code
        == 404
    )
    assert outsider.get("/enforcement/reports/").content.decode().count(report.reference) == 0
    report.refresh_from_db()
    assert report.status == "new"


def test_revealing_the_reporters_contact_is_an_audited_read():
    report = report_make(reporter_contact="9876 5432")
    client = client_signed_in(officer_make())
    page = client.get(f"/enforcement/reports/{report.reference}/").content.decode()
    assert "9876 5432" not in page
    response = client.post(f"/enforcement/reports/{report.reference}/contact/", HTTP_HX_REQUEST="true")
    assert "9876 5432" in response.content.decode()
    entry = AuditEntry.objects.get(action="enforcement.report.reporter.read")
    assert entry.target_id == str(report.pk)


def test_an_officer_triages_a_report_from_its_page():
    officer = officer_make(name="Chow Kin-fai")
    report = report_make()
    client = client_signed_in(officer)
    base = f"/enforcement/reports/{report.reference}"
    client.post(f"{base}/assign/", {"assignee": officer.user.pk})
    client.post(f"{base}/priority/", {"priority": 3})
    client.post(f"{base}/close/", {"outcome": "no_offence", "note": "Visited; no workers found."})
    report.refresh_from_db()
    assert (report.assignee, report.priority, report.status) == (officer.user, 3, "closed")
    page = client.get(f"{base}/").content.decode()
    assert "Visited; no workers found." in page and "Chow Kin-fai" in page


def test_an_invalid_triage_step_says_why_and_changes_nothing():
    report = report_make()
    client = client_signed_in(officer_make())
    response = client.post(f"/enforcement/reports/{report.reference}/close/", {"outcome": "<b>"}, follow=True)
    assert "Choose an outcome" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "new"


def test_duplicates_are_suggested_by_normalised_address_and_merged():
    original = report_make(address="Flat 3, 12/F, Wing On Bldg., 12 Nathan Road", business_name="")
    copy = report_make(address="flat 3 12f wing on building 12 nathan rd", business_name="")
    unrelated = report_make(address="1 Queen's Road Central", business_name="")
    client = client_signed_in(officer_make())
    page = client.get(f"/enforcement/reports/{copy.reference}/").content.decode()
    assert original.reference in page and unrelated.reference not in page
    client.post(f"/enforcement/reports/{copy.reference}/duplicate/", {"original": original.reference})
    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_an_officer_logs_a_fax_report():
    client = client_signed_in(officer_make())
    immigration_make()
    response = client.post(
        "/enforcement/reports/new/",
        {**_form(), "channel": "fax", "received_at": "2026-11-24T09:30", "reporter_name": "陳先生"},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == "fax" and report.reporter_name == "陳先生"


def test_the_home_page_shows_new_reports_to_officers():
    report_make()
    html = client_signed_in(officer_make()).get("/").content.decode()
    assert "New reports awaiting triage" in html
