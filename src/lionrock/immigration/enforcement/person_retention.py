"""What other modules say when the retention sweep is about to delete enforcement persons.

Screening builds on enforcement and its records point at persons; enforcement never imports it. So a
module whose records refer to persons registers a hook in its AppConfig.ready(): `holds` names the persons
it still needs, who are then kept whatever their age, and `release` lets go of its links to the others
just before they are deleted, in the same transaction. A module that registers nothing and still points at
a person with a protected link makes the deletion fail, and the whole batch is kept: nothing is lost
silently.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class PersonRetentionHook:
    """`holds(ids)` returns those of the ids to keep; `release(ids)` unlinks its records from them."""

    name: str
    holds: Callable[[Collection[int]], set[int]]
    release: Callable[[Collection[int]], None]


_hooks: dict[str, PersonRetentionHook] = {}


def person_retention_hook_register(hook: PersonRetentionHook) -> None:
    _hooks[hook.name] = hook


def persons_held(person_ids: Collection[int]) -> set[int]:
    """The persons some module still needs, among these."""
    held: set[int] = set()
    for hook in _hooks.values():
        held |= hook.holds(person_ids)
    return held


def persons_release(person_ids: Collection[int]) -> None:
    """Every module lets go of these persons; called inside the deleting transaction."""
    for hook in _hooks.values():
        hook.release(person_ids)
