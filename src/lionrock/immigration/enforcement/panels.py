"""The enforcement module's navigation entries and home-page panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register
from lionrock.immigration.enforcement import selectors


def _enforcement_panel(actor: Actor) -> Panel | None:
    counts = selectors.reports_attention_counts(actor=actor)
    queue = reverse("enforcement:reports")
    items = []
    if counts["new"]:
        items.append(
            Attention(
                _("New reports awaiting triage"), counts["new"], f"{queue}?{urlencode({'status': 'new'})}"
            )
        )
    if counts["mine"]:
        items.append(
            Attention(
                _("Open reports assigned to you"), counts["mine"], f"{queue}?{urlencode({'assigned': 'me'})}"
            )
        )
    owed = selectors.screenings_owed_count(actor=actor)
    if owed:
        items.append(
            Attention(
                _("Persons awaiting an initial screening"),
                owed,
                reverse("enforcement:screenings_owed"),
                "warning",
            )
        )
    return Panel(_("Enforcement"), items, _("No reports are waiting for you."))


def register() -> None:
    nav_register(NavEntry(Module.ENFORCEMENT, _("Reports"), "enforcement:reports", order=300))
    nav_register(NavEntry(Module.ENFORCEMENT, _("Operations"), "enforcement:operations", order=310))
    nav_register(
        NavEntry(Module.ENFORCEMENT, _("Awaiting screening"), "enforcement:screenings_owed", order=320)
    )
    nav_register(NavEntry(Module.ENFORCEMENT, _("Offences"), "enforcement:offences", order=330))
    nav_register(NavEntry(Module.ENFORCEMENT, _("Statistics"), "enforcement:statistics", order=340))
    panel_register(Module.ENFORCEMENT, _enforcement_panel)
