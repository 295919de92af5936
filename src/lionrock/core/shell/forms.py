"""How every form of the platform renders: Django's own markup, from fewer templates.

Django builds a form from one template per field group, per label, per widget, per attribute list and per
option, each an include with its own context: a select of twenty options is twenty-two template renders.
The forms users work in (an arrest, an incident, a screening) carry twenty or more fields, and those renders
were a quarter of their pages' time. The templates under `jinja2/lionrock/forms/` write the same markup
with the includes written out in place, so one widget is one render; `tests/core/shell/test_forms.py` holds
them to Django's markup.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import Jinja2

_INPUT_WIDGETS = [
    "input",
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]

LEAN_TEMPLATES: dict[str, str] = {
    "django/forms/div.html": "lionrock/forms/div.html",
    "django/forms/label.html": "lionrock/forms/label.html",
    **{f"django/forms/widgets/{name}.html": "lionrock/forms/input.html" for name in _INPUT_WIDGETS},
    "django/forms/widgets/select.html": "lionrock/forms/select.html",
    "django/forms/widgets/checkbox_select.html": "lionrock/forms/multiple_input.html",
    "django/forms/widgets/radio.html": "lionrock/forms/multiple_input.html",
    "django/forms/widgets/multiple_input.html": "lionrock/forms/multiple_input.html",
    "django/forms/widgets/textarea.html": "lionrock/forms/textarea.html",
}
"""Django's template names and the written-out build of each (the same markup, without includes).

The select and list builds write Django's own option markup in place of the option's template: a widget
given an option template of its own would need its own entry here."""


class FormRenderer(Jinja2):
    """Django's Jinja2 form renderer, with the written-out builds of its most used templates."""

    def get_template(self, template_name: str) -> Any:
        return super().get_template(LEAN_TEMPLATES.get(template_name, template_name))
