from datetime import timedelta

import pytest
from django.utils import timezone

from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Report, ReportAttachment
from tests.immigration.enforcement.factories import JPEG, details_make, immigration_make, officer_make

pytestmark = pytest.mark.django_db


def _closed_report(days_ago: int) -> Report:
    report = services.report_submit(
        organisation=immigration_make(),
        details=details_make(reporter_contact="9123 4567", people_involved="Ah Keung"),
        files=[services.Upload("site.jpg", JPEG)],
        submitter_address="192.0.2.1",
        submission_key=f"retention-{days_ago}",
    )
    services.report_close(actor=officer_make(), report=report, outcome="no_offence")
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return report


def test_reports_closed_longer_than_the_retention_period_lose_their_personal_data_and_files(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.LIONROCK_REPORT_RETENTION_DAYS = 365
    old = _closed_report(400)
    recent = _closed_report(30)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_retention_apply() == 1
    old.refresh_from_db()
    assert (old.reporter_contact, old.people_involved, old.attachments.count()) == ("", "", 0)
    assert old.description and old.outcome == "no_offence"
    recent.refresh_from_db()
    assert recent.reporter_contact == "9123 4567" and recent.attachments.count() == 1
    assert len(list((tmp_path / "files" / "enforcement").iterdir())) == ReportAttachment.objects.count() == 1
    assert (
        AuditEntry.objects.filter(action="enforcement.report.retention", target_id=str(old.pk)).count() == 1
    )
    assert services.reports_retention_apply() == 0
