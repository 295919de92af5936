"""The shell's own navigation entries and home-page panels (account, organisation, platform)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts import selectors as account_selectors
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.mfa import user_has_mfa
from lionrock.core.accounts.roles import Module
from lionrock.core.audit import selectors as audit_selectors
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register


def _account_panel(actor: Actor) -> Panel | None:
    if actor.user is None:
        return None
    items = []
    if not user_has_mfa(actor.user):
        items.append(Attention(_("Set up two-step sign-in"), 1, reverse("accounts:mfa_enrol"), "warning"))
    expiring = account_selectors.tokens_expiring(actor=actor)
    if expiring:
        items.append(Attention(_("API tokens expiring within 14 days"), expiring, reverse("accounts:tokens")))
    return Panel(_("Your account"), items, _("Your account is in good order."))


def _organisation_panel(actor: Actor) -> Panel:
    counts = account_selectors.members_attention_counts(actor=actor)
    url = reverse("accounts:organisations")
    items = []
    if counts["one_time_password"]:
        items.append(
            Attention(
                _("Members who have not yet replaced a one-time password"), counts["one_time_password"], url
            )
        )
    if counts["without_mfa"]:
        items.append(Attention(_("Members without two-step sign-in"), counts["without_mfa"], url, "warning"))
    return Panel(_("Your organisation"), items, _("Every member has signed in and set up two-step sign-in."))


def _platform_panel(actor: Actor) -> Panel:
    failures = audit_selectors.security_failures_recent(actor=actor)
    items = []
    if failures:
        url = f"{reverse('audit:entries')}?{urlencode({'outcome': 'problems'})}"
        items.append(
            Attention(_("Failed or denied security events in the last 24 hours"), failures, url, "warning")
        )
    return Panel(_("Platform"), items, _("No failed sign-ins or refused tokens in the last 24 hours."))


def register() -> None:
    nav_register(NavEntry(Module.ORGANISATION, _("Organisation"), "accounts:organisations", order=900))
    nav_register(NavEntry(Module.PLATFORM, _("Audit trail"), "audit:entries", order=950))
    nav_register(NavEntry(Module.ORGANISATION, _("Audit trail"), "audit:entries", order=950))
    panel_register(None, _account_panel)
    panel_register(Module.ORGANISATION, _organisation_panel)
    panel_register(Module.PLATFORM, _platform_panel)
