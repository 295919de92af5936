"""Navigation and home-page panel: what the desk and the reporters must act on."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register


def _incidents_panel(actor: Actor) -> Panel | None:
    from lionrock.cyber.incidents import selectors

    if not selectors.incident_organisations(actor):
        return None
    counts = selectors.incidents_attention_counts(actor=actor)
    url = reverse("incidents:list")
    items = []
    if counts["to_acknowledge"]:
        items.append(
            Attention(
                _("Incidents to acknowledge"),
                counts["to_acknowledge"],
                f"{url}?{urlencode({'status': 'submitted'})}",
                "warning",
            )
        )
    if counts["drafts_overdue"]:
        items.append(
            Attention(
                _("Draft reports past their notification deadline"),
                counts["drafts_overdue"],
                f"{url}?{urlencode({'status': 'overdue'})}",
                "warning",
            )
        )
    if counts["questions"]:
        items.append(
            Attention(_("Questions from the handling CERT to answer"), counts["questions"], url, "warning")
        )
    if counts["reports_overdue"]:
        items.append(Attention(_("Written reports overdue"), counts["reports_overdue"], url, "warning"))
    return Panel(_("Incidents"), items, _("No incident needs you now."))


def register() -> None:
    nav_register(NavEntry(Module.INCIDENTS, _("Incidents"), "incidents:list", order=300))
    nav_register(NavEntry(Module.PLATFORM, _("Notification clocks"), "incidents:clocks", order=960))
    panel_register(Module.INCIDENTS, _incidents_panel)
