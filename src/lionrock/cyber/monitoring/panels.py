"""Navigation and home-page panels: operators see their runs, analysts the alerts on sightings."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module, Role
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register


def _monitoring_panel(actor: Actor) -> Panel | None:
    from lionrock.cyber.monitoring import selectors
    from lionrock.cyber.monitoring.models import MatchRun

    items = []
    if actor.has_role(Role.INTEL_ANALYST):
        alerts = selectors.alerts_open(actor=actor)
        if alerts:
            items.append(
                Attention(
                    _("Sighting alerts to review"), len(alerts), reverse("monitoring:dashboard"), "warning"
                )
            )
    if actor.has_role(Role.MONITORING_OPERATOR):
        runs = selectors.match_runs_visible(actor=actor)
        active = runs.filter(status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]).count()
        failed = runs.filter(status=MatchRun.Status.FAILED).count()
        if active:
            items.append(Attention(_("Match runs in progress"), active, reverse("monitoring:runs")))
        if failed:
            items.append(
                Attention(_("Match runs that failed"), failed, reverse("monitoring:runs"), "warning")
            )
    return Panel(_("Monitoring"), items, _("No alerts and no runs waiting."))


def register() -> None:
    nav_register(NavEntry(Module.MONITORING, _("Monitoring"), "monitoring:dashboard", order=200))
    panel_register(Module.MONITORING, _monitoring_panel)
