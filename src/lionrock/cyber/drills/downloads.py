"""A team's artefacts as one archive: generated from the exercise's seed when asked, for that team only."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills import selectors
from lionrock.cyber.drills.models import Canary, Delivery, Exercise, Inject, Team


def artefacts_archive(*, actor: Actor, exercise: Exercise, organisation: str, into: Path) -> Path:
    """The zip of a team's logs for every artefact inject delivered to it so far.

    Only the team's players and the white cell get it (another team gets "not found"); before the first
    artefact inject reaches the team, a clear refusal.
    """
    team = selectors.team_get(actor=actor, exercise=exercise, organisation=organisation)
    delivered = list(
        Inject.objects.filter(
            pk__in=Delivery.objects.filter(team=team).values("inject_id"), channel=Inject.Channel.ARTEFACT
        ).order_by("offset_minutes")
    )
    if not delivered:
        raise ValidationFailed(_("No artefact has been delivered to this team yet."))
    return _archive(exercise, team, delivered, into)


def _archive(exercise: Exercise, team: Team, injects: list[Inject], into: Path) -> Path:
    # Arrow and numpy are loaded when logs are generated, not by every web process at rest.
    from lionrock.cyber.drills.artefacts import Plant, archive_write, artefacts_write

    canaries = list(Canary.objects.filter(team=team, inject__in=injects))
    first = min(c.planned_at for c in canaries) if canaries else exercise.starts_at
    end = exercise.starts_at + timedelta(minutes=injects[-1].offset_minutes)
    start = min(first, end - timedelta(hours=1)) - timedelta(minutes=5)
    with tempfile.TemporaryDirectory(prefix="lionrock-drill-") as scratch:
        paths = artefacts_write(
            Path(scratch),
            seed=exercise.seed,
            team=team.organisation.slug,
            start=start,
            end=end,
            lines=exercise.lines_per_team,
            plants=[Plant(c.kind, c.value, c.planned_at) for c in canaries],
        )
        target = into / f"exercise-{exercise.pk}-{team.organisation.slug}-logs.zip"
        return archive_write(paths, target, folder=f"EXERCISE-{exercise.pk}-{team.organisation.slug}")
