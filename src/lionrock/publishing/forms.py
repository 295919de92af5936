"""Forms for the press officers' pages; services do the checking that matters."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def _when() -> forms.DateTimeField:
    return forms.DateTimeField(
        label=_("Release at (Hong Kong time)"),
        help_text=_("The embargo: the public sees the release from this moment."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ReleaseNewForm(forms.Form):
    source = forms.ChoiceField(label=_("Announce"))
    release_at = _when()
    place_en = forms.CharField(
        label=_("Place as the release gives it (English)"),
        required=False,
        max_length=300,
        help_text=_(
            "Optional, e.g. “premises under renovation in a public housing estate in Sheung Shui”. "
            "Without it the release names the type of premises."
        ),
    )
    place_zh = forms.CharField(
        label=_("Place as the release gives it (Chinese)"), required=False, max_length=300
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = choices  # type: ignore[attr-defined]


class ReleaseEditForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 18}))
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300)
    body_zh = forms.CharField(label=_("Text (Chinese)"), widget=forms.Textarea(attrs={"rows": 18}))
    release_at = _when()
    change_note_en = forms.CharField(
        label=_("What this correction changes (English)"), required=False, max_length=500
    )
    change_note_zh = forms.CharField(
        label=_("What this correction changes (Chinese)"), required=False, max_length=500
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it goes back"), max_length=500)


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 22}))
    phrases = forms.CharField(label=_("Phrases (JSON)"), widget=forms.Textarea(attrs={"rows": 16}))
    note = forms.CharField(label=_("What changed"), max_length=300)

    def clean_phrases(self) -> dict[str, str]:
        try:
            value = json.loads(self.cleaned_data["phrases"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("The phrases are not valid JSON: %(error)s") % {"error": exc}
            ) from exc
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise forms.ValidationError(_("The phrases must map names to text."))
        return {str(k): v for k, v in value.items()}


class MeetingForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Convening organisation"))
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name_en = forms.CharField(label=_("Meeting (English)"), max_length=300)
    name_zh = forms.CharField(label=_("Meeting (Chinese)"), max_length=300)
    convened_by_en = forms.CharField(label=_("Convened by (English)"), max_length=300)
    convened_by_zh = forms.CharField(label=_("Convened by (Chinese)"), max_length=300)
    attendees = forms.MultipleChoiceField(
        label=_("Organisations attending"), required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees_en = forms.CharField(
        label=_("Attending, as the release says it (English)"), required=False, max_length=300
    )
    attendees_zh = forms.CharField(
        label=_("Attending, as the release says it (Chinese)"), required=False, max_length=300
    )
    topics_en = forms.CharField(label=_("Topics (English)"), widget=forms.Textarea(attrs={"rows": 3}))
    topics_zh = forms.CharField(label=_("Topics (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_en = forms.CharField(
        label=_("Follow-up measures (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_zh = forms.CharField(
        label=_("Follow-up measures (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(str(org.pk), str(org)) for org in organisations]  # type: ignore[attr-defined]
        from lionrock.core.accounts.models import Organisation

        self.fields["attendees"].choices = [  # type: ignore[attr-defined]
            (str(org.pk), str(org)) for org in Organisation.objects.filter(is_active=True).order_by("name_en")
        ]
        for n in (1, 2):
            self.fields[f"speaker_en_{n}"] = forms.CharField(
                label=_("Quote %(n)s: speaker (English)") % {"n": n}, required=False, max_length=200
            )
            self.fields[f"speaker_zh_{n}"] = forms.CharField(
                label=_("Quote %(n)s: speaker (Chinese)") % {"n": n}, required=False, max_length=200
            )
            self.fields[f"quote_en_{n}"] = forms.CharField(
                label=_("Quote %(n)s: words (English)") % {"n": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"quote_zh_{n}"] = forms.CharField(
                label=_("Quote %(n)s: words (Chinese)") % {"n": n},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
