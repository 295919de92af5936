from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.shell.registry import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries this user's roles open, computed once per page."""
    if not hasattr(request, "user"):
        return {"nav_entries": [], "actor": None}
    actor = actor_for_request(request)
    return {"nav_entries": nav_for(actor) if actor.user else [], "actor": actor}
