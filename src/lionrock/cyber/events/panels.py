"""Navigation and home-page panel for major events: watches in progress and readiness items late."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register


def _events_panel(actor: Actor) -> Panel | None:
    from lionrock.cyber.events import selectors

    if not selectors.event_organisations(actor):
        return None
    now = timezone.now()
    items = []
    upcoming = selectors.events_visible(actor=actor).filter(watch_ends_at__gte=now).order_by("starts_on")[:5]
    for event in upcoming:
        if event.watch_starts_at <= now:
            items.append(
                Attention(
                    _("Watch in progress: %(name)s") % {"name": event.display_name(get_language())},
                    1,
                    reverse("events:detail", args=[event.slug]),
                    "warning",
                )
            )
        late = sum(row.late for row in selectors.readiness_rows(actor=actor, event=event))
        if late:
            items.append(
                Attention(
                    _("Readiness items late: %(name)s") % {"name": event.display_name(get_language())},
                    late,
                    reverse("events:readiness", args=[event.slug]),
                    "warning",
                )
            )
    return Panel(_("Major events"), items, _("No watch in progress and no readiness item late."))


def register() -> None:
    nav_register(NavEntry(Module.EVENTS, _("Major events"), "events:list", order=350))
    panel_register(Module.EVENTS, _events_panel)
