"""Forms for major events: the event, participants, services and assets, roster, readiness and the watch."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.cyber.events.models import Asset, Event, ReadinessEntry
from lionrock.cyber.events.services import EventDraft
from lionrock.cyber.incidents.forms import MultipleFileField

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _moment(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _day(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class EventForm(forms.Form):
    slug = forms.SlugField(
        label=_("Short name"), max_length=80, help_text=_("Used in addresses, e.g. national-games-2025.")
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=250)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=250)
    starts_on = _day(_("First day"))
    ends_on = _day(_("Last day"))
    watch_starts_at = _moment(_("Watch starts"))
    watch_ends_at = _moment(_("Watch ends"))
    venues = forms.CharField(
        label=_("Venues"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def draft(self) -> EventDraft:
        return EventDraft(**self.cleaned_data)


class ParticipantForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    coordinator = forms.BooleanField(
        label=_("Coordinates the event (sees every organisation's data)"), required=False
    )
    responsibility = forms.CharField(label=_("Responsibility"), max_length=250, required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class ServiceForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    name = forms.CharField(label=_("Critical service"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class AssetForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Asset.Kind.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=300,
        help_text=_("e.g. tickets.example.hk, 203.0.113.0/24, 2001:db8::/48, AS64500"),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services  # type: ignore[attr-defined]


class RosterForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    person = forms.CharField(label=_("Person on duty"), max_length=200)
    role = forms.CharField(label=_("Role"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    starts_at = _moment(_("From"))
    ends_at = _moment(_("Until"))

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]


class ReadinessForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    item = forms.ChoiceField(label=_("Checklist item"))
    status = forms.ChoiceField(label=_("Status"), choices=ReadinessEntry.Status.choices)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    evidence_files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Test reports, screenshots or plans (PDF, image or text)."),
    )

    def __init__(
        self, *args: Any, organisations: list[tuple[str, str]], items: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.fields["item"].choices = items  # type: ignore[attr-defined]


class AlertLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Alert level"), choices=Event.AlertLevel.choices)
    note = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class ShiftLogForm(forms.Form):
    text = forms.CharField(
        label=_("Shift log entry"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class LessonsForm(forms.Form):
    lessons = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
    )
