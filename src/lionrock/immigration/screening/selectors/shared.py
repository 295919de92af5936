"""Who screens where, and a name as the lists show it (masked); shared by every screening read."""

from __future__ import annotations

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Role

__all__ = ["SCREENERS", "name_masked", "screening_organisations"]


SCREENERS = (Role.SCREENING_OFFICER, Role.SCREENING_SUPERVISOR)


def screening_organisations(actor: Actor) -> frozenset[int]:
    organisations = actor.organisations_with(*SCREENERS)
    if actor.user is None or not organisations:
        raise NotFound
    return organisations


def name_masked(name: str) -> str:
    """ "NGUYEN Van Hai" -> "N… V… H…": enough to tell two cases apart on a list, not to identify."""
    return " ".join(f"{part[0]}…" for part in name.split() if part) or "…"
