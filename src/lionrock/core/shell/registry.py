"""Where apps announce their navigation entries and home-page panels, so the shell needs no edits.

Each app registers in its AppConfig.ready(); the shell shows an entry only to actors whose roles open
the entry's module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

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


@dataclass(frozen=True)
class NavLink:
    """One menu item as drawn: where it leads and whether it is the page the user is on."""

    label: str | Promise
    url: str
    current: bool


def nav_links(entries: list[NavEntry], *, path: str, home_url: str) -> list[NavLink]:
    """The menu for a page, with at most one item current: the one whose address the page's path
    lies deepest under (so /screening/cases/ is "Cases", not also "Screening" at /screening/).
    Home is current only on the home page itself."""
    if not entries:
        return []
    urls = [(entry, reverse(entry.url_name)) for entry in entries]
    under = [(entry, url) for entry, url in urls if url != home_url and path.startswith(url)]
    current_url = max((url for _, url in under), key=len, default=home_url if path == home_url else None)
    links = [NavLink(gettext_lazy("Home"), home_url, current_url == home_url)]
    links += [NavLink(entry.label, url, url == current_url) for entry, url in urls]
    return links


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
