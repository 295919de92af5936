"""Where apps announce their navigation entries and home-page panels, so the shell needs no edits.

Each app registers in its AppConfig.ready(); the shell shows an entry only to actors whose roles open
the entry's module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from lionrock.core.accounts.access import Actor
    from lionrock.core.accounts.roles import Module


@dataclass(frozen=True)
class NavEntry:
    module: Module
    label: str | Promise
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class Attention:
    """One line on a home page: something that needs the user, with a count and where to act."""

    label: str | Promise
    count: int
    url: str
    tone: str = "info"


@dataclass
class Panel:
    title: str | Promise
    items: list[Attention] = field(default_factory=list)
    empty: str | Promise = ""


PanelBuilder = Callable[["Actor"], Panel | None]

_nav: list[NavEntry] = []
_panels: list[tuple[Module | None, PanelBuilder]] = []


def nav_register(entry: NavEntry) -> None:
    if entry not in _nav:
        _nav.append(entry)


def panel_register(module: Module | None, builder: PanelBuilder) -> None:
    """A panel for a module's users, or for every signed-in user when module is None."""
    if (module, builder) not in _panels:
        _panels.append((module, builder))


def nav_for(actor: Actor) -> list[NavEntry]:
    modules = set(actor.modules())
    chosen: dict[str, NavEntry] = {}
    for entry in _nav:
        if entry.module in modules:
            chosen.setdefault(entry.url_name, entry)
    return sorted(chosen.values(), key=lambda e: (e.order, str(e.label)))


def panels_for(actor: Actor) -> list[Panel]:
    modules: list[Module | None] = [*actor.modules(), None]
    panels = []
    for module in modules:
        for panel_module, builder in _panels:
            if panel_module == module:
                panel = builder(actor)
                if panel is not None:
                    panels.append(panel)
    return panels
