"""Who may download a record's files: each owning module registers its check; no check, no download."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lionrock.core.accounts.access import Actor

AccessCheck = Callable[["Actor", Any], bool]

_CHECKS: dict[str, AccessCheck] = {}


def access_register(owner_label: str, check: AccessCheck) -> None:
    """Registers, for owners of model ``owner_label`` ("app_label.modelname"), the function that says
    whether an actor may read a record's files. Call it from the owning app's ``AppConfig.ready``.

    The check receives the owning record; it should use the module's own selector (the same rule as the
    record's page). Owners with no registered check have their files served to nobody.
    """
    _CHECKS[owner_label.lower()] = check


def access_check(owner_label: str) -> AccessCheck | None:
    """The registered check for an owner model, if any."""
    return _CHECKS.get(owner_label.lower())
