"""What every public page shows: the receiving department's name, and a form's errors summed up at the top."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms, template
from django.conf import settings
from django.utils.translation import get_language, gettext, pgettext

register = template.Library()


@register.simple_tag
def department_name() -> str:
    """The department the public reaches through these pages, in the reader's language (settings)."""
    english = str(settings.LIONROCK_PUBLIC_DEPARTMENT_NAME or "")
    chinese = str(settings.LIONROCK_PUBLIC_DEPARTMENT_NAME_ZH or "")
    if (get_language() or "").lower().startswith("zh") and chinese:
        return chinese
    return english or chinese


@dataclass(frozen=True)
class SummaryLine:
    message: str
    label: str = ""
    target: str = ""

    @property
    def text(self) -> str:
        """'Address: This field is required.'; no colon after a label that ends in a question mark."""
        if not self.label:
            return self.message
        # Django's own rule for form labels, with the characters the reader's language lists.
        separator = (
            "" if self.label[-1] in gettext(":?.!") else pgettext("between a label and its value", ": ")
        )
        return f"{self.label}{separator}{self.message}"


def _target(field: forms.BoundField) -> str:
    """The id of the control the error belongs to: a group of radio buttons leads to its first button."""
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


def summary_lines(*forms_given: forms.BaseForm | None) -> list[SummaryLine]:
    """Every error of the forms, in page order: the form's own first, then each field's."""
    lines: list[SummaryLine] = []
    for form in forms_given:
        if form is None or not form.is_bound or not form.errors:
            continue
        lines += [SummaryLine(str(error)) for error in form.non_field_errors()]
        for field in form:
            for error in field.errors:
                if field.is_hidden:
                    lines.append(SummaryLine(str(error)))
                else:
                    lines.append(SummaryLine(str(error), str(field.label or ""), _target(field)))
    return lines


@register.inclusion_tag("enforcement/partials/error_summary.html")
def error_summary(*forms_given: forms.BaseForm | None) -> dict[str, object]:
    """A box above the form that lists each problem and links to the field to correct."""
    return {"lines": summary_lines(*forms_given)}
