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
