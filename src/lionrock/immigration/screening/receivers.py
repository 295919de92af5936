"""Listens to the enforcement hook: an owed screening opens a screening case at once."""

from __future__ import annotations

from typing import Any


def case_open_for_owed(sender: Any, screening_owed_id: int, **kwargs: Any) -> None:
    from lionrock.immigration.screening import services

    services.cases_open_for_owed(owed_ids=[screening_owed_id])
