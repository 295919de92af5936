from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from lionrock.core.accounts.access import NotFound, actor_for_user
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Operation, Premises, Report, ReportEvent
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    department_make,
    immigration_make,
    officer_make,
    operation_make,
    person_make,
    report_make,
)

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _plan(operation: Operation, **changes: object) -> dict[str, object]:
    """The plan as it stands, with some values changed: what the edit form sends back."""
    values: dict[str, object] = {
        "codename": operation.codename,
        "kind": operation.kind,
        "planned_start": operation.planned_start,
        "planned_end": operation.planned_end,
        "lead_officer": operation.lead_officer,
        "team": list(operation.team.all()),
        "publicity": list(operation.publicity),
        "notes": operation.notes,
    }
    values.update(changes)
    return values


def _updates(operation: Operation) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="enforcement.operation.update", target_id=str(operation.pk)))


# --- The plan ----------------------------------------------------------------------------------------


def test_an_officer_changes_the_plan_and_the_audit_row_names_the_fields_changed():
    officer = officer_make()
    colleague = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    start = timezone.now() + timedelta(days=5)
    services.operation_plan_update(
        actor=officer,
        operation=operation,
        **_plan(
            operation,
            codename="Lamplight",
            kind=Operation.Kind.JOINT_LABOUR,
            planned_start=start,
            planned_end=start + timedelta(hours=6),
            lead_officer=colleague.user,
            team=[officer.user],
            publicity=["talks"],
            notes="Two entrances; the back door opens on Ki Lung Street.",
        ),
    )
    fresh = Operation.objects.get(pk=operation.pk)
    assert (fresh.codename, fresh.kind, fresh.lead_officer) == ("Lamplight", "joint_labour", colleague.user)
    assert fresh.planned_end == start + timedelta(hours=6) and fresh.publicity == ["talks"]
    assert list(fresh.team.all()) == [officer.user]
    (entry,) = _updates(operation)
    assert entry.fields == sorted(
        ["codename", "kind", "planned_start", "planned_end", "lead_officer", "team", "publicity", "notes"]
    )


def test_saving_the_plan_unchanged_leaves_no_audit_row():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    services.operation_plan_update(actor=officer, operation=operation, **_plan(operation))
    assert _updates(operation) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned_end": "before start"}, "cannot be before the planned start"),
        ({"planned_start": datetime(1999, 12, 31, 9, tzinfo=HK)}, "between 1 January 2000"),
        ({"planned_start": "three years ahead"}, "between 1 January 2000"),
        ({"codename": "   "}, "codename"),
        ({"kind": "raid"}, "type of operation"),
        ({"publicity": ["fireworks"]}, "publicity"),
    ],
)
def test_an_impossible_plan_is_refused_and_changes_nothing(changes, message):
    officer = officer_make()
    start = timezone.now() + timedelta(days=3)
    operation = operation_make(officer, planned_start=start, codename="Contribute")
    if changes.get("planned_end") == "before start":
        changes = {"planned_end": start - timedelta(hours=1)}
    if changes.get("planned_start") == "three years ahead":
        changes = {"planned_start": timezone.now() + timedelta(days=3 * 365)}
    with pytest.raises(ValidationFailed, match=message):
        services.operation_plan_update(
            actor=officer, operation=operation, **_plan(operation, **{"codename": "Renamed", **changes})
        )
    fresh = Operation.objects.get(pk=operation.pk)
    assert fresh.codename == "Contribute" and fresh.planned_start == start
    assert _updates(operation) == []


def test_an_operation_cannot_be_planned_for_a_date_years_away():
    officer = officer_make()
    with pytest.raises(ValidationFailed, match="two years from today"):
        operation_make(officer, planned_start=timezone.now() + timedelta(days=800))
    assert Operation.objects.count() == 0


def test_the_lead_officer_and_team_stay_officers_of_the_department():
    officer = officer_make()
    outsider = officer_make(department_make())
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationFailed, match="enforcement officers of the department"):
        services.operation_plan_update(
            actor=officer, operation=operation, **_plan(operation, team=[outsider.user])
        )
    assert list(Operation.objects.get(pk=operation.pk).team.all()) == []


def test_the_plan_is_history_once_the_operation_is_executed():
    officer = officer_make()
    operation = operation_make(officer)
    services.operation_status_set(actor=officer, operation=operation, status="executed")
    with pytest.raises(ValidationFailed, match="only be changed while the operation is planned"):
        services.operation_plan_update(actor=officer, operation=operation, **_plan(operation, codename="X"))
    assert Operation.objects.get(pk=operation.pk).codename == "Contribute"


def test_of_two_officers_editing_at_once_the_second_is_told_instead_of_overwriting():
    first, second = officer_make(), officer_make()
    operation = operation_make(first, planned_start=timezone.now() + timedelta(days=3))
    seen_by_both = services.operation_version(operation)
    services.operation_plan_update(
        actor=first, operation=operation, version=seen_by_both, **_plan(operation, codename="Lamplight")
    )
    stale = Operation.objects.get(pk=operation.pk)
    stale.codename = "Contribute"  # what the second officer's form still shows
    with pytest.raises(services.OperationChanged):
        services.operation_plan_update(
            actor=second, operation=stale, version=seen_by_both, **_plan(stale, notes="Bring ladders.")
        )
    fresh = Operation.objects.get(pk=operation.pk)
    assert (fresh.codename, fresh.notes) == ("Lamplight", "")


def test_another_department_and_a_press_officer_cannot_change_the_plan():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    press = actor_for_user(person_make([Role.PRESS_OFFICER], immigration_make()))
    for stranger in (officer_make(department_make()), press):
        with pytest.raises(NotFound):
            services.operation_plan_update(
                actor=stranger, operation=operation, **_plan(operation, codename="X")
            )
    assert Operation.objects.get(pk=operation.pk).codename == "Contribute"


# --- The record after execution ----------------------------------------------------------------------


def _executed(officer, *, arrests_at: tuple[datetime, ...] = ()) -> Operation:
    operation = operation_make(officer, planned_start=timezone.now() - timedelta(days=1))
    for moment in arrests_at:
        arrested_person_make(officer, operation, arrested_at=moment)
    if not arrests_at:
        services.operation_status_set(actor=officer, operation=operation, status="executed")
    operation.refresh_from_db()
    return operation


def test_after_execution_an_officer_records_the_actual_times_and_notes():
    officer = officer_make()
    operation = _executed(officer)
    start = timezone.now() - timedelta(hours=5)
    services.operation_record_update(
        actor=officer,
        operation=operation,
        actual_start=start,
        actual_end=start + timedelta(hours=3),
        notes="Twelve workers questioned; three arrested.",
    )
    fresh = Operation.objects.get(pk=operation.pk)
    assert fresh.actual_start == start and fresh.actual_end == start + timedelta(hours=3)
    assert fresh.notes == "Twelve workers questioned; three arrested." and fresh.status == "executed"
    assert _updates(operation)[0].fields == ["actual_end", "actual_start", "notes"]


def test_the_actual_times_must_cover_every_arrest():
    officer = officer_make()
    first = timezone.now() - timedelta(hours=4)
    operation = _executed(officer, arrests_at=(first, first + timedelta(hours=2)))
    with pytest.raises(ValidationFailed, match="cannot be after the first arrest"):
        services.operation_record_update(
            actor=officer, operation=operation, actual_start=first + timedelta(minutes=10)
        )
    with pytest.raises(ValidationFailed, match="cannot be before the last arrest"):
        services.operation_record_update(
            actor=officer, operation=operation, actual_start=first, actual_end=first + timedelta(hours=1)
        )
    assert Operation.objects.get(pk=operation.pk).actual_end is None


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (timedelta(hours=-2), timedelta(hours=-3), "actual end cannot be before the actual start"),
        (timedelta(hours=2), None, "actual start cannot be in the future"),
        (timedelta(hours=-2), timedelta(days=1), "actual end cannot be in the future"),
    ],
)
def test_impossible_actual_times_are_refused_and_change_nothing(start, end, message):
    officer = officer_make()
    operation = _executed(officer)
    before = operation.actual_start
    now = timezone.now()
    with pytest.raises(ValidationFailed, match=message):
        services.operation_record_update(
            actor=officer,
            operation=operation,
            actual_start=now + start,
            actual_end=now + end if end is not None else None,
            notes="should not be kept",
        )
    fresh = Operation.objects.get(pk=operation.pk)
    assert fresh.actual_start == before and fresh.notes == ""


def test_closing_from_the_record_closes_the_operation_and_audits_the_status():
    officer = officer_make()
    operation = _executed(officer)
    services.operation_record_update(
        actor=officer, operation=operation, actual_start=operation.actual_start, close=True
    )
    assert Operation.objects.get(pk=operation.pk).status == "closed"
    assert (
        AuditEntry.objects.filter(action="enforcement.operation.status", target_id=str(operation.pk)).count()
        == 2
    )


def test_the_record_of_a_planned_operation_cannot_be_written_yet():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="executed operation"):
        services.operation_record_update(
            actor=officer, operation=operation, actual_start=timezone.now() - timedelta(hours=1)
        )


# --- Premises --------------------------------------------------------------------------------------


def _premises(officer, operation: Operation, address: str = "Site A, 303 Cheung Sha Wan Road") -> Premises:
    return services.premises_add(
        actor=officer,
        operation=operation,
        address=address,
        district="sham_shui_po",
        premises_type="renovation_site",
    )


def test_an_officer_corrects_premises_and_the_address_is_matched_again():
    officer = officer_make()
    operation = operation_make(officer)
    premises = _premises(officer, operation)
    services.premises_update(
        actor=officer,
        premises=premises,
        address="Site B, 8 Container Port Road",
        district="kwai_tsing",
        premises_type="warehouse",
        business_name="Lucky Logistics",
    )
    fresh = Premises.objects.get(pk=premises.pk)
    assert (fresh.district, fresh.premises_type, fresh.business_name) == (
        "kwai_tsing",
        "warehouse",
        "Lucky Logistics",
    )
    assert "container port" in fresh.normalised_address
    entry = AuditEntry.objects.get(action="enforcement.premises.update", target_id=str(premises.pk))
    assert "district" in entry.fields and "address" in entry.fields


def test_premises_where_an_arrest_was_made_cannot_be_removed():
    officer = officer_make()
    operation = operation_make(officer)
    premises = _premises(officer, operation)
    arrest = arrested_person_make(officer, operation)
    arrest.premises = premises
    arrest.save(update_fields=["premises"])
    with pytest.raises(ValidationFailed, match="1 arrest was recorded there"):
        services.premises_remove(actor=officer, premises=premises)
    assert Premises.objects.filter(pk=premises.pk).exists()


def test_premises_entered_by_mistake_are_removed_and_the_removal_audited():
    officer = officer_make()
    operation = operation_make(officer)
    premises = _premises(officer, operation)
    premises_id = premises.pk
    services.premises_remove(actor=officer, premises=premises)
    assert not Premises.objects.filter(pk=premises_id).exists()
    assert AuditEntry.objects.filter(
        action="enforcement.premises.remove", target_id=str(premises_id)
    ).exists()


def test_premises_of_a_closed_operation_stay_as_they_were():
    officer = officer_make()
    operation = operation_make(officer)
    premises = _premises(officer, operation)
    services.operation_status_set(actor=officer, operation=operation, status="closed")
    premises.operation.refresh_from_db()
    with pytest.raises(ValidationFailed, match="closed"):
        services.premises_remove(actor=officer, premises=premises)
    with pytest.raises(ValidationFailed, match="closed"):
        _premises(officer, operation, "Another place")
    assert Premises.objects.filter(operation=operation).count() == 1


def test_a_visit_cannot_be_recorded_in_the_future():
    officer = officer_make()
    operation = operation_make(officer)
    with pytest.raises(ValidationFailed, match="visit cannot be in the future"):
        services.premises_add(
            actor=officer,
            operation=operation,
            address="Site A",
            district="sham_shui_po",
            premises_type="renovation_site",
            visited_at=timezone.now() + timedelta(days=1),
        )
    assert not Premises.objects.exists()


# --- Linked reports ---------------------------------------------------------------------------------


def test_a_report_linked_to_the_wrong_planned_operation_is_unlinked():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=1))
    report = services.report_link_operation(actor=officer, report=report_make(), operation=operation)
    services.report_unlink_operation(actor=officer, report=report)
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.operation is None and fresh.status == "triaged"
    unlinked = ReportEvent.objects.get(report=report, data__has_key="unlinked")
    assert unlinked.detail_display() == f"Unlinked from operation {unlinked.data['unlinked']}"
    assert AuditEntry.objects.filter(action="enforcement.report.unlink", target_id=str(report.pk)).exists()


def test_a_report_stays_linked_to_an_operation_that_was_carried_out():
    officer = officer_make()
    operation = operation_make(officer)
    report = services.report_link_operation(actor=officer, report=report_make(), operation=operation)
    services.operation_status_set(actor=officer, operation=operation, status="executed")
    report.operation.refresh_from_db()
    with pytest.raises(ValidationFailed, match="still planned"):
        services.report_unlink_operation(actor=officer, report=report)
    assert Report.objects.get(pk=report.pk).operation == operation


# --- Pages --------------------------------------------------------------------------------------------


def _form(operation: Operation, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "codename": operation.codename,
        "kind": operation.kind,
        "planned_start": _local(operation.planned_start),
        "lead_officer": operation.lead_officer_id,
        "team": [user.pk for user in operation.team.all()],
        "publicity": list(operation.publicity),
        "notes": operation.notes,
        "version": services.operation_version(operation),
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def test_the_edit_page_shows_the_plan_and_saves_a_change():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3), notes="Old note")
    client = client_signed_in(officer)
    page = client.get(f"/enforcement/operations/{operation.pk}/edit/").content.decode()
    assert 'value="Contribute"' in page and "Old note" in page
    response = client.post(
        f"/enforcement/operations/{operation.pk}/edit/", _form(operation, codename="Lamplight")
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/operations/{operation.pk}/")
    assert Operation.objects.get(pk=operation.pk).codename == "Lamplight"
    assert "Change the plan" in client.get(f"/enforcement/operations/{operation.pk}/").content.decode()


def test_a_plan_with_the_end_before_the_start_is_shown_again_with_the_reason():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{operation.pk}/edit/",
        _form(
            operation, codename="Lamplight", planned_end=_local(operation.planned_start - timedelta(days=1))
        ),
    )
    assert response.status_code == 400
    assert "cannot be before the planned start" in response.content.decode()
    assert Operation.objects.get(pk=operation.pk).codename == "Contribute"


def test_a_stale_edit_page_is_refused_and_shows_the_other_officers_change():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    stale = _form(operation, notes="Mine")
    services.operation_plan_update(
        actor=officer_make(), operation=operation, **_plan(operation, codename="Theirs")
    )
    response = client_signed_in(officer).post(f"/enforcement/operations/{operation.pk}/edit/", stale)
    page = response.content.decode()
    assert response.status_code == 409 and "Someone else changed this operation" in page
    assert 'value="Theirs"' in page
    assert Operation.objects.get(pk=operation.pk).notes == ""


def test_the_edit_page_of_an_executed_operation_offers_only_its_record_and_closing():
    officer = officer_make()
    operation = _executed(officer)
    client = client_signed_in(officer)
    page = client.get(f"/enforcement/operations/{operation.pk}/edit/").content.decode()
    assert 'name="actual_start"' in page and 'name="codename"' not in page
    client.post(
        f"/enforcement/operations/{operation.pk}/edit/",
        {
            "actual_start": _local(operation.actual_start),
            "notes": "Done.",
            "close": "on",
            "version": services.operation_version(operation),
        },
    )
    fresh = Operation.objects.get(pk=operation.pk)
    assert fresh.status == "closed" and fresh.notes == "Done."
    followed = client.get(f"/enforcement/operations/{operation.pk}/edit/", follow=True)
    assert "closed and can no longer be changed" in followed.content.decode()


def test_edit_pages_are_not_found_for_another_department():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    premises = _premises(officer, operation)
    outsider = client_signed_in(officer_make(department_make()))
    base = f"/enforcement/operations/{operation.pk}"
    assert outsider.get(f"{base}/edit/").status_code == 404
    assert outsider.post(f"{base}/edit/", _form(operation, codename="Mine")).status_code == 404
    assert outsider.get(f"{base}/premises/{premises.pk}/").status_code == 404
    assert outsider.post(f"{base}/premises/{premises.pk}/remove/").status_code == 404
    assert Operation.objects.get(pk=operation.pk).codename == "Contribute"
    assert Premises.objects.filter(pk=premises.pk).exists()


def test_premises_of_another_operation_are_not_found_under_this_one():
    officer = officer_make()
    mine, other = operation_make(officer), operation_make(officer, codename="Other")
    premises = _premises(officer, other)
    assert (
        client_signed_in(officer)
        .get(f"/enforcement/operations/{mine.pk}/premises/{premises.pk}/")
        .status_code
        == 404
    )


def test_an_officer_corrects_and_removes_premises_from_their_page():
    officer = officer_make()
    operation = operation_make(officer)
    premises = _premises(officer, operation)
    client = client_signed_in(officer)
    url = f"/enforcement/operations/{operation.pk}/premises/{premises.pk}/"
    assert "Remove premises" in client.get(url).content.decode()
    response = client.post(url, {"address": "Site B", "district": "kwai_tsing", "premises_type": "warehouse"})
    assert response.status_code == 302 and Premises.objects.get(pk=premises.pk).address == "Site B"
    client.post(f"{url}remove/")
    assert not Premises.objects.filter(operation=operation).exists()


def test_the_premises_page_says_why_premises_with_arrests_cannot_be_removed():
    officer = officer_make()
    operation = operation_make(officer)
    premises = _premises(officer, operation)
    arrest = arrested_person_make(officer, operation)
    arrest.premises = premises
    arrest.save(update_fields=["premises"])
    client = client_signed_in(officer)
    url = f"/enforcement/operations/{operation.pk}/premises/{premises.pk}/"
    page = client.get(url).content.decode()
    assert "cannot be removed: 1 arrest was recorded there" in page and "Remove premises" not in page
    followed = client.post(f"{url}remove/", follow=True).content.decode()
    assert "cannot be removed" in followed and Premises.objects.filter(pk=premises.pk).exists()


def test_reports_are_linked_and_unlinked_from_the_edit_page():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    report = report_make()
    client = client_signed_in(officer)
    base = f"/enforcement/operations/{operation.pk}"
    client.post(f"{base}/reports/", {"reference": report.reference.lower().replace("-", " ")})
    assert Report.objects.get(pk=report.pk).operation == operation
    assert report.reference in client.get(f"{base}/edit/").content.decode()
    missing = client.post(f"{base}/reports/", {"reference": "IR-AAAAA-AAAAA"}, follow=True)
    assert "There is no report with that reference." in missing.content.decode()
    client.post(f"{base}/reports/{report.reference}/unlink/")
    assert Report.objects.get(pk=report.pk).operation is None


def test_a_report_of_another_operation_cannot_be_unlinked_through_this_one():
    officer = officer_make()
    mine = operation_make(officer, planned_start=timezone.now() + timedelta(days=3))
    other = operation_make(officer, codename="Other", planned_start=timezone.now() + timedelta(days=3))
    report = services.report_link_operation(actor=officer, report=report_make(), operation=other)
    response = client_signed_in(officer).post(
        f"/enforcement/operations/{mine.pk}/reports/{report.reference}/unlink/"
    )
    assert response.status_code == 404 and Report.objects.get(pk=report.pk).operation == other
