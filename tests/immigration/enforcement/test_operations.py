from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone, translation

from lionrock.core.accounts.access import NotFound, actor_for_user
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.models import Arrest, IdentityDocument, Operation, Person, ScreeningOwed
from lionrock.immigration.enforcement.signals import screening_owed_opened
from lionrock.immigration.enforcement.summary import operation_summary
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    department_make,
    immigration_make,
    officer_make,
    operation_make,
    person_make,
    report_make,
)

pytestmark = pytest.mark.django_db
HK = ZoneInfo("Asia/Hong_Kong")


def test_an_officer_plans_an_operation_and_the_plan_is_audited():
    officer = officer_make()
    operation = operation_make(officer, publicity=["leaflets", "talks"])
    assert operation.status == "planned" and operation.publicity == ["leaflets", "talks"]
    assert AuditEntry.objects.filter(
        action="enforcement.operation.create", target_id=str(operation.pk)
    ).exists()


def test_the_lead_officer_must_be_an_enforcement_officer_of_the_department():
    officer = officer_make()
    outsider = officer_make(department_make())
    with pytest.raises(ValidationFailed):
        operation_make(officer, lead_officer=outsider.user)
    assert Operation.objects.count() == 0


def test_an_operation_goes_from_planned_to_executed_to_closed_and_not_back():
    officer = officer_make()
    operation = operation_make(officer)
    services.operation_status_set(actor=officer, operation=operation, status="executed")
    assert operation.actual_start is not None
    services.operation_status_set(actor=officer, operation=operation, status="closed")
    with pytest.raises(ValidationFailed):
        services.operation_status_set(actor=officer, operation=operation, status="planned")


def test_an_arrest_before_august_2021_is_charged_under_the_old_s17i_row():
    officer = officer_make()
    operation = operation_make(officer, planned_start=datetime(2021, 7, 14, 6, tzinfo=HK))
    arrest = arrested_person_make(
        officer,
        operation,
        role="employer",
        offences=("s17i",),
        arrested_at=datetime(2021, 7, 15, 9, tzinfo=HK),
    )
    assert arrest.offences.get().max_fine_hkd == 350_000


def test_an_arrest_from_august_2021_is_charged_under_the_increased_s17i_row():
    officer = officer_make()
    operation = operation_make(officer, planned_start=datetime(2021, 8, 1, 6, tzinfo=HK))
    # One minute past midnight in Hong Kong is still 31 July in UTC: the local date decides.
    arrest = arrested_person_make(
        officer,
        operation,
        role="employer",
        offences=("s17i",),
        arrested_at=datetime(2021, 8, 1, 0, 1, tzinfo=HK),
    )
    assert arrest.offences.get().max_fine_hkd == 500_000


def test_an_offence_not_yet_in_force_on_the_arrest_date_is_refused_and_nothing_is_stored():
    officer = officer_make()
    operation = operation_make(officer)
    with pytest.raises(ValidationFailed, match="s17i-officer"):
        arrested_person_make(
            officer,
            operation,
            role="company_officer",
            offences=("s17i-officer",),
            arrested_at=datetime(2020, 3, 1, 10, tzinfo=HK),
        )
    assert Arrest.objects.count() == 0


def test_a_person_is_arrested_once_per_operation_and_never_in_the_future():
    officer = officer_make()
    operation = operation_make(officer)
    arrest = arrested_person_make(officer, operation)
    with pytest.raises(ValidationFailed, match="already"):
        services.arrest_record(
            actor=officer,
            operation=operation,
            person=arrest.person,
            role="illegal_worker",
            arrested_at=timezone.now(),
            offence_codes=["s41"],
        )
    with pytest.raises(ValidationFailed, match="future"):
        arrested_person_make(officer, operation, arrested_at=timezone.now() + timedelta(days=1))


def test_recording_the_first_arrest_marks_a_planned_operation_executed():
    officer = officer_make()
    operation = operation_make(officer)
    arrested_person_make(officer, operation)
    operation.refresh_from_db()
    assert operation.status == "executed"


@pytest.mark.parametrize(
    ("role", "status", "work", "reasons"),
    [
        ("illegal_worker", "visitor", "", ["illegal_worker"]),
        ("illegal_worker", "illegal_immigrant", "construction", ["illegal_worker", "illegal_immigrant"]),
        ("aider_abettor", "fdh", "domestic", ["foreign_domestic_helper"]),
        ("aider_abettor", "overstayer", "sex_work", ["sex_worker"]),
        ("employer", "resident", "", []),
    ],
)
def test_arresting_a_vulnerable_person_opens_the_screening_owed_to_them(role, status, work, reasons):
    officer = officer_make()
    operation = operation_make(officer)
    arrest = arrested_person_make(
        officer, operation, role=role, status=status, work_type=work, offences=("s41",)
    )
    owed = ScreeningOwed.objects.filter(arrest=arrest).first()
    if not reasons:
        assert owed is None
        return
    assert owed.reasons == reasons and owed.person == arrest.person
    assert owed.due_at == arrest.arrested_at + timedelta(hours=24)


def test_the_screening_module_hears_of_an_owed_screening_only_after_the_arrest_is_committed(
    django_capture_on_commit_callbacks,
):
    heard: list[int] = []

    def listener(sender, screening_owed_id, **kwargs):
        heard.append(screening_owed_id)

    screening_owed_opened.connect(listener)
    try:
        officer = officer_make()
        operation = operation_make(officer)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            arrest = arrested_person_make(officer, operation)
        assert heard == []
        for callback in callbacks:
            callback()
        assert heard == [arrest.screening_owed.pk]
    finally:
        screening_owed_opened.disconnect(listener)


def test_screening_staff_of_the_department_see_who_awaits_screening_and_others_do_not():
    officer = officer_make()
    operation = operation_make(officer)
    arrest = arrested_person_make(officer, operation)
    screener = actor_for_user(person_make([Role.SCREENING_OFFICER], immigration_make()))
    assert [owed.arrest for owed in selectors.screenings_owed(actor=screener)] == [arrest]
    assert list(selectors.screenings_owed(actor=officer_make(department_make()))) == []
    press = actor_for_user(person_make([Role.PRESS_OFFICER], immigration_make()))
    with pytest.raises(NotFound):
        selectors.screenings_owed(actor=press)


def test_only_screening_staff_mark_an_owed_screening_done():
    officer = officer_make()
    owed = arrested_person_make(officer, operation_make(officer)).screening_owed
    with pytest.raises(NotFound):
        services.screening_owed_fulfil(actor=officer, owed=owed, reference="SCR-1")
    screener = actor_for_user(person_make([Role.SCREENING_OFFICER], immigration_make()))
    services.screening_owed_fulfil(actor=screener, owed=owed, reference="SCR-1")
    assert list(selectors.screenings_owed(actor=screener)) == []


def test_identity_document_numbers_are_checked_and_encrypted_at_rest():
    officer = officer_make()
    person = services.person_create(actor=officer, organisation=immigration_make(), name_en="CHAN Tai Man")
    good = services.identity_document_add(actor=officer, person=person, kind="hkid", number="a123456 3")
    forged = services.identity_document_add(actor=officer, person=person, kind="hkid", number="A123456(4)")
    passport = services.identity_document_add(
        actor=officer, person=person, kind="travel_document", number="L898902C3", check_digit="6"
    )
    assert (good.number, good.format_check) == ("A123456(3)", "valid")
    assert forged.format_check == "invalid" and "check character" in forged.check_note
    assert passport.format_check == "valid"
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM enforcement_identitydocument")
        assert all("123456" not in row[0] and "L898902" not in row[0] for row in cursor.fetchall())
    assert IdentityDocument.objects.get(pk=good.pk).number == "A123456(3)"


def test_the_same_document_on_two_persons_flags_a_possible_duplicate():
    officer = officer_make()
    organisation = immigration_make()
    first = services.person_create(actor=officer, organisation=organisation, name_en="CHAN Tai Man")
    second = services.person_create(actor=officer, organisation=organisation, name_en="Someone Else")
    for person in (first, second):
        services.identity_document_add(actor=officer, person=person, kind="hkid", number="A123456(3)")
    assert selectors.person_possible_duplicates(actor=officer, person=second) == [first]


def test_the_same_name_in_another_order_and_birth_date_flags_a_possible_duplicate():
    officer = officer_make()
    organisation = immigration_make()
    born = date(1990, 5, 1)
    first = services.person_create(
        actor=officer, organisation=organisation, name_en="CHAN Tai-man", date_of_birth=born
    )
    second = services.person_create(
        actor=officer, organisation=organisation, name_en="Tai Man Chan", date_of_birth=born
    )
    services.person_create(
        actor=officer, organisation=organisation, name_en="Tai Man Chan", date_of_birth=date(1991, 1, 1)
    )
    assert selectors.person_possible_duplicates(actor=officer, person=second) == [first]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name_en": "", "name_zh": ""}, "name"),
        ({"name_en": "X", "nationality": "Philippines"}, "three-letter"),
        ({"name_en": "X", "date_of_birth": date(2100, 1, 1)}, "date of birth"),
        ({"name_en": "X", "age_estimate": 300}, "age"),
        ({"name_en": "X", "sex": "<script>"}, "sex"),
    ],
)
def test_impossible_person_details_are_refused_with_nothing_stored(fields, message):
    with pytest.raises(ValidationFailed, match=message):
        services.person_create(actor=officer_make(), organisation=immigration_make(), **fields)
    assert Person.objects.count() == 0


def test_reading_a_person_is_audited_and_other_departments_get_not_found():
    officer = officer_make()
    person = services.person_create(actor=officer, organisation=immigration_make(), name_en="CHAN Tai Man")
    selectors.person_get(actor=officer, person_id=person.pk)
    assert AuditEntry.objects.filter(action="enforcement.person.read", target_id=str(person.pk)).exists()
    with pytest.raises(NotFound):
        selectors.person_get(actor=officer_make(department_make()), person_id=person.pk)


def test_a_report_is_linked_to_the_operation_that_acts_on_it():
    officer = officer_make()
    report = report_make()
    operation = operation_make(officer)
    services.report_link_operation(actor=officer, report=report, operation=operation)
    report.refresh_from_db()
    assert (report.status, report.operation) == ("linked", operation)
    assert report.events.get(kind="linked").detail_display() == "Contribute"


def _summary_of_contribute(officer):
    operation = operation_make(officer, codename="Contribute")
    for district in ("sham_shui_po", "kwai_tsing"):
        services.premises_add(
            actor=officer,
            operation=operation,
            address=f"1 Street, {district}",
            district=district,
            premises_type="renovation_site",
        )
    arrested_person_make(officer, operation, age=22, offences=("s38aa",))
    arrested_person_make(officer, operation, age=41, offences=("s38aa",))
    arrested_person_make(officer, operation, role="employer", age=52, status="resident", offences=("s17i",))
    return operation_summary(
        operation,
        list(operation.premises.all()),
        selectors.operation_arrests(actor=officer, operation=operation),
    )


def test_the_summary_in_chinese_counts_with_liang_and_runs_its_sentences_on():
    officer = officer_make()
    with translation.override("zh-hant"):
        text = _summary_of_contribute(officer)
    assert text == (
        "行動代號「Contribute」。在深水埗區及葵青區巡查了兩個處所。"
        "共拘捕三人：兩名涉嫌非法勞工（兩男，年齡介乎22至41歲）；"  # noqa: RUF001 Chinese punctuation
        "一名涉嫌僱主（一男，年齡52歲）。涉及罪行：第17I條、第38AA條。"  # noqa: RUF001
    )


def test_the_summary_reads_like_the_departments_statement():
    officer = officer_make()
    operation = operation_make(officer, codename="Contribute")
    for district in ("sham_shui_po", "kwai_tsing"):
        services.premises_add(
            actor=officer,
            operation=operation,
            address=f"1 Street, {district}",
            district=district,
            premises_type="renovation_site",
        )
    for age in (22, 30, 41):
        arrested_person_make(officer, operation, age=age, offences=("s38aa",))
    for age in (25, 33):
        arrested_person_make(officer, operation, age=age, sex="F", offences=("s41",))
    arrested_person_make(officer, operation, role="employer", age=52, status="resident", offences=("s17i",))
    text = operation_summary(
        operation,
        list(operation.premises.all()),
        selectors.operation_arrests(actor=officer, operation=operation),
    )
    assert text == (
        "Operation Contribute. Two premises visited in Kwai Tsing and Sham Shui Po. "
        "Six persons arrested: five suspected illegal workers (three men and two women aged 22 to 41); "
        "one suspected employer (one man aged 52). Offences: s.17I, s.38AA, s.41."
    )


def test_each_status_change_is_kept_in_the_operations_history_and_shown_on_its_page():
    from lionrock.core.workflow.models import Transition
    from lionrock.core.workflow.selectors import transitions_for
    from tests.immigration.enforcement.factories import client_signed_in

    officer = officer_make()
    operation = operation_make(officer)
    services.operation_status_set(actor=officer, operation=operation, status="executed")
    services.operation_status_set(
        actor=officer, operation=operation, status="closed", reason="all premises visited"
    )

    steps = [(t.from_state, t.to_state, t.reason) for t in transitions_for(record=operation)]
    assert steps == [("planned", "executed", ""), ("executed", "closed", "all premises visited")]
    page = client_signed_in(officer).get(f"/enforcement/operations/{operation.pk}/")
    assert "all premises visited" in page.content.decode()
    Operation.objects.filter(pk=operation.pk).delete()
    assert not Transition.objects.exists()


def test_executing_an_operation_before_its_planned_start_is_refused_without_confirmation():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=2))
    with pytest.raises(ValidationFailed, match="planned to start"):
        services.operation_status_set(actor=officer, operation=operation, status="executed")
    operation.refresh_from_db()
    assert operation.status == "planned" and operation.actual_start is None


def test_an_early_execution_once_confirmed_is_recorded_with_the_warning():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=2))
    services.operation_status_set(
        actor=officer, operation=operation, status="executed", before_planned_start_confirmed=True
    )
    from lionrock.core.workflow.selectors import transitions_for

    entry = AuditEntry.objects.filter(action="enforcement.operation.status").get()
    assert operation.status == "executed" and "reason" in entry.fields
    [step] = transitions_for(record=operation)
    assert (step.to_state, step.reason) == ("executed", "Executed before its planned start")


def test_an_arrest_before_the_planned_start_executes_the_operation_with_the_warning():
    officer = officer_make()
    operation = operation_make(officer, planned_start=timezone.now() + timedelta(days=2))
    arrested_person_make(officer, operation)
    operation.refresh_from_db()
    entry = AuditEntry.objects.filter(action="enforcement.arrest.record").get()
    assert operation.status == "executed" and "before_planned_start" in entry.fields


@pytest.mark.parametrize("role", ["employer", "illegal_worker", "aider_abettor"])
def test_s17i_officers_is_refused_for_a_person_not_recorded_as_a_company_officer(role):
    officer = officer_make()
    operation = operation_make(officer)
    with pytest.raises(ValidationFailed, match="director, manager, secretary or partner"):
        arrested_person_make(officer, operation, role=role, status="resident", offences=("s17i-officer",))
    assert Arrest.objects.count() == 0


def test_s17i_officers_is_accepted_for_a_company_officer():
    officer = officer_make()
    operation = operation_make(officer)
    arrest = arrested_person_make(
        officer, operation, role="company_officer", status="resident", offences=("s17i-officer",)
    )
    assert [offence.code for offence in arrest.offences.all()] == ["s17i-officer"]
