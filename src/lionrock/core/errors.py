"""Errors every module raises and every caller (view, API, CLI, task) knows how to show.

``ValidationFailed`` is the one "the request cannot be carried out as asked" error: services raise it
with a translated message for the user; views show the message, the API answers 400/422 with it, the
CLI prints it. ``NotFound`` (forbidden and absent alike) lives with the access rules in
``lionrock.core.accounts.access``.
"""

from __future__ import annotations

__all__ = ["ValidationFailed"]


class ValidationFailed(ValueError):
    """A request that cannot be carried out as asked; the message is shown to the user."""
