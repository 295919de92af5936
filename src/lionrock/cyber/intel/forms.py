"""Forms for browsing the store, writing indicators and reports, and managing collections and groups."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import services
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.intel.validation import ID_RE, SCO_TYPES, SDO_REQUIRED

Choices = list[tuple[Any, Any]]

STIX_TYPES = sorted({*SDO_REQUIRED, *SCO_TYPES})
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


def _any(choices: Choices) -> Choices:
    return [("", _("Any")), *choices]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(label: Any, *, required: bool, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=help_text,
    )


def labels_parse(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


class ObjectFilterForm(forms.Form):
    """Search by value, type, label, creating organisation, collection, TLP and the date shared."""

    q = forms.CharField(
        label=_("Value or text"),
        max_length=500,
        required=False,
        help_text=_("An address, domain, URL, email or hash finds every object naming it."),
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=_any([(t, t) for t in STIX_TYPES]))
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    organisation = forms.ChoiceField(label=_("Created by"), required=False)
    collection = forms.ChoiceField(label=_("Collection"), required=False)
    tlp = forms.ChoiceField(label=_("TLP"), required=False, choices=_any(list(Tlp.choices)))
    since = forms.DateField(
        label=_("Added from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Added to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expiring = forms.BooleanField(label=_("Expiring within 7 days"), required=False, label_suffix="")
    revoked = forms.BooleanField(label=_("Include revoked"), required=False, label_suffix="")

    def __init__(self, *args: Any, organisations: Choices, collections: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _any(organisations)  # type: ignore[attr-defined]
        self.fields["collection"].choices = _any(collections)  # type: ignore[attr-defined]

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments for selectors.stix_objects_search (nothing when the form is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "value": data["q"],
            "stix_type": data["type"],
            "label": data["label"],
            "organisation": data["organisation"],
            "collection": data["collection"],
            "tlp": data["tlp"],
            "added_since": data["since"],
            "added_until": data["until"],
            "expiring_within_days": 7 if data["expiring"] else None,
            "include_revoked": data["revoked"],
        }


WIDE_FIELDS = frozenset(
    {
        "name",
        "description",
        "pattern",
        "object_refs",
        "more_refs",
        "recipient_organisations",
        "recipient_users",
    }
)


class _SharingFields(forms.Form):
    """TLP, collection and recipients, shared by the indicator and report forms."""

    SECTIONS: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def sections(self) -> list[tuple[Any, list[tuple[forms.BoundField, bool]]]]:
        """The fields in titled groups, for a form that reads top to bottom."""
        return [
            (legend, [(self[name], name in WIDE_FIELDS) for name in names]) for legend, names in self.SECTIONS
        ]

    tlp = forms.ChoiceField(
        label=_("TLP"),
        required=False,
        help_text=_("Leave empty to use the collection's default."),
    )
    collection = forms.ChoiceField(label=_("Collection"))
    recipient_organisations = forms.MultipleChoiceField(
        label=_("Recipient organisations (TLP:AMBER+STRICT)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Besides your organisation and those granted the collection directly."),
    )
    recipient_users = forms.MultipleChoiceField(
        label=_("Recipient people (TLP:RED)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Besides you and the collection's named RED recipients."),
    )

    def __init__(
        self,
        *args: Any,
        collections: Choices,
        organisations: Choices,
        people: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tlp"].choices = [("", _("Collection default")), *Tlp.choices]  # type: ignore[attr-defined]
        self.fields["collection"].choices = collections  # type: ignore[attr-defined]
        self.fields["recipient_organisations"].choices = organisations  # type: ignore[attr-defined]
        self.fields["recipient_users"].choices = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = data.get("tlp") or ""
        if data.get("recipient_organisations") and level != Tlp.AMBER_STRICT:
            self.add_error(
                "recipient_organisations", _("Recipient organisations apply to TLP:AMBER+STRICT only.")
            )
        if data.get("recipient_users") and level != Tlp.RED:
            self.add_error("recipient_users", _("Recipient people apply to TLP:RED only."))
        return data

    @property
    def tlp_value(self) -> Tlp | None:
        return Tlp(self.cleaned_data["tlp"]) if self.cleaned_data.get("tlp") else None


class IndicatorForm(_SharingFields):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    description = forms.CharField(
        label=_("Description"),
        max_length=services.MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    value_type = forms.ChoiceField(
        label=_("Kind of value"),
        required=False,
        choices=[("", _("— write a pattern instead —")), *[(k, k) for k in services.VALUE_TYPES]],
    )
    value = forms.CharField(
        label=_("Value"),
        max_length=2000,
        required=False,
        help_text=_("One address, network, domain, URL, email address or file hash; the pattern is built."),
    )
    pattern = forms.CharField(
        label=_("STIX pattern"),
        max_length=services.MAX_PATTERN,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("For example [domain-name:value = 'login.example.com']. Used when no value is given."),
    )
    valid_from = _datetime_field(_("Valid from"), required=True)
    valid_until = _datetime_field(
        _("Valid until"), required=False, help_text=_("Leave empty when there is no known end.")
    )
    labels = forms.CharField(
        label=_("Labels"),
        max_length=2000,
        required=False,
        help_text=_("Separated by commas, e.g. phishing, botnet."),
    )
    confidence = forms.IntegerField(
        label=_("Confidence (0 to 100)"), min_value=0, max_value=100, required=False
    )

    SECTIONS = (
        (_("What it is"), ("name", "description")),
        (_("What to look for"), ("value_type", "value", "pattern")),
        (_("When and how sure"), ("valid_from", "valid_until", "confidence", "labels")),
        (_("Who may see it"), ("tlp", "collection", "recipient_organisations", "recipient_users")),
    )
    field_order = [
        "name",
        "description",
        "value_type",
        "value",
        "pattern",
        "valid_from",
        "valid_until",
        "labels",
        "confidence",
        "tlp",
        "collection",
        "recipient_organisations",
        "recipient_users",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("value", "").strip():
            try:
                data["pattern"] = services.pattern_for_value(
                    value_type=data.get("value_type", ""), value=data["value"]
                )
            except ValidationFailed as exc:
                self.add_error("value", str(exc))
        elif not data.get("pattern", "").strip() and "pattern" not in self.errors:
            self.add_error("pattern", _("Give a STIX pattern, or a value and its kind."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("Must be later than “valid from”."))
        if len(labels_parse(data.get("labels", ""))) > services.MAX_LABELS:
            self.add_error("labels", _("Use at most %(max)s labels.") % {"max": services.MAX_LABELS})
        elif any(len(label) > services.MAX_LABEL for label in labels_parse(data.get("labels", ""))):
            self.add_error(
                "labels", _("Each label must be at most %(max)s characters.") % {"max": services.MAX_LABEL}
            )
        return data

    def draft(self) -> services.IndicatorDraft:
        data = self.cleaned_data
        return services.IndicatorDraft(
            name=data["name"],
            pattern=data["pattern"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            description=data.get("description", ""),
            labels=labels_parse(data.get("labels", "")),
            confidence=data.get("confidence"),
            tlp=self.tlp_value,
        )


class ReportForm(_SharingFields):
    name = forms.CharField(label=_("Name"), max_length=services.MAX_NAME)
    description = forms.CharField(
        label=_("Description"),
        max_length=services.MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    published = _datetime_field(_("Published"), required=True)
    object_refs = forms.MultipleChoiceField(
        label=_("Objects in the report"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Recent objects you can see; hold Ctrl or Shift to choose several."),
    )
    more_refs = forms.CharField(
        label=_("More object ids"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One STIX id per line, for objects not in the list above."),
    )
    labels = forms.CharField(label=_("Labels"), max_length=2000, required=False)

    SECTIONS = (
        (_("What it is"), ("name", "description", "published", "labels")),
        (_("What it cites"), ("object_refs", "more_refs")),
        (_("Who may see it"), ("tlp", "collection", "recipient_organisations", "recipient_users")),
    )
    field_order = [
        "name",
        "description",
        "published",
        "object_refs",
        "more_refs",
        "labels",
        "tlp",
        "collection",
        "recipient_organisations",
        "recipient_users",
    ]

    def __init__(self, *args: Any, objects: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_refs"].choices = objects  # type: ignore[attr-defined]

    def clean_more_refs(self) -> list[str]:
        refs = [line.strip() for line in self.cleaned_data["more_refs"].splitlines() if line.strip()]
        bad = [ref for ref in refs if not ID_RE.match(ref)]
        if bad:
            raise forms.ValidationError(
                _("Not a STIX identifier: %(ids)s") % {"ids": ", ".join(ref[:80] for ref in bad[:3])}
            )
        return refs

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("object_refs") and not data.get("more_refs") and "more_refs" not in self.errors:
            self.add_error("object_refs", _("Choose at least one object for the report."))
        return data

    def draft(self) -> services.ReportDraft:
        data = self.cleaned_data
        return services.ReportDraft(
            name=data["name"],
            published=data["published"],
            object_refs=[*data.get("object_refs", []), *data.get("more_refs", [])],
            description=data.get("description", ""),
            labels=labels_parse(data.get("labels", "")),
            tlp=self.tlp_value,
        )


class CollectionForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owned by"))
    alias = forms.SlugField(
        label=_("Short code"),
        max_length=80,
        help_text=_("Letters, digits and hyphens; used in URLs and TAXII."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    default_tlp = forms.ChoiceField(label=_("Default TLP"), choices=Tlp.choices, initial=Tlp.AMBER)
    max_tlp = forms.ChoiceField(
        label=_("Most restrictive TLP accepted"), choices=Tlp.choices, initial=Tlp.AMBER_STRICT
    )

    def __init__(self, *args: Any, owners: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    ACCESS = (
        ("read", _("Read")),
        ("write", _("Read and write")),
        ("none", _("No access (remove the grant)")),
    )
    grantee = forms.ChoiceField(label=_("Organisation or sharing group"))
    access = forms.ChoiceField(label=_("Access"), choices=ACCESS, initial="read")

    def __init__(self, *args: Any, organisations: Choices, groups: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = [  # type: ignore[attr-defined]
            (_("Organisations"), [(f"org:{slug}", name) for slug, name in organisations]),
            (_("Sharing groups"), [(f"group:{slug}", name) for slug, name in groups]),
        ]


class RedRecipientsForm(forms.Form):
    users = forms.MultipleChoiceField(
        label=_("People who receive every TLP:RED object in this collection"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = people  # type: ignore[attr-defined]


class SharingGroupForm(forms.Form):
    slug = forms.SlugField(label=_("Short code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    organisations = forms.MultipleChoiceField(
        label=_("Member organisations"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )

    def __init__(self, *args: Any, organisations: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = organisations  # type: ignore[attr-defined]
