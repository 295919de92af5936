"""Navigation and the home panel: planners see their drills, players the drills their team is in."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register


def _drills_panel(actor: Actor) -> Panel | None:
    from lionrock.cyber.drills import selectors
    from lionrock.cyber.drills.models import Exercise

    visible = selectors.exercises_visible(actor=actor)
    running = visible.filter(status__in=[Exercise.Status.RUNNING, Exercise.Status.PAUSED]).count()
    planned = visible.filter(status=Exercise.Status.PLANNED).count()
    items = []
    if running:
        items.append(Attention(_("Drills under way"), running, reverse("drills:list"), "warning"))
    if planned:
        items.append(Attention(_("Drills planned"), planned, reverse("drills:list")))
    return Panel(_("Drills"), items, _("No drill planned or under way."))


def register() -> None:
    nav_register(NavEntry(Module.DRILLS, _("Drills"), "drills:list", order=400))
    panel_register(Module.DRILLS, _drills_panel)
