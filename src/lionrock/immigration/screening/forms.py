"""Forms for cases, interviews (initial screening and debriefing), reviews, referrals and checklists."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.immigration.enforcement.models import Person
from lionrock.immigration.screening.models import Case, Debriefing, Indicator, Referral

ANSWER_PREFIX = "answer_"
NOTE_PREFIX = "note_"


def answer_choices(indicator: Indicator) -> list[tuple[str, Any]]:
    """Yes / No / Unknown to the question as asked, each with what it means for the indicator."""
    if indicator.indicated_by == "no":
        return [
            ("yes", _("Yes — indicator absent")),
            ("no", _("No — indicator present")),
            ("unknown", _("Unknown — not known")),
        ]
    return [
        ("yes", _("Yes — indicator present")),
        ("no", _("No — indicator absent")),
        ("unknown", _("Unknown — not known")),
    ]


def _blank(choices: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", _("— choose —")), *choices]


class IndicatorRow(NamedTuple):
    """One indicator on an interview page: the question's answer and note fields, the indicator's
    wording in the reader's language, and what the initial screening established for it."""

    indicator: Indicator
    answer: forms.BoundField
    note: forms.BoundField
    text: str
    established: list[Any]


class CaseForm(forms.Form):
    """A person who was not arrested: came forward, returned from abroad, referred by an NGO."""

    origin = forms.ChoiceField(
        label=_("How the person came to us"),
        choices=_blank([c for c in Case.Origin.choices if c[0] != Case.Origin.ARREST]),
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.UNKNOWN)
    age = forms.IntegerField(label=_("Age"), min_value=1, max_value=109, required=False)
    nationality = forms.CharField(
        label=_("Nationality"), max_length=3, required=False, help_text=_("Three-letter code, e.g. HKG, PHL.")
    )
    preferred_language = forms.CharField(label=_("Preferred language"), max_length=40, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    needs = forms.CharField(label=_("Needs"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class SupportDetailsForm(forms.Form):
    preferred_language = forms.CharField(label=_("Preferred language"), max_length=40, required=False)
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    needs = forms.CharField(label=_("Needs"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class InterviewForm(forms.Form):
    """Who, when, where, language, interpreter, length, breaks, consent, information; then the answers."""

    started_at = forms.DateTimeField(
        label=_("Started at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Length of the interview (minutes)"), min_value=1, max_value=1440
    )
    breaks_offered = forms.IntegerField(label=_("Breaks offered"), min_value=0, max_value=50, initial=0)
    breaks_taken = forms.IntegerField(label=_("Breaks taken"), min_value=0, max_value=50, initial=0)
    location = forms.CharField(label=_("Where"), max_length=200)
    language = forms.CharField(label=_("Language used"), max_length=40)
    interpreter = forms.CharField(label=_("Interpreter (name or service)"), max_length=200, required=False)
    consent_given = forms.BooleanField(label=_("The person consented to the interview"), required=False)
    information_given = forms.BooleanField(
        label=_("The person was told their rights and the support available"), required=False
    )

    def __init__(self, *args: Any, indicators: list[Indicator], language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.interview_language = language
        # Per code, the initial-screening answers that established the indicator (set by the view).
        self.established: dict[str, list[Any]] = {}
        for indicator in indicators:
            # The officer answers the question as asked; beside each answer, what it means for the indicator.
            questions = indicator.questions(language)
            self.fields[ANSWER_PREFIX + indicator.code] = forms.ChoiceField(
                label=questions[0] if questions else indicator.text(language),
                choices=answer_choices(indicator),
                widget=forms.RadioSelect,
                help_text=" ".join(questions[1:]),
                error_messages={"required": _("Answer yes, no or unknown.")},
            )
            self.fields[NOTE_PREFIX + indicator.code] = forms.CharField(
                label=_("Notes and evidence: %(code)s") % {"code": indicator.code},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            indicator.code: (
                data.get(ANSWER_PREFIX + indicator.code, ""),
                data.get(NOTE_PREFIX + indicator.code, ""),
            )
            for indicator in self.indicators
        }

    def interview_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in InterviewForm.base_fields]

    def indicator_rows(self) -> list[IndicatorRow]:
        return [
            IndicatorRow(
                i,
                self[ANSWER_PREFIX + i.code],
                self[NOTE_PREFIX + i.code],
                i.text(self.interview_language),
                self.established.get(i.code, []),
            )
            for i in self.indicators
        ]


class InitialScreeningForm(InterviewForm):
    reasons = forms.CharField(
        label=_("Your reasons, if no indicator is present"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    debriefer = forms.TypedChoiceField(
        label=_("Assign the debriefing to (if required)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["debriefer"].choices = officers  # type: ignore[attr-defined]


class DebriefingForm(InterviewForm):
    exploitation = forms.ChoiceField(
        label=_("Form of exploitation"), choices=Debriefing.Exploitation.choices, widget=forms.RadioSelect
    )
    decision = forms.ChoiceField(label=_("Your decision"), choices=_blank(Debriefing.Recommendation.choices))
    decision_reasons = forms.CharField(
        label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class RouteForm(forms.Form):
    supervisor = forms.TypedChoiceField(label=_("Supervisor to review it"), coerce=int)

    def __init__(self, *args: Any, supervisors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].choices = _blank(supervisors)  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Review"),
        choices=[("1", _("Approve the decision")), ("0", _("Return for more work"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class ReferralForm(forms.Form):
    offering = forms.TypedChoiceField(label=_("Service and provider"), coerce=int)
    needs = forms.CharField(
        label=_("What the person needs from this service"), widget=forms.Textarea(attrs={"rows": 3})
    )
    consent_given = forms.BooleanField(label=_("The person consented to this referral"), required=False)
    override_reason = forms.CharField(
        label=_("Supervisors only: reason for referring without consent"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, offerings: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offering"].choices = _blank(offerings)  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)

    def __init__(self, *args: Any, officers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = officers  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class ProviderUpdateForm(forms.Form):
    state = forms.ChoiceField(
        label=_("New state"),
        choices=_blank(
            [
                (s.value, s.label)
                for s in (
                    Referral.State.ACCEPTED,
                    Referral.State.DECLINED,
                    Referral.State.IN_PROGRESS,
                    Referral.State.COMPLETED,
                )
            ]
        ),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )


class ChecklistImportForm(forms.Form):
    file = forms.FileField(
        label=_("Checklist file (JSON or YAML)"),
        help_text=_("At most 1 MB."),
        widget=forms.FileInput(attrs={"accept": ".json,.yaml,.yml,application/json"}),
    )
    activate = forms.BooleanField(label=_("Use it for new screenings once loaded"), required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
