"""Forms of the incident desk: the report, triage actions, sharing IOCs, and the statutory clocks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lionrock.cyber.incidents.models import Incident, Pap
from lionrock.cyber.incidents.services import IncidentDraft, ObservableIn
from lionrock.cyber.incidents.taxonomy import classification_choices
from lionrock.cyber.intel.correlation import value_normalise
from lionrock.cyber.intel.tlp import Tlp

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
_HASH_TYPES = {32: "file-md5", 40: "file-sha1", 64: "file-sha256"}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _moment(label: Any, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput(), help_text=help_text
    )


def observable_type_guess(value: str) -> str:
    """The observable type of a value typed on a line; "" when it is none Lionrock knows."""
    found = value_normalise(value)
    if found is None:
        return ""
    kind, canonical = found
    if kind in ("ip", "address"):
        return "ipv6-addr" if ":" in canonical else "ipv4-addr"
    if kind == "hash":
        return _HASH_TYPES.get(len(canonical), "")
    return {"domain": "domain-name", "url": "url", "email": "email-addr"}.get(kind, "")


def observables_parse(text: str, *, ioc: bool) -> list[ObservableIn]:
    items = []
    for line in text.splitlines():
        value = line.strip()
        if value:
            items.append(ObservableIn(type=observable_type_guess(value) or "unknown", value=value, ioc=ioc))
    return items


def emails_parse(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class RecipientsForm(forms.Form):
    recipients = forms.CharField(
        label=_("Name more people"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One e-mail address per line."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def uploads_read(files: Any) -> list[tuple[str, bytes]]:
    return [(upload.name, upload.read()) for upload in files or []]


class AttachForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Evidence files"),
        help_text=_("Screenshots, PDFs or text exports; up to 10 files of 10 MB each."),
    )


class IncidentForm(forms.Form):
    exercise = forms.TypedChoiceField(
        label=_("Drill report for exercise"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty for a real incident."),
    )
    title = forms.CharField(label=_("Title"), max_length=250)
    classification = forms.ChoiceField(
        label=_("Classification"),
        help_text=_("The Reference Security Incident Taxonomy (RSIT) used by CERTs."),
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Incident.Severity.choices, initial="medium")
    serious = forms.BooleanField(
        label=_("Serious: an essential service is disrupted"),
        required=False,
        help_text=_(
            "A serious incident must be notified sooner (12 hours under the critical-infrastructure regime)."
        ),
    )
    affected_services = forms.CharField(
        label=_("Affected services"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    affected_systems = forms.CharField(
        label=_("Affected systems"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    detected_at = _moment(_("Detected at"), _("Hong Kong time."))
    aware_at = _moment(_("Became aware at"), _("The notification deadline runs from this moment."))
    impact_users = forms.IntegerField(label=_("Users affected"), required=False, min_value=0)
    impact_minutes = forms.IntegerField(label=_("Disruption (minutes)"), required=False, min_value=0)
    impact_data = forms.CharField(
        label=_("Data affected"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    iocs = forms.CharField(
        label=_("Indicators of compromise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: IP addresses, domains, URLs, e-mail addresses, MD5/SHA-1/SHA-256 hashes."),
    )
    other_observables = forms.CharField(
        label=_("Other observables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Values seen in the incident that are not malicious themselves (e.g. the attacked address)."
        ),
    )
    tlp = forms.ChoiceField(label=_("TLP"), choices=Tlp.choices, initial=Tlp.AMBER)
    recipients = forms.CharField(
        label=_("People who may see a TLP:RED report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One e-mail address per line: people of your organisation and handlers of the CERT. A TLP:RED "
            "report is seen by these people only (and you); name at least one handler of the CERT."
        ),
    )
    pap = forms.ChoiceField(label=_("PAP"), choices=Pap.choices, initial=Pap.AMBER)
    attachments = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("Screenshots, PDFs or text exports; up to 10 files of 10 MB each."),
    )

    def __init__(self, *args: Any, exercises: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = [("", "—"), *classification_choices()]  # type: ignore[attr-defined]
        if exercises:  # only a team of a drill under way files drill reports
            self.fields["exercise"].choices = [("", _("None: a real incident")), *exercises]  # type: ignore[attr-defined]
        else:
            del self.fields["exercise"]

    def draft(self) -> IncidentDraft:
        data = self.cleaned_data
        return IncidentDraft(
            title=data["title"],
            classification=data["classification"],
            detected_at=data["detected_at"],
            aware_at=data["aware_at"],
            description=data["description"],
            serious=data["serious"],
            severity=data["severity"],
            affected_services=data["affected_services"],
            affected_systems=data["affected_systems"],
            impact_users=data["impact_users"],
            impact_minutes=data["impact_minutes"],
            impact_data=data["impact_data"],
            tlp=data["tlp"],
            pap=data["pap"],
            observables=observables_parse(data["iocs"], ioc=True)
            + observables_parse(data["other_observables"], ioc=False),
            attachments=uploads_read(data.get("attachments")),
            recipients=emails_parse(data["recipients"]),
        )

    @classmethod
    def initial_for(cls, incident: Incident) -> dict[str, Any]:
        observables = list(incident.observables.all())
        return {
            "title": incident.title,
            "classification": incident.classification,
            "severity": incident.severity,
            "serious": incident.serious,
            "affected_services": incident.affected_services,
            "affected_systems": incident.affected_systems,
            "detected_at": timezone.localtime(incident.detected_at),
            "aware_at": timezone.localtime(incident.aware_at),
            "impact_users": incident.impact_users,
            "impact_minutes": incident.impact_minutes,
            "impact_data": incident.impact_data,
            "description": incident.description,
            "iocs": "\n".join(o.value for o in observables if o.ioc),
            "other_observables": "\n".join(o.value for o in observables if not o.ioc),
            "tlp": incident.tlp,
            "recipients": "\n".join(
                incident.recipients.filter(user__is_active=True).values_list("user__email", flat=True)
            ),
            "pap": incident.pap,
        }


class TextForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = allowed  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    user = forms.ChoiceField(label=_("Handler"), required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Nobody")), *people]  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    summary = forms.CharField(
        label=_("Closing summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    lessons = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
    )


class LinkForm(forms.Form):
    reference = forms.CharField(label=_("Reference of the other incident"), max_length=30)


class ShareForm(forms.Form):
    organisations = forms.MultipleChoiceField(label=_("Share with organisations"), required=False)
    community = forms.BooleanField(
        label=_("Share with the whole community (TLP:CLEAR and GREEN only)"), required=False
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = organisations  # type: ignore[attr-defined]


class IndicatorShareForm(forms.Form):
    observables = forms.MultipleChoiceField(
        label=_("Indicators of compromise to share"), widget=forms.CheckboxSelectMultiple
    )
    collection = forms.ChoiceField(label=_("Collection"))
    tlp = forms.ChoiceField(label=_("TLP of the indicators"), choices=Tlp.choices, initial=Tlp.AMBER)
    include_flagged = forms.BooleanField(
        label=_("Share values on a warninglist too"),
        required=False,
        help_text=_("Values MISP warninglists name as known-benign are likely false positives."),
    )

    def __init__(
        self,
        *args: Any,
        observables: list[tuple[str, str]],
        collections: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observables"].choices = observables  # type: ignore[attr-defined]
        self.fields["collection"].choices = collections  # type: ignore[attr-defined]


class ClockForm(forms.Form):
    regime = forms.ChoiceField(label=_("Regime"))
    serious = forms.BooleanField(label=_("For serious incidents"), required=False)
    notify_hours = forms.IntegerField(
        label=_("Notify within (hours from awareness)"), min_value=1, max_value=24 * 90
    )
    report_days = forms.IntegerField(
        label=_("Written report within (days from notification)"), required=False, min_value=1, max_value=365
    )
    effective_from = forms.DateField(label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label=_("Source"), required=False, max_length=300)

    def __init__(self, *args: Any, regimes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regime"].choices = regimes  # type: ignore[attr-defined]


class RegimeEditForm(forms.Form):
    name_en = forms.CharField(label=pgettext_lazy("name of a thing", "Name (English)"), max_length=200)
    name_zh = forms.CharField(
        label=pgettext_lazy("name of a thing", "Name (Chinese)"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_from = forms.DateField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    effective_until = forms.DateField(
        label=_("In force until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RegimeForm(RegimeEditForm):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Lower-case letters, digits and hyphens, e.g. cap653.")
    )
    handling_organisation = forms.ChoiceField(label=_("Handling organisation"))
    is_default = forms.BooleanField(label=_("Default regime for new reports"), required=False)

    field_order = ("code", "name_en", "name_zh", "description", "handling_organisation")

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handling_organisation"].choices = organisations  # type: ignore[attr-defined]
