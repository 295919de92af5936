"""A declarative table of states and the steps allowed from each; no Django models here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING

from django.db import models, transaction

from lionrock.core.errors import ValidationFailed

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from lionrock.core.accounts.access import Actor
    from lionrock.core.workflow.models import Transition


def _frozen(steps: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {str(state): frozenset(str(s) for s in after) for state, after in steps.items()}


@dataclass(frozen=True)
class Workflow:
    """The states a record's ``field`` may take and the steps allowed from each.

    ``steps`` maps a state to the states reachable from it in one step; a state absent from the map (or
    mapped to nothing) is final. ``refusal`` is the message shown when a step is not allowed, with
    ``%(before)s`` (the current state as displayed) and ``%(after)s`` (the state asked for).
    """

    action: str
    field: str
    steps: Mapping[str, Iterable[str]]
    refusal: str | Promise
    _table: dict[str, frozenset[str]] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_table", _frozen(self.steps))

    def allowed(self, state: str) -> frozenset[str]:
        """The states reachable in one step from ``state`` (empty for a final or unknown state)."""
        return self._table.get(str(state), frozenset())

    def can(self, record: models.Model, to: str) -> bool:
        """Whether ``record`` may go from its current state to ``to``."""
        return str(to) in self.allowed(getattr(record, self.field))

    def check(self, record: models.Model, to: str) -> None:
        """Raises ``ValidationFailed`` with the refusal message unless the step is allowed."""
        if not self.can(record, to):
            display = getattr(record, f"get_{self.field}_display", None)
            before = display() if callable(display) else getattr(record, self.field)
            raise ValidationFailed(str(self.refusal) % {"before": before, "after": to})

    def move(
        self,
        *,
        actor: Actor | None,
        record: models.Model,
        to: str,
        reason: str = "",
        update_fields: Iterable[str] = (),
        action: str = "",
        actor_label: str = "",
    ) -> Transition:
        """Checks the step, sets and saves the state (with ``update_fields``), audits it, keeps its history.

        Runs in the caller's transaction (or its own); raises ``ValidationFailed`` and changes nothing if
        the step is not allowed. ``action`` overrides the workflow's audit action for this step.
        ``reason`` is shown in clear in the record's history: never personal data (see
        ``transition_record``).
        """
        from lionrock.core.workflow.services import transition_record

        with transaction.atomic():
            self.check(record, to)
            before = str(getattr(record, self.field))
            setattr(record, self.field, to)
            record.save(update_fields=[self.field, *update_fields])
            return transition_record(
                actor=actor,
                record=record,
                field=self.field,
                before=before,
                after=str(to),
                reason=reason,
                action=action or self.action,
                actor_label=actor_label,
            )


def states_of(choices: type[models.TextChoices]) -> list[str]:
    """The values of a choices class, for writing complete step tables in tests and docs."""
    return [str(value) for value in choices.values]


__all__: list[str] = ["Workflow", "states_of"]
