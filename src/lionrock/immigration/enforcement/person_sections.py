"""Sections other modules add to an enforcement person's page, so this module never imports them.

Screening depends on enforcement (an arrest owes a screening), not the other way round; the person page
still has to show a person's victim status to those allowed to read it. So a module registers a builder
in its AppConfig.ready(), and the builder decides who sees its section: it returns None for anyone else,
and the page then shows nothing, as if the section did not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lionrock.core.accounts.access import Actor
from lionrock.immigration.enforcement.models import Person


@dataclass(frozen=True)
class PersonSection:
    """A template to include on the person page, with what it shows (as `section` in the template)."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


PersonSectionBuilder = Callable[[Actor, Person], PersonSection | None]

_builders: list[PersonSectionBuilder] = []


def person_section_register(builder: PersonSectionBuilder) -> None:
    if builder not in _builders:
        _builders.append(builder)


def person_sections_for(*, actor: Actor, person: Person) -> list[PersonSection]:
    """The sections this actor may see on this person's page, in the order they were registered."""
    sections = (builder(actor, person) for builder in _builders)
    return [section for section in sections if section is not None]
