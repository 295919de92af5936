"""Background work for publishing: scheduled releases marked published when their time comes.

The public sees a release from its release time whether or not this has run (the public pages read the
frozen version's time); the task records the step in the release's history and audit trail.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from lionrock.publishing import services


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def releases_publish_due() -> None:
    """Every minute: approved releases whose release time has passed are marked published."""
    services.release_publish_due()
