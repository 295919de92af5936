"""Refusals other apps add to the store without the store knowing them: checked before anything is written.

A check is a veto, not an event: it runs inside `objects_add`, before a row is written, and refuses the
whole batch by raising `ValidationFailed` (a drill that has ended takes no more sightings). What follows a
store (sightings for the dashboard, a drill's evidence) is an event: `signals.objects_added`, after commit.
Apps register their checks in `AppConfig.ready()` (docs/decisions/0004-hooks-between-apps.md).
"""

from __future__ import annotations

from typing import Protocol

from lionrock.cyber.intel.models import Collection


class StoreCheck(Protocol):
    def __call__(self, *, collection: Collection, organisation_id: int) -> None: ...


_CHECKS: list[StoreCheck] = []


def store_check_register(check: StoreCheck) -> None:
    """Adds a check run before every store into any collection; registering it twice changes nothing."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def store_checks_run(*, collection: Collection, organisation_id: int) -> None:
    """Runs every registered check for objects the organisation is about to store; the first refusal wins."""
    for check in _CHECKS:
        check(collection=collection, organisation_id=organisation_id)
