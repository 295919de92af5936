from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.core.audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), max_length=100, required=False)
    actor_label = forms.CharField(label=_("Actor"), max_length=254, required=False)
    target_type = forms.CharField(label=_("Object type"), max_length=100, required=False)
    target_id = forms.CharField(label=_("Object id"), max_length=100, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Any")), ("problems", _("Failed or denied")), *AuditEntry.Outcome.choices],
        required=False,
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
