"""Retention of persons, identity documents and arrests: what is due, what is kept, what the trail says."""

import importlib
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.immigration.enforcement import services, tasks
from lionrock.immigration.enforcement.models import (
    Arrest,
    IdentityDocument,
    Offence,
    Operation,
    Person,
    Premises,
    Report,
    ScreeningOwed,
)
from tests.immigration.enforcement.factories import (
    immigration_make,
    officer_make,
    operation_make,
    person_make,
    report_make,
)

pytestmark = pytest.mark.django_db

RETENTION_DAYS = 365


@pytest.fixture(autouse=True)
def _one_year(settings):
    settings.LIONROCK_PERSON_RETENTION_DAYS = RETENTION_DAYS


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _arrest(
    officer,
    *,
    person: Person | None = None,
    arrested_days_ago: int,
    stage: str = Arrest.Stage.INVESTIGATION,
    concluded_days_ago: int | None = None,
    role: str = Arrest.Role.EMPLOYER,
    name: str = "CHAN Tai Man",
) -> Arrest:
    """An arrest made, and its case concluded, that many days ago; an employer owes no screening."""
    if person is None:
        person = services.person_create(
            actor=officer,
            organisation=Organisation.objects.get(pk=officer.primary_organisation_id),
            name_en=name,
            status_category=Person.StatusCategory.RESIDENT,
        )
        services.identity_document_add(actor=officer, person=person, kind="hkid", number="A123456(3)")
        Person.objects.filter(pk=person.pk).update(created_at=_days_ago(arrested_days_ago))
    operation = operation_make(officer, planned_start=_days_ago(arrested_days_ago + 1))
    premises = services.premises_add(
        actor=officer,
        operation=operation,
        address="12 Nathan Road",
        district="yau_tsim_mong",
        premises_type="restaurant",
    )
    arrest = services.arrest_record(
        actor=officer,
        operation=operation,
        person=person,
        premises=premises,
        role=role,
        arrested_at=_days_ago(arrested_days_ago),
        offence_codes=["s17i"] if role == Arrest.Role.EMPLOYER else ["s38aa"],
    )
    if stage != Arrest.Stage.INVESTIGATION:
        services.arrest_case_update(actor=officer, arrest=arrest, stage=stage)
    if concluded_days_ago is not None:
        Arrest.objects.filter(pk=arrest.pk).update(concluded_at=_days_ago(concluded_days_ago))
    return arrest


def _exists(arrest: Arrest) -> bool:
    return Person.objects.filter(pk=arrest.person_id).exists()


def test_a_person_whose_case_concluded_longer_ago_than_the_period_goes_with_documents_and_arrests():
    officer = officer_make()
    arrest = _arrest(officer, arrested_days_ago=900, stage="convicted", concluded_days_ago=400)
    result = services.persons_retention_apply()
    assert not _exists(arrest)
    assert not IdentityDocument.objects.exists() and not Arrest.objects.exists()
    assert not Arrest.offences.through.objects.exists()
    assert (result.persons, result.identity_documents, result.arrests) == (1, 1, 1)


def test_a_person_whose_case_concluded_within_the_period_is_kept_however_old_the_arrest():
    officer = officer_make()
    arrest = _arrest(officer, arrested_days_ago=900, stage="acquitted", concluded_days_ago=100)
    assert services.persons_retention_apply().persons == 0
    assert _exists(arrest) and IdentityDocument.objects.count() == 1


@pytest.mark.parametrize(("arrested_days_ago", "kept"), [(400, False), (100, True)])
def test_an_arrest_that_went_no_further_counts_from_the_arrest(arrested_days_ago, kept):
    arrest = _arrest(officer_make(), arrested_days_ago=arrested_days_ago)
    services.persons_retention_apply()
    assert _exists(arrest) is kept


def test_a_case_before_the_court_keeps_the_person_however_old():
    arrest = _arrest(officer_make(), arrested_days_ago=3000, stage="prosecution")
    assert services.persons_retention_apply().persons == 0
    assert _exists(arrest)


def test_the_latest_case_of_a_person_arrested_more_than_once_counts():
    officer = officer_make()
    first = _arrest(officer, arrested_days_ago=2000, stage="nfa", concluded_days_ago=1900)
    _arrest(officer, person=first.person, arrested_days_ago=30)
    services.persons_retention_apply()
    assert _exists(first) and Arrest.objects.filter(person=first.person).count() == 2


def test_a_screening_still_owed_keeps_the_person_until_it_is_done():
    officer = officer_make()
    arrest = _arrest(
        officer, arrested_days_ago=800, role=Arrest.Role.ILLEGAL_WORKER, stage="nfa", concluded_days_ago=700
    )
    owed = ScreeningOwed.objects.get(arrest=arrest)
    services.persons_retention_apply()
    assert _exists(arrest)
    screener = actor_for_user(person_make([Role.SCREENING_OFFICER], immigration_make()))
    services.screening_owed_fulfil(actor=screener, owed=owed, reference="SC-2024-00001")
    result = services.persons_retention_apply()
    assert not _exists(arrest) and not ScreeningOwed.objects.exists()
    assert result.screenings_owed == 1


def test_each_batch_leaves_one_audit_entry_with_counts_and_no_name():
    officer = officer_make()
    names = ["CHAN Tai Man", "WONG Siu Ming", "LEE Ka Yan"]
    for name in names:
        _arrest(officer, name=name, arrested_days_ago=500)
    result = services.persons_retention_apply(batch_size=2)
    assert (result.persons, result.batches) == (3, 2)
    entries = list(AuditEntry.objects.filter(action="enforcement.person.retention").order_by("sequence"))
    assert [entry.summary for entry in entries] == [
        "Deleted 365 days after their last case: persons 2, identity documents 2, arrests 2, "
        "screenings owed 0",
        "Deleted 365 days after their last case: persons 1, identity documents 1, arrests 1, "
        "screenings owed 0",
    ]
    for entry in entries:
        assert entry.actor_label == "retention" and entry.actor_user_id is None
        assert entry.target_type == "enforcement.person"
        assert entry.fields == sorted(
            ["persons", "identity_documents", "arrests", "screenings_owed", "retention_days"]
        )
        assert not any(part in entry.summary for name in names for part in name.split())


def test_nothing_but_the_persons_due_their_documents_and_arrests_is_deleted():
    officer = officer_make()
    due = _arrest(officer, arrested_days_ago=500, name="CHAN Tai Man")
    kept = _arrest(officer, arrested_days_ago=10, name="WONG Siu Ming")
    report = report_make()
    counts = {model: model.objects.count() for model in (Operation, Premises, Offence, Report, Organisation)}
    trail = AuditEntry.objects.count()
    services.persons_retention_apply()
    assert not _exists(due) and _exists(kept)
    assert list(Person.objects.all()) == [kept.person]
    assert list(Arrest.objects.all()) == [kept]
    assert list(IdentityDocument.objects.values_list("person_id", flat=True)) == [kept.person_id]
    assert {model: model.objects.count() for model in counts} == counts
    assert Operation.objects.filter(pk=due.operation_id).exists()
    assert Report.objects.get(pk=report.pk).reporter_contact == report.reporter_contact
    assert AuditEntry.objects.count() == trail + 1


def test_a_dry_run_deletes_nothing_audits_nothing_and_says_what_would_go():
    officer = officer_make()
    due = _arrest(officer, arrested_days_ago=500)
    _arrest(officer, arrested_days_ago=10, name="WONG Siu Ming")
    result = services.persons_retention_apply(dry_run=True)
    assert (result.persons, result.identity_documents, result.arrests) == (1, 1, 1)
    assert result.person_ids == [due.person_id]
    out = io.StringIO()
    call_command("enforcement_persons_retention", "--dry-run", verbosity=2, stdout=out)
    assert "Would delete 365 days after their last case: persons 1, identity documents 1, arrests 1" in (
        out.getvalue()
    )
    assert f"Persons: {due.person_id}" in out.getvalue() and "CHAN" not in out.getvalue()
    assert Person.objects.count() == 2 and Arrest.objects.count() == 2
    assert not AuditEntry.objects.filter(action="enforcement.person.retention").exists()


def test_the_command_without_dry_run_deletes_as_the_nightly_task_does():
    due = _arrest(officer_make(), arrested_days_ago=500)
    out = io.StringIO()
    call_command("enforcement_persons_retention", stdout=out)
    assert "Deleted 365 days after their last case: persons 1, identity documents 1" in out.getvalue()
    assert not _exists(due)


def test_the_nightly_task_runs_the_sweep_and_logs_counts_only(caplog):
    due = _arrest(officer_make(), arrested_days_ago=500)
    with caplog.at_level("INFO"):
        tasks.persons_retention.call_local()
    assert not _exists(due)
    assert "person retention: Deleted 365 days after their last case: persons 1" in caplog.text
    assert "CHAN" not in caplog.text


def test_recording_an_outcome_dates_the_conclusion_and_reopening_the_case_clears_it():
    officer = officer_make()
    arrest = _arrest(officer, arrested_days_ago=30)
    assert arrest.concluded_at is None
    before = timezone.now()
    services.arrest_case_update(actor=officer, arrest=arrest, stage="convicted", fine_hkd=5000)
    assert arrest.concluded_at >= before
    Arrest.objects.filter(pk=arrest.pk).update(concluded_at=_days_ago(400))
    arrest.refresh_from_db()
    services.arrest_case_update(actor=officer, arrest=arrest, stage="convicted", fine_hkd=5000)
    assert arrest.concluded_at < before, "saving the same outcome again does not restart the period"
    services.arrest_case_update(actor=officer, arrest=arrest, stage="acquitted")
    assert arrest.concluded_at >= before, "a changed outcome (on appeal) restarts it"
    services.arrest_case_update(actor=officer, arrest=arrest, stage="prosecution")
    assert arrest.concluded_at is None


def test_the_upgrade_dates_cases_already_concluded_from_the_audit_trail():
    officer = officer_make()
    recorded = _arrest(officer, arrested_days_ago=600, stage="convicted", name="CHAN Tai Man")
    unrecorded = _arrest(officer, arrested_days_ago=600, name="WONG Siu Ming")
    still_open = _arrest(officer, arrested_days_ago=600, name="LEE Ka Yan")
    Arrest.objects.filter(pk=unrecorded.pk).update(stage="nfa")
    Arrest.objects.update(concluded_at=None)
    entry_at = AuditEntry.objects.get(action="enforcement.arrest.case", target_id=str(recorded.pk)).at
    upgrade = importlib.import_module("lionrock.immigration.enforcement.migrations.0007_arrest_concluded_at")
    before = timezone.now()
    upgrade.concluded_at_fill(apps, None)
    assert Arrest.objects.get(pk=recorded.pk).concluded_at == entry_at
    assert Arrest.objects.get(pk=unrecorded.pk).concluded_at >= before
    assert Arrest.objects.get(pk=still_open.pk).concluded_at is None
