"""Forms of the drill pages: plan from a template, add an inject, score by hand, add a finding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.cyber.drills.models import Capability, Inject
from lionrock.cyber.drills.scenarios import templates


class ExerciseForm(forms.Form):
    template = forms.ChoiceField(label=_("Scenario template"))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Planned start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    teams = forms.MultipleChoiceField(label=_("Participating teams"), widget=forms.CheckboxSelectMultiple)
    lines_per_team = forms.IntegerField(label=_("Log lines per team"), min_value=100, initial=5000)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            (t.slug, f"{t.name_en} / {t.name_zh} (v{t.version})") for t in templates().values()
        ]
        self.fields["teams"].choices = organisations  # type: ignore[attr-defined]


class InjectForm(forms.Form):
    offset_minutes = forms.IntegerField(label=_("Minutes from the start"), min_value=0)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Message (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    channel = forms.ChoiceField(
        label=_("Delivery"),
        choices=[(c.value, c.label) for c in Inject.Channel if c != Inject.Channel.ARTEFACT],
    )
    technique = forms.CharField(label=_("ATT&CK technique"), max_length=16, required=False)
    teams = forms.MultipleChoiceField(
        label=_("Target teams (none: every team)"), widget=forms.CheckboxSelectMultiple, required=False
    )
    capability = forms.ChoiceField(
        label=_("Expected action"), choices=[("", "—"), *Capability.choices], required=False
    )
    expected_text = forms.CharField(label=_("What is expected"), max_length=300, required=False)
    deadline_minutes = forms.IntegerField(label=_("Deadline (minutes)"), min_value=1, required=False)

    def __init__(self, *args: Any, teams: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].choices = teams  # type: ignore[attr-defined]


class ManualScoreForm(forms.Form):
    expectation = forms.IntegerField(widget=forms.HiddenInput)
    team = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.IntegerField(label=_("Score"), min_value=0)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    improvement = forms.CharField(label=_("Improvement"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label=_("Owner"))
    due = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class HotWashForm(forms.Form):
    went_well = forms.CharField(label=_("What went well?"), widget=forms.Textarea(attrs={"rows": 3}))
    to_improve = forms.CharField(
        label=_("What should be improved?"), widget=forms.Textarea(attrs={"rows": 3})
    )
