"""The debriefing saves as the officer goes, and starts from what the initial screening established."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import services
from lionrock.immigration.screening.models import Answer, Debriefing, Indicator
from tests.immigration.screening.factories import (
    answers_make,
    client_signed_in,
    interview_make,
    owed_case_make,
    screened_with_indicator,
    screener_make,
)

pytestmark = pytest.mark.django_db


def _page(client, debriefing) -> str:
    return client.get(reverse("screening:debriefing", args=[debriefing.pk])).content.decode()


def _checked(row: str) -> str:
    """The value of the radio button checked in one indicator's row."""
    found = re.findall(r'<input type="radio"[^>]*value="([^"]+)"[^>]*\bchecked', row)
    assert len(found) == 1, found
    return found[0]


def _row(html: str, code: str) -> str:
    row = html[html.index(f'id="indicator-{code}"') :]
    return row[: row.index("</fieldset>")]


def test_an_answer_saved_as_you_go_is_kept_on_the_server_and_shown_again_in_a_new_session():
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer)
    response = client_signed_in(officer).post(
        reverse("screening:debriefing_draft", args=[debriefing.pk]),
        {"answer_CD-M2": "no", "note_CD-M2": "Cannot refuse clients.", "location": "Room 3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    answer = Answer.objects.get(debriefing=debriefing, indicator__code="CD-M2")
    assert (answer.value, answer.presence, answer.note) == ("no", "present", "Cannot refuse clients.")
    debriefing.refresh_from_db()
    assert debriefing.location == "Room 3" and debriefing.draft_saved_at is not None
    assert debriefing.state == Debriefing.State.ASSIGNED and debriefing.recommendation == ""
    html = _page(client_signed_in(officer), debriefing)  # another session, as after a timeout
    row = _row(html, "CD-M2")
    assert _checked(row) == "no"
    assert "Cannot refuse clients." in row
    assert 'value="Room 3"' in html
    entry = AuditEntry.objects.filter(action="screening.debriefing.draft").get()
    assert entry.target_id == str(debriefing.pk)


def test_the_save_draft_button_keeps_a_half_filled_debriefing_and_returns_to_it():
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer)
    html = _page(client_signed_in(officer), debriefing)
    assert "Save draft" in html and reverse("screening:debriefing_draft", args=[debriefing.pk]) in html
    response = client_signed_in(officer).post(
        reverse("screening:debriefing_draft", args=[debriefing.pk]),
        {"answer_DR-S1": "yes", "answer_EC-S1": "unknown", "decision_reasons": "So far: recruited abroad."},
    )
    assert response.status_code == 302
    assert Answer.objects.filter(debriefing=debriefing).count() >= 2
    debriefing.refresh_from_db()
    assert debriefing.decision_reasons == "So far: recruited abroad."


def test_submitting_after_drafts_records_exactly_the_submitted_answers():
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer)
    services.debriefing_draft_save(
        actor=officer,
        debriefing=debriefing,
        draft=services.DebriefingDraft(answers={"CD-M2": ("no", "draft")}),
    )
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(),
        exploitation="labour",
        answers=answers_make(Indicator.Stage.DEBRIEFING),
        decision="not_identified",
        decision_reasons="Nothing found on a full interview.",
    )
    assert debriefing.answers.count() == 67
    assert not debriefing.answers.filter(presence="present").exists()


def test_a_submitted_debriefing_takes_no_more_drafts():
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer)
    services.debriefing_record(
        actor=officer,
        debriefing=debriefing,
        interview=interview_make(),
        exploitation="labour",
        answers=answers_make(Indicator.Stage.DEBRIEFING),
        decision="not_identified",
        decision_reasons="Nothing found.",
    )
    with pytest.raises(ValidationFailed, match="submitted"):
        services.debriefing_draft_save(
            actor=officer,
            debriefing=debriefing,
            draft=services.DebriefingDraft(answers={"CD-M2": ("no", "")}),
        )


def test_the_debriefing_is_prefilled_with_what_the_initial_screening_established_and_marked_so():
    officer = screener_make()
    # IS-2, documents kept by someone else, maps to CR-M2 and CD-S1.
    debriefing = screened_with_indicator(owed_case_make(), officer, code="IS-2")
    html = _page(client_signed_in(officer), debriefing)
    row = _row(html, "CD-S1")
    assert "From the initial screening" in row and "IS-2" in row
    assert 'data-prefilled="CD-S1"' in row
    # CD-S1 is asked "Does someone else keep your passport…?": a Yes is the indicator present.
    assert _checked(row) == "yes"
    assert "From the initial screening" not in _row(html, "CD-M2")
    assert "From the initial screening" not in _row(html, "CR-S1")


def test_an_answer_the_officer_changed_is_not_overwritten_by_the_prefill():
    officer = screener_make()
    debriefing = screened_with_indicator(owed_case_make(), officer, code="IS-2")
    services.debriefing_draft_save(
        actor=officer,
        debriefing=debriefing,
        draft=services.DebriefingDraft(answers={"CD-S1": ("no", "Passport returned since.")}),
    )
    row = _row(_page(client_signed_in(officer), debriefing), "CD-S1")
    assert "From the initial screening" in row
    assert _checked(row) == "no" and "Passport returned since." in row
