"""Listens to the enforcement hook: an owed screening opens a screening case at once."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def case_open_for_owed(sender: Any, screening_owed_id: int, **kwargs: Any) -> None:
    """Runs after the arrest has committed; a failure here must not undo or hide the arrest, and the
    periodic task (tasks.owed_cases_open) opens the case on its next run."""
    from lionrock.immigration.screening import services

    try:
        services.cases_open_for_owed(owed_ids=[screening_owed_id])
    except Exception:
        logger.exception("no screening case opened yet for owed screening %s", screening_owed_id)
