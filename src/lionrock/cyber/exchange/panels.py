"""The exchange app's navigation entries and home-page panel (failing feeds need attention)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register
from lionrock.cyber.exchange import selectors


def _feeds_panel(actor: Actor) -> Panel | None:
    feeds = selectors.feeds_visible(actor=actor)
    if not feeds.exists():
        return None
    failing = selectors.feeds_failing_count(actor=actor)
    items = []
    if failing:
        items.append(Attention(_("TAXII feeds failing"), failing, reverse("exchange:feeds"), tone="warning"))
    return Panel(_("Feeds"), items, _("Every feed polled successfully."))


def register() -> None:
    nav_register(NavEntry(Module.INTEL, _("Import / export"), "exchange:home", order=230))
    nav_register(NavEntry(Module.INTEL, _("Feeds"), "exchange:feeds", order=240))
    panel_register(Module.INTEL, _feeds_panel)
