"""The intelligence module's navigation entries and home-page panel."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register
from lionrock.cyber.intel import selectors

WINDOW_DAYS = 7


def _intel_panel(actor: Actor) -> Panel | None:
    if not selectors.intel_organisations(actor):
        return None
    browse = reverse("intel:objects")
    items = []
    new = selectors.intel_new_shared_count(actor=actor, days=WINDOW_DAYS)
    if new:
        since = (timezone.localdate() - timedelta(days=WINDOW_DAYS)).isoformat()
        items.append(
            Attention(
                _("New objects shared with you in the last 7 days"),
                new,
                f"{browse}?{urlencode({'since': since})}",
            )
        )
    expiring = selectors.indicators_expiring_count(actor=actor, days=WINDOW_DAYS)
    if expiring:
        items.append(
            Attention(
                _("Indicators expiring within 7 days"),
                expiring,
                f"{browse}?{urlencode({'expiring': 'on'})}",
                "warning",
            )
        )
    return Panel(_("Threat intelligence"), items, _("Nothing new shared with you this week."))


def register() -> None:
    nav_register(NavEntry(Module.INTEL, _("Intelligence"), "intel:objects", order=100))
    panel_register(Module.INTEL, _intel_panel)
