from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lionrock.core.accounts.access import actor_for_request
from lionrock.core.notifications import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the header link (one COUNT query per page for a signed-in person)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": None}
    return {"inbox_unread": selectors.unread_count(actor=actor_for_request(request))}
