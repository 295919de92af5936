"""The publishing module's navigation entries and home-page panel."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.roles import Module, Role
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register
from lionrock.publishing import selectors
from lionrock.publishing.models import PressRelease


def _publishing_panel(actor: Actor) -> Panel | None:
    if not selectors.press_organisations(actor=actor).exists():
        return None
    releases = selectors.releases_visible(actor=actor)
    url = reverse("publishing:releases")
    items = []
    awaiting = (
        releases.filter(
            state=PressRelease.State.SUBMITTED,
            organisation_id__in=actor.organisations_with(Role.PRESS_OFFICER),
        )
        .exclude(drafted_by=actor.user)
        .exclude(submitted_by=actor.user)
        .count()
    )
    if awaiting:
        items.append(
            Attention(
                _("Releases awaiting your approval"),
                awaiting,
                f"{url}?{urlencode({'state': 'submitted'})}",
                "warning",
            )
        )
    drafts = releases.filter(state=PressRelease.State.DRAFT).count()
    if drafts:
        items.append(Attention(_("Release drafts"), drafts, f"{url}?{urlencode({'state': 'draft'})}"))
    scheduled = releases.filter(state=PressRelease.State.SCHEDULED).count()
    if scheduled:
        items.append(
            Attention(
                _("Releases scheduled for publication"),
                scheduled,
                f"{url}?{urlencode({'state': 'scheduled'})}",
            )
        )
    operations = (
        selectors.operations_for_release(actor=actor)
        .exclude(pk__in=releases.filter(operation__isnull=False).values("operation_id"))
        .count()
    )
    if operations:
        items.append(
            Attention(_("Operations not yet announced"), operations, reverse("publishing:release_new"))
        )
    return Panel(_("Press releases"), items, _("No release is waiting for you."))


def register() -> None:
    nav_register(NavEntry(Module.PUBLISHING, _("Press releases"), "publishing:releases", order=700))
    nav_register(NavEntry(Module.PUBLISHING, _("Meetings"), "publishing:meetings", order=710))
    nav_register(NavEntry(Module.PUBLISHING, _("Release templates"), "publishing:templates", order=720))
    nav_register(NavEntry(Module.PUBLISHING, _("Public statistics"), "statistics:index", order=730))
    panel_register(Module.PUBLISHING, _publishing_panel)
