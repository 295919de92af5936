from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lionrock.core.notifications.models import Preference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label=_("E-mail"), choices=Preference.Email.choices, widget=forms.RadioSelect)
