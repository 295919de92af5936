"""The screening and support modules' navigation entries, home-page panels and the section they add to the
enforcement person page (the person's victim status, for those who may read screening records)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Module
from lionrock.core.shell.registry import Attention, NavEntry, Panel, nav_register, panel_register
from lionrock.immigration.enforcement.models import Person
from lionrock.immigration.enforcement.person_sections import PersonSection, person_section_register
from lionrock.immigration.screening import selectors


def _screening_panel(actor: Actor) -> Panel | None:
    counts = selectors.screening_attention_counts(actor=actor)
    items = []
    if counts["owed"]:
        items.append(
            Attention(_("Initial screenings owed"), counts["owed"], reverse("screening:queue"), "warning")
        )
    if counts["debriefings"]:
        items.append(
            Attention(_("Debriefings assigned to you"), counts["debriefings"], reverse("screening:queue"))
        )
    if counts["review"]:
        items.append(
            Attention(_("Decisions awaiting your approval"), counts["review"], reverse("screening:queue"))
        )
    if counts["waiting"]:
        # Four eyes: the user's own decisions stay in sight until another supervisor reviews them.
        items.append(
            Attention(
                _("Your decisions waiting for another supervisor"),
                counts["waiting"],
                reverse("screening:queue"),
            )
        )
    return Panel(_("Victim screening"), items, _("No screening work is waiting for you."))


def _routing_panel(actor: Actor) -> Panel | None:
    """For organisation administrators of a department with screening: decisions no one else can review."""
    try:
        rows = selectors.decisions_to_route(actor=actor)
    except NotFound:
        return None
    if not rows:
        return None
    stuck = sum(1 for row in rows if row.stuck and row.review_by is None)
    items = (
        [
            Attention(
                _("Screening decisions no other supervisor can review"),
                stuck,
                reverse("screening:decisions_route"),
                "warning",
            )
        ]
        if stuck
        else []
    )
    items.append(
        Attention(_("Screening decisions awaiting review"), len(rows), reverse("screening:decisions_route"))
    )
    return Panel(_("Screening reviews"), items, "")


def _support_panel(actor: Actor) -> Panel | None:
    count = selectors.referrals_incoming_count(actor=actor)
    items = (
        [Attention(_("New referrals to respond to"), count, reverse("screening:incoming"), "warning")]
        if count
        else []
    )
    return Panel(_("Support referrals"), items, _("No referral is waiting for you."))


def _person_status_section(actor: Actor, person: Person) -> PersonSection | None:
    screenings = selectors.person_screenings(actor=actor, person=person)
    if screenings is None:
        return None
    return PersonSection(
        "screening/partials/person_status.html",
        {"current": screenings[0] if screenings else None, "earlier": screenings[1:]},
    )


def register() -> None:
    nav_register(NavEntry(Module.SCREENING, _("Screening"), "screening:queue", order=400))
    nav_register(NavEntry(Module.SCREENING, _("Cases"), "screening:cases", order=410))
    nav_register(NavEntry(Module.SCREENING, _("Checklists"), "screening:checklists", order=420))
    nav_register(NavEntry(Module.SCREENING, _("Screening statistics"), "screening:statistics", order=430))
    nav_register(NavEntry(Module.SUPPORT, _("Referrals"), "screening:incoming", order=450))
    panel_register(Module.SCREENING, _screening_panel)
    panel_register(Module.SUPPORT, _support_panel)
    panel_register(Module.ORGANISATION, _routing_panel)
    person_section_register(_person_status_section)
