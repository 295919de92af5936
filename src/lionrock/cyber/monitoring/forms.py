from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.cyber.intel.tlp import Tlp


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class MatchRunForm(forms.Form):
    logs = MultipleFileField(
        label=_("Log files"),
        help_text=_("Zeek, Suricata EVE, Apache/Nginx, BIND, dnsmasq, nfdump CSV or CEF; .gz is fine."),
    )
    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    collection = forms.ChoiceField(label=_("Store sightings in"))
    tlp = forms.ChoiceField(label=_("TLP of the sightings"), choices=Tlp.choices, initial=Tlp.AMBER_STRICT)

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        collections: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.fields["collection"].choices = collections  # type: ignore[attr-defined]


class WatchForm(forms.Form):
    path = forms.CharField(label=_("Directory on the server"), max_length=1024)
    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    collection = forms.ChoiceField(label=_("Store sightings in"))
    tlp = forms.ChoiceField(label=_("TLP of the sightings"), choices=Tlp.choices, initial=Tlp.AMBER_STRICT)

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[int, str]],
        collections: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.fields["collection"].choices = collections  # type: ignore[attr-defined]
