"""Forms for the import wizard, exports and feeds. Choices are limited to what the actor may use."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.cyber.exchange import selectors
from lionrock.cyber.exchange.models import Feed
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES
from lionrock.cyber.intel.tlp import Tlp

IMPORT_FORMATS = [
    ("auto", _("Recognise from the content")),
    ("stix", _("STIX 2.0 or 2.1 bundle")),
    ("misp", _("MISP event (JSON)")),
    ("misp-feed", _("MISP feed (zip or tar of the feed directory)")),
    ("csv", _("CSV (a value column; MISP CSV exports too)")),
    ("text", _("Text: one value a line, or prose")),
]
EXPORT_FORMATS = [
    ("stix", _("STIX 2.1 bundle")),
    ("misp", _("MISP event (JSON)")),
    ("csv", _("CSV of indicator values")),
    ("zeek", _("Zeek Intel framework file")),
    ("suricata-dataset", _("Suricata dataset (choose the kind)")),
    ("suricata-iprep", _("Suricata IP reputation file")),
    ("list", _("Plain list of one kind")),
]
KINDS = [
    ("", _("— any —")),
    ("ip", _("IP addresses")),
    ("cidr", _("Address blocks")),
    ("domain", _("Domain names")),
    ("url", _("URLs")),
    ("email", _("Email addresses")),
    ("md5", "MD5"),
    ("sha1", "SHA-1"),
    ("sha256", "SHA-256"),
    ("ipport", _("Address and port")),
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("STIX, MISP JSON, a zipped MISP feed, CSV or a text list.")
    )
    collection = forms.ModelChoiceField(
        label=_("Into collection"), queryset=Collection.objects.none(), to_field_name="alias"
    )
    format = forms.ChoiceField(label=_("Format"), choices=IMPORT_FORMATS, initial="auto")
    tlp = forms.ChoiceField(
        label=_("TLP for objects without a marking"),
        choices=[("", _("The collection's default")), *Tlp.choices],
        required=False,
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelChoiceField[Collection]", self.fields["collection"]
        ).queryset = selectors.collections_writable(actor=actor)


class ExportForm(forms.Form):
    collection = forms.ModelChoiceField(
        label=_("Collection"), queryset=Collection.objects.none(), to_field_name="alias"
    )
    format = forms.ChoiceField(label=_("Format"), choices=EXPORT_FORMATS, initial="stix")
    kind = forms.ChoiceField(label=_("Kind of value (lists and datasets)"), choices=KINDS, required=False)
    include_warninglisted = forms.BooleanField(
        label=_("Include values on MISP warninglists"),
        required=False,
        help_text=_(
            "Zeek, Suricata and plain lists leave out known-benign values (public resolvers, CDNs, top "
            "sites) unless ticked; the number left out is shown after the download."
        ),
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelChoiceField[Collection]", self.fields["collection"]
        ).queryset = intel_selectors.collections_readable(actor=actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") in ("list", "suricata-dataset") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of value for this format."))
        return data


class FeedForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.URLField(
        label=_("TAXII 2.1 collection URL"),
        max_length=500,
        help_text=_("The collection's own URL, e.g. https://taxii.example/api1/collections/<id>/"),
    )
    collection = forms.ModelChoiceField(
        label=_("Into collection"), queryset=Collection.objects.none(), to_field_name="alias"
    )
    auth = forms.ChoiceField(label=_("Authentication"), choices=Feed.Auth.choices, initial=Feed.Auth.NONE)
    username = forms.CharField(label=_("Username"), max_length=200, required=False)
    secret = forms.CharField(
        label=_("Password or token"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty when the secret is in an environment variable."),
    )
    secret_env = forms.CharField(
        label=_("Environment variable holding the secret"),
        max_length=100,
        required=False,
        help_text=_("For example LIONROCK_FEED_ACME_TOKEN; nothing secret is then stored."),
    )
    interval_minutes = forms.IntegerField(label=_("Minutes between polls"), min_value=1, initial=60)
    verify_tls = forms.BooleanField(label=_("Verify the server's certificate"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = actor.organisations_with(*INTEL_MANAGE_ROLES)
        choices = selectors.collections_writable(actor=actor).filter(owner_id__in=orgs)
        cast("forms.ModelChoiceField[Collection]", self.fields["collection"]).queryset = choices
        self.can_add = choices.exists()
