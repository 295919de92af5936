"""``{% transition_history record %}``: the record's history of states, for its page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from lionrock.core.workflow.selectors import transitions_for

register = template.Library()


@register.inclusion_tag("workflow/partials/history.html")
def transition_history(record: models.Model, labels: dict[str, Any] | None = None) -> dict[str, Any]:
    """Renders the history of ``record`` (already read through its module's selector).

    ``labels`` maps state values to their display names; by default the record's field choices are used.
    """
    steps = list(transitions_for(record=record))
    names: dict[str, Any] = dict(labels or {})
    if not names and steps:
        choices = getattr(record._meta.get_field(steps[0].field), "choices", None) or []
        names = {str(value): label for value, label in choices}
    rows = [
        {
            "at": step.at,
            "who": step.actor_label,
            "before": names.get(step.from_state, step.from_state),
            "after": names.get(step.to_state, step.to_state),
            "why": step.reason,
        }
        for step in steps
    ]
    return {"steps": rows}
