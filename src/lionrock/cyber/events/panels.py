"""Navigation for major events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import NavEntry, nav_register


def register() -> None:
    nav_register(NavEntry(Module.EVENTS, _("Major events"), "events:list", order=350))
