"""Answers mean what was asked: each question's polarity decides whether its answer records the indicator
present or absent, the page says so beside the answer, and answers stored before are converted unchanged."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import checklists, services
from lionrock.immigration.screening.models import Answer, Case, Checklist, Debriefing, Indicator
from tests.immigration.screening.factories import (
    answers_make,
    checklist,
    client_signed_in,
    interview_make,
    owed_case_make,
    screened_with_indicator,
    screener_make,
)

pytestmark = pytest.mark.django_db


def _initial_answers(**asked: str) -> dict[str, tuple[str, str]]:
    """Every indicator absent, then the given answers to the questions as asked."""
    answers = answers_make(Indicator.Stage.INITIAL)
    for code, value in asked.items():
        answers[code.replace("_", "-")] = (value, "")
    return answers


def test_can_you_leave_when_you_want_answered_yes_records_the_indicator_absent():
    indicator = checklist().indicators.get(code="IS-4")
    assert indicator.questions("en")[0] == "Can you leave your workplace or where you live when you want?"
    case = owed_case_make()
    screening = services.initial_screening_record(
        actor=screener_make(),
        case=case,
        interview=interview_make(),
        answers=_initial_answers(IS_4="yes"),
        reasons="Free to come and go; paid as agreed.",
    )
    answer = screening.answers.get(indicator__code="IS-4")
    assert (answer.value, answer.presence) == ("yes", Answer.Presence.ABSENT)
    assert Case.objects.get(pk=case.pk).stage == Case.Stage.SCREENED_OUT


def test_can_you_leave_when_you_want_answered_no_records_the_indicator_present_and_requires_a_debriefing():
    case = owed_case_make()
    screening = services.initial_screening_record(
        actor=screener_make(), case=case, interview=interview_make(), answers=_initial_answers(IS_4="no")
    )
    assert screening.answers.get(indicator__code="IS-4").presence == Answer.Presence.PRESENT
    assert screening.outcome == screening.Outcome.DEBRIEFING_REQUIRED


def test_is_this_work_what_you_were_promised_answered_yes_is_no_indicator():
    case = owed_case_make()
    with pytest.raises(ValidationFailed, match="reasons"):
        services.initial_screening_record(
            actor=screener_make(), case=case, interview=interview_make(), answers=_initial_answers(IS_1="yes")
        )


def test_can_you_refuse_a_task_answered_no_counts_as_forced_tasks_in_the_recommendation():
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer)
    answers = answers_make(Indicator.Stage.DEBRIEFING, {"CD-S1", "EC-S1"})
    answers["CD-M2"] = ("no", "Cannot refuse clients.")  # "Can you refuse a task or a client?"
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(),
        exploitation="labour",
        answers=answers,
        decision="forced_labour",
        decision_reasons="Documents kept, long hours, cannot refuse.",
    )
    debriefing.refresh_from_db()
    assert debriefing.answers.get(indicator__code="CD-M2").presence == Answer.Presence.PRESENT
    assert "CD-M2" in debriefing.explanation["dimensions"]["coercion_at_destination"]["codes"]


def test_every_asked_item_of_the_checklist_in_use_states_its_polarity():
    in_use = checklist()
    assert in_use.version == "2026.2"
    asked = in_use.indicators.exclude(stage=Indicator.Stage.FORCED_LABOUR)
    assert asked.count() == 74
    assert set(asked.values_list("indicated_by", flat=True)) == {"yes", "no"}
    assert not in_use.indicators.filter(stage=Indicator.Stage.FORCED_LABOUR).exclude(indicated_by="").exists()
    assert in_use.indicators.get(code="CD-M2").indicated_by == "no"
    assert in_use.indicators.get(code="CD-S2").indicated_by == "yes"


def test_version_2026_1_keeps_its_meaning_that_a_yes_records_the_indicator():
    old = Checklist.objects.get(code="lionrock-default", version="2026.1")
    assert not old.is_active
    asked = old.indicators.exclude(stage=Indicator.Stage.FORCED_LABOUR)
    assert set(asked.values_list("indicated_by", flat=True)) == {"yes"}


def test_2026_2_differs_from_2026_1_only_in_polarity_and_the_wording_of_questions():
    def load(path):
        return {i["code"]: i for i in json.loads(path.read_text(encoding="utf-8"))["indicators"]}

    old, new = load(checklists.DEFAULT_2026_1_PATH), load(checklists.DEFAULT_PATH)
    assert old.keys() == new.keys()
    for code, item in old.items():
        kept = {
            k: v for k, v in new[code].items() if k not in ("indicated_by", "questions_en", "questions_zh")
        }
        assert kept == {k: v for k, v in item.items() if k not in ("questions_en", "questions_zh")}, code


def test_a_checklist_that_does_not_state_a_questions_polarity_is_refused():
    document = json.loads(checklists.DEFAULT_PATH.read_text(encoding="utf-8"))
    del document["indicators"][3]["indicated_by"]
    document["indicators"][4]["indicated_by"] = "maybe"
    with pytest.raises(checklists.ChecklistInvalid) as caught:
        checklists.checklist_parse(document)
    assert len([p for p in caught.value.problems if "indicated_by" in p]) == 2


def test_the_form_shows_the_question_and_what_each_answer_means_for_the_indicator():
    case = owed_case_make()
    html = (
        client_signed_in(screener_make())
        .get(reverse("screening:initial", args=[case.reference]))
        .content.decode()
    )
    row = html[html.index('id="indicator-IS-4"') :]
    row = row[: row.index("</fieldset>")]
    assert "Can you leave your workplace or where you live when you want?" in row
    assert "Not free to leave work or accommodation; watched or isolated" in row
    assert "Yes — indicator absent" in row and "No — indicator present" in row
    row = html[html.index('id="indicator-IS-3"') :]
    row = row[: row.index("</fieldset>")]
    assert "Yes — indicator present" in row and "No — indicator absent" in row


def test_stored_answers_are_converted_under_their_old_meaning_and_each_record_is_audited():
    migration = importlib.import_module("lionrock.immigration.screening.migrations.0005_answers_by_polarity")
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer, code="IS-3")
    screening = debriefing.case.initial_screening
    # As stored before answers carried their meaning: "yes" was the indicator present.
    Answer.objects.filter(screening=screening).update(presence="")
    Answer.objects.filter(screening=screening, indicator__code="IS-4").update(value="yes")
    before = AuditEntry.objects.filter(action="screening.answers.polarity_migrate").count()
    migration.forwards(apps, None)
    stored = {
        a.indicator.code: a for a in Answer.objects.filter(screening=screening).select_related("indicator")
    }
    assert stored["IS-3"].presence == Answer.Presence.PRESENT
    assert stored["IS-4"].presence == Answer.Presence.PRESENT  # the old meaning, whatever the question
    assert Answer.objects.filter(presence="").count() == 0
    entries = AuditEntry.objects.filter(action="screening.answers.polarity_migrate")
    assert entries.count() == before + 1
    assert entries.last().target_id == str(screening.pk)
    assert Debriefing.objects.filter(pk=debriefing.pk).exists()


def test_the_case_page_shows_what_each_initial_answer_meant_and_the_answer_given():
    officer = screener_make()
    case = owed_case_make()
    services.initial_screening_record(
        actor=officer, case=case, interview=interview_make(), answers=_initial_answers(IS_4="no")
    )
    html = client_signed_in(officer).get(reverse("screening:case", args=[case.reference])).content.decode()
    assert (
        "Not free to leave work or accommodation; watched or isolated: <strong>Indicator present</strong>"
        in html
    )
    assert "(answer to the question: No)" in html


def test_the_checklist_page_states_which_answer_means_each_indicator_is_present():
    html = (
        client_signed_in(screener_make())
        .get(reverse("screening:checklist", args=[checklist().pk]))
        .content.decode()
    )
    assert "Answer that means the indicator is present" in html
    row = html[html.index("<td>IS-4</td>") :]
    row = row[: row.index("</tr>")]
    assert "<td>No</td>" in row


def test_a_debriefing_not_yet_started_on_2026_1_moves_to_the_version_that_states_polarity():
    migration = importlib.import_module("lionrock.immigration.screening.migrations.0005_answers_by_polarity")
    old = Checklist.objects.get(code="lionrock-default", version="2026.1")
    debriefing = screened_with_indicator(owed_case_make(), screener_make())
    answered = screened_with_indicator(owed_case_make(), screener_make(), code="IS-3")
    Debriefing.objects.filter(pk__in=[debriefing.pk, answered.pk]).update(checklist=old)
    Answer.objects.create(
        debriefing=answered,
        indicator=old.indicators.get(code="CD-S2"),
        value="yes",
        presence=Answer.Presence.PRESENT,
    )
    migration.forwards(apps, None)
    assert Debriefing.objects.get(pk=debriefing.pk).checklist == checklist()
    assert Debriefing.objects.get(pk=answered.pk).checklist == old
    moved = AuditEntry.objects.filter(action="screening.debriefing.checklist_update")
    assert [entry.target_id for entry in moved] == [str(debriefing.pk)]
