from datetime import date, timedelta

import pytest
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import services, uploads
from lionrock.immigration.enforcement.models import Report, ReportAttachment, ReportEvent
from lionrock.immigration.enforcement.normalise import reference_normalise
from tests.immigration.enforcement.factories import (
    JPEG,
    PDF,
    PNG,
    department_make,
    details_make,
    immigration_make,
    officer_make,
    report_make,
)

pytestmark = pytest.mark.django_db


def _stored_files(tmp_path):
    directory = tmp_path / "files" / "enforcement"
    return sorted(directory.iterdir()) if directory.exists() else []


def _submit(files=(), key="k", sender="198.51.100.7", **details):
    return services.report_submit(
        organisation=immigration_make(),
        details=details_make(**details),
        files=list(files),
        submitter_address=sender,
        submission_key=key,
    )


def test_a_public_report_gets_an_unguessable_reference_and_an_audit_row_without_the_senders_address():
    report = _submit(reporter_contact="9123 4567")
    assert report.reference.startswith("IR-") and len(report.reference) == 14
    entry = AuditEntry.objects.get(action="enforcement.report.submit")
    assert entry.target_id == str(report.pk)
    assert entry.actor_label == "public" and entry.ip_address == ""
    assert "198.51.100.7" not in report.submitter_digest
    assert list(report.events.values_list("kind", flat=True)) == [ReportEvent.Kind.RECEIVED]


def test_a_report_in_chinese_and_mixed_scripts_is_kept_exactly():
    text = "地盤有五名工人，無戴安全帽；one said he is a visitor 旅客 🙂"  # noqa: RUF001
    report = _submit(description=text, address="九龍彌敦道12號永安大廈12樓")
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.description == text and fresh.address == "九龍彌敦道12號永安大廈12樓"


def test_sending_the_same_form_twice_stores_one_report():
    first = _submit(key="same")
    second = _submit(key="same")
    assert first.pk == second.pk and Report.objects.count() == 1


def test_a_sixth_report_from_one_address_within_an_hour_is_refused_and_nothing_is_stored():
    for n in range(5):
        _submit(key=f"k{n}")
    with pytest.raises(services.RateLimited):
        _submit(key="k5")
    assert Report.objects.count() == 5
    assert Report.objects.filter(submission_key="k5").count() == 0
    _submit(key="k6", sender="198.51.100.8")  # another address is not affected


def test_good_photos_and_documents_are_stored_outside_the_web_root_with_random_names(tmp_path):
    report = _submit(
        files=[
            services.Upload("site.jpg", JPEG),
            services.Upload("../../etc/p.png", PNG),
            services.Upload("permit.pdf", PDF),
        ]
    )
    attachments = list(report.attachments.order_by("pk"))
    assert [a.content_type for a in attachments] == ["image/jpeg", "image/png", "application/pdf"]
    assert attachments[1].original_name == "p.png"
    stored = _stored_files(tmp_path)
    assert len(stored) == 3 and all(path.suffix == "" for path in stored)
    assert stored[0].parent == tmp_path / "files" / "enforcement"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.jpg", b"MZ\x90\x00 this is a windows program", "not a complete JPEG"),
        ("photo.jpg", JPEG[:-2], "not a complete JPEG"),
        ("photo.jpg", JPEG[:-2] + b"<script>alert(1)</script>\xff\xd9", "not allowed"),
        ("photo.png", PNG[:-12] + b"PK\x03\x04zip" + PNG[-12:], "not allowed"),
        ("doc.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /JavaScript (x) >>"), "not allowed"),
        ("big.jpg", JPEG[:-2] + b"\x00" * uploads.MAX_FILE_BYTES + b"\xff\xd9", "larger than"),
        ("empty.pdf", b"", "empty"),
        ("page.html", b"<html><body>hi</body></html>", "not a complete JPEG"),
    ],
)
def test_a_bad_upload_refuses_the_whole_report_and_stores_nothing(tmp_path, name, data, message):
    with pytest.raises(ValidationFailed, match=message):
        _submit(files=[services.Upload("fine.jpg", JPEG), services.Upload(name, data)])
    assert Report.objects.count() == 0
    assert ReportAttachment.objects.count() == 0
    assert _stored_files(tmp_path) == []
    assert not AuditEntry.objects.filter(action="enforcement.report.submit").exists()


def test_more_than_three_files_are_refused():
    with pytest.raises(ValidationFailed, match="at most 3"):
        _submit(files=[services.Upload(f"{n}.jpg", JPEG) for n in range(4)])
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("observed_on", timezone.localdate() + timedelta(days=2), "between"),
        ("observed_on", date(1999, 12, 31), "between"),
        ("category", "<script>", "what you saw"),
        ("district", "atlantis", "district"),
        ("description", "   ", "Describe"),
        ("address", "", "address"),
        ("description", "x" * 5001, "longer than"),
    ],
)
def test_impossible_or_invalid_details_are_refused_with_nothing_stored(field, value, message):
    with pytest.raises(ValidationFailed, match=message):
        _submit(**{field: value})
    assert Report.objects.count() == 0


def test_control_characters_are_removed_and_markup_is_kept_as_text():
    report = _submit(description="<img src=x onerror=alert(1)>\x00\x07 seen\r\nagain")
    assert report.description == "<img src=x onerror=alert(1)> seen\nagain"


def test_an_officer_logs_a_hotline_report_with_the_channel_and_themselves_recorded():
    officer = officer_make()
    report = services.report_log(
        actor=officer,
        organisation=immigration_make(),
        channel=Report.Channel.HOTLINE,
        details=details_make(reporter_contact="caller 6000 0000"),
        received_at=timezone.now() - timedelta(hours=2),
    )
    assert report.channel == "hotline" and report.logged_by == officer.user
    assert AuditEntry.objects.filter(action="enforcement.report.log", target_id=str(report.pk)).exists()


def test_an_officer_cannot_log_a_report_as_if_it_came_through_the_online_form():
    with pytest.raises(ValidationFailed):
        services.report_log(
            actor=officer_make(), organisation=immigration_make(), channel="online", details=details_make()
        )


def test_an_officer_of_another_department_cannot_log_into_this_queue():
    with pytest.raises(NotFound):
        services.report_log(
            actor=officer_make(department_make()),
            organisation=immigration_make(),
            channel="fax",
            details=details_make(),
        )
    assert Report.objects.count() == 0


def test_triage_assigns_prioritises_and_closes_with_each_step_in_the_history_and_the_audit_trail():
    officer = officer_make()
    colleague = officer_make()
    report = report_make()
    services.report_assign(actor=officer, report=report, assignee=colleague.user)
    services.report_prioritise(actor=officer, report=report, priority=Report.Priority.URGENT)
    services.report_note_add(actor=officer, report=report, text="Site visit planned.")
    services.report_close(
        actor=officer, report=report, outcome=Report.Outcome.INSUFFICIENT, note="No access."
    )
    report.refresh_from_db()
    assert (report.status, report.outcome, report.assignee) == ("closed", "insufficient", colleague.user)
    kinds = list(report.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["received", "assigned", "prioritised", "note", "closed"]
    actions = set(AuditEntry.objects.filter(target_id=str(report.pk)).values_list("action", flat=True))
    assert {
        "enforcement.report.assign",
        "enforcement.report.prioritise",
        "enforcement.report.note",
        "enforcement.report.close",
    } <= actions


def test_a_closed_report_must_be_reopened_before_further_triage():
    officer = officer_make()
    report = report_make()
    services.report_close(actor=officer, report=report, outcome=Report.Outcome.NO_OFFENCE)
    with pytest.raises(ValidationFailed, match="closed"):
        services.report_prioritise(actor=officer, report=report, priority=Report.Priority.HIGH)
    services.report_reopen(actor=officer, report=report)
    services.report_prioritise(actor=officer, report=report, priority=Report.Priority.HIGH)
    assert report.status == "triaged" and report.outcome == ""


def test_reports_are_assigned_only_to_enforcement_officers_of_the_same_department():
    officer = officer_make()
    outsider = officer_make(department_make())
    report = report_make()
    with pytest.raises(ValidationFailed):
        services.report_assign(actor=officer, report=report, assignee=outsider.user)
    report.refresh_from_db()
    assert report.assignee is None and report.status == "new"


def test_marking_a_duplicate_closes_it_and_points_to_the_report_kept():
    officer = officer_make()
    original = report_make()
    copy = report_make(address="flat 3 12f wing on building 12 nathan rd")
    services.report_mark_duplicate(actor=officer, report=copy, original=original)
    copy.refresh_from_db()
    assert (copy.status, copy.outcome, copy.duplicate_of) == ("closed", "duplicate", original)
    merged = original.events.get(kind="note")
    assert merged.detail_display() == f"{copy.reference} merged into this report"


def test_a_report_cannot_be_a_duplicate_of_itself_or_of_another_departments_report():
    officer = officer_make()
    report = report_make()
    other = report_make(organisation=department_make())
    for original in (report, other):
        with pytest.raises(ValidationFailed):
            services.report_mark_duplicate(actor=officer, report=report, original=original)


def test_someone_outside_enforcement_cannot_triage():
    officer_of_elsewhere = officer_make(department_make())
    report = report_make()
    with pytest.raises(NotFound):
        services.report_close(actor=officer_of_elsewhere, report=report, outcome="no_offence")
    report.refresh_from_db()
    assert report.status == "new"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ir 7k3m9 q2x4p", "IR-7K3M9-Q2X4P"),
        ("IR-7K3M9-Q2X4PO", ""),
        ("7K3M9Q2X4P", "IR-7K3M9-Q2X4P"),
        ("IR-7K3M9-Q2X4O", "IR-7K3M9-Q2X40"),
    ],
)
def test_a_typed_reference_is_read_leniently(typed, stored):
    assert reference_normalise(typed) == stored
