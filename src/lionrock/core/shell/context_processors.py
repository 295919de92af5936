from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.shell.registry import nav_for, nav_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The entries this user's roles open, computed once per page."""
    if not hasattr(request, "user"):
        return {"nav_links": [], "actor": None}
    actor = actor_for_request(request)
    if not actor.user:
        return {"nav_links": [], "actor": actor}
    links = nav_links(nav_for(actor), path=request.path, home_url=reverse("shell:home"))
    return {"nav_links": links, "actor": actor}
