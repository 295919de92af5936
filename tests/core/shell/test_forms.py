"""The platform's form renderer writes Django's own markup: every widget kind, with and without errors."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import Jinja2

from lionrock.core.shell.forms import LEAN_TEMPLATES, FormRenderer
from lionrock.immigration.enforcement.forms import ArrestForm, PremisesForm


def _markup(html: str) -> str:
    """The markup with the layout whitespace between tags taken out (the templates are laid out apart)."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


class EveryWidget(forms.Form):
    name = forms.CharField(label="Name <em>", help_text="As on the document", max_length=40)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    age = forms.IntegerField(min_value=0, required=False)
    born = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    email = forms.EmailField(required=False, disabled=True, initial='a"b@example.org')
    website = forms.URLField(required=False, label="Website?", assume_scheme="https")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, initial="<b>x</b>\n")
    agreed = forms.BooleanField(required=False, label_suffix="")
    kind = forms.ChoiceField(choices=[("", "—"), ("a", "A & B"), ("b", "B")])
    grouped = forms.ChoiceField(
        choices=[("Land", [("car", "Car"), ("van", "Van")]), ("Sea", [("boat", "Boat")])], required=False
    )
    many = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y <y>")], widget=forms.CheckboxSelectMultiple, required=False
    )
    one = forms.ChoiceField(choices=[("p", "P"), ("q", "Q")], widget=forms.RadioSelect)
    attachment = forms.FileField(required=False)
    token = forms.CharField(widget=forms.HiddenInput, initial="t<1>")

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("The whole form is wrong.")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "", "at": "not a time", "kind": "z", "many": ["x", "w"], "one": "p", "note": "line\n"},
        {"name": "Chan", "at": "2026-12-05T10:00", "kind": "a", "grouped": "van", "one": "q", "agreed": "on"},
    ],
    ids=["unbound", "with field errors", "with a form error"],
)
def test_every_widget_renders_with_the_same_markup_as_django(data: dict[str, object] | None) -> None:
    ours = EveryWidget(data, renderer=FormRenderer())
    djangos = EveryWidget(data, renderer=Jinja2())
    assert _markup(str(ours)) == _markup(str(djangos))
    assert "&lt;em&gt;" in str(ours)
    if data is not None:
        assert ours.errors


def test_each_field_rendered_alone_has_the_same_markup_as_django() -> None:
    ours = EveryWidget({"name": "<script>"}, renderer=FormRenderer())
    djangos = EveryWidget({"name": "<script>"}, renderer=Jinja2())
    for name in EveryWidget.base_fields:
        assert _markup(str(ours[name])) == _markup(str(djangos[name])), name
        assert _markup(ours[name].label_tag()) == _markup(djangos[name].label_tag()), name
    assert "<script>" not in str(ours)


def test_the_arrest_and_premises_forms_render_as_django_renders_them() -> None:
    premises = [(1, "Shop 3, 12 Nathan Road")]
    offences = [("IO-38AA", "s.38AA: Breach of condition of stay"), ("IO-17I", "s.17I: Employing")]

    def page(renderer: Jinja2) -> str:
        arrest = ArrestForm(premises=premises, offences=offences, renderer=renderer)
        return _markup(str(arrest) + str(PremisesForm(renderer=renderer)))

    assert page(FormRenderer()) == page(Jinja2())
    assert 'name="offences"' in page(FormRenderer())


def test_every_written_out_template_exists() -> None:
    renderer = FormRenderer()
    for django_name, lean_name in LEAN_TEMPLATES.items():
        assert renderer.get_template(django_name).template.name == lean_name
