"""A team's artefacts as one archive: made once from the exercise's seed and kept as that team's file.

The archive holds the logs of every artefact inject delivered to the team so far. It is made when such an
inject is delivered (all teams at once, one process per core) or, failing that, at the first download, and
stored through the file store as an attachment of the team's place in the exercise. Downloads go through
the file store's one door (`files.selectors.attachment_get`), whose check for a team's files is the team's
own page rule: its players and the white cell; any other team gets "not found". The files go when the
after-action report is approved (`exercise_artefacts_purge`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from huey.contrib.djhuey import db_task

from lionrock.core.accounts.access import Actor
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import selectors as files_selectors
from lionrock.core.files import services as files_services
from lionrock.core.files.models import Attachment
from lionrock.cyber.drills import selectors
from lionrock.cyber.drills.archive_jobs import ArchiveJob, Plant
from lionrock.cyber.drills.archive_processes import archives_make_apart
from lionrock.cyber.drills.models import Canary, Delivery, Exercise, Inject, Team

ARCHIVE_TYPE = "application/zip"


def _delivered(teams: Sequence[Team]) -> dict[int, list[Inject]]:
    """The artefact injects delivered to each team, in clock order (one query)."""
    found: dict[int, list[Inject]] = {team.pk: [] for team in teams}
    for delivery in (
        Delivery.objects.filter(team__in=list(teams), inject__channel=Inject.Channel.ARTEFACT)
        .select_related("inject")
        .order_by("inject__offset_minutes", "inject__number")
    ):
        found[delivery.team_id].append(delivery.inject)
    return found


def _name(exercise: Exercise, team: Team, injects: Sequence[Inject]) -> str:
    """The archive's file name says which injects it holds: a later artefact inject makes a new one."""
    numbers = "-".join(str(inject.number) for inject in injects)
    return f"exercise-{exercise.pk}-{team.organisation.slug}-logs-{numbers}.zip"


def _job(exercise: Exercise, team: Team, injects: Sequence[Inject], into: Path) -> ArchiveJob:
    canaries = list(Canary.objects.filter(team=team, inject__in=list(injects)).order_by("pk"))
    first = min(c.planned_at for c in canaries) if canaries else exercise.starts_at
    end = exercise.starts_at + timedelta(minutes=injects[-1].offset_minutes)
    start = min(first, end - timedelta(hours=1)) - timedelta(minutes=5)
    return ArchiveJob(
        target=into / _name(exercise, team, injects),
        folder=f"EXERCISE-{exercise.pk}-{team.organisation.slug}",
        seed=exercise.seed,
        team=team.organisation.slug,
        start=start,
        end=end,
        lines=exercise.lines_per_team,
        plants=tuple(Plant(c.kind, c.value, c.planned_at) for c in canaries),
    )


def _stored(team: Team, name: str) -> Attachment | None:
    return files_selectors.attachments_for(owner=team).filter(original_name=name).first()


def artefacts_prepare(
    *, exercise: Exercise, teams: Sequence[Team] | None = None, workers: int | None = None
) -> list[Attachment]:
    """Makes and stores the archive of every team (or of `teams`) that has artefacts delivered and no
    archive for them yet; returns the stored archives. Teams are made in parallel, one process per core
    (`workers` to say otherwise); the bytes depend only on the exercise's seed and plan.

    Each archive is stored in its own transaction with its audit entry; an archive another request stored
    meanwhile is kept and the copy made here dropped. An archive for fewer injects is replaced.
    """
    chosen = list(teams) if teams is not None else list(exercise.teams.select_related("organisation"))
    delivered = _delivered(chosen)
    wanted = [
        (team, injects)
        for team in chosen
        if (injects := delivered[team.pk]) and _stored(team, _name(exercise, team, injects)) is None
    ]
    if not wanted:
        return []
    with tempfile.TemporaryDirectory(prefix="lionrock-drill-") as scratch:
        jobs = [_job(exercise, team, injects, Path(scratch)) for team, injects in wanted]
        made = archives_make_apart(jobs, workers=workers)
        return [_store(team, path) for (team, _injects), path in zip(wanted, made, strict=True)]


@transaction.atomic
def _store(team: Team, path: Path) -> Attachment:
    Team.objects.select_for_update().filter(pk=team.pk).first()  # one archive per name, even when racing
    existing = _stored(team, path.name)
    if existing is not None:
        return existing
    for older in files_selectors.attachments_for(owner=team):
        files_services.attachment_delete(actor=None, attachment=older)
    return files_services.attachment_add_made(
        actor=None, owner=team, source=path, name=path.name, content_type=ARCHIVE_TYPE
    )


def artefacts_archive(*, actor: Actor, exercise: Exercise, organisation: str) -> Attachment:
    """The stored zip of a team's logs for every artefact inject delivered to it so far, obtained through
    the file store's door (made now if it was not made at delivery).

    Only the team's players and the white cell get it (another team gets "not found"); before the first
    artefact inject reaches the team, a clear refusal.
    """
    team = selectors.team_get(actor=actor, exercise=exercise, organisation=organisation)
    injects = _delivered([team])[team.pk]
    if not injects:
        raise ValidationFailed(_("No artefact has been delivered to this team yet."))
    stored = _stored(team, _name(exercise, team, injects))
    if stored is None:
        made = artefacts_prepare(exercise=exercise, teams=[team], workers=1)
        stored = made[0] if made else _stored(team, _name(exercise, team, injects))
    return files_selectors.attachment_get(actor=actor, attachment_id=stored.pk if stored else 0)


@transaction.atomic
def exercise_artefacts_purge(*, actor: Actor | None, exercise: Exercise) -> int:
    """Deletes every team's stored archive (each deletion audited; the bytes go after commit)."""
    removed = 0
    for team in exercise.teams.all():
        for attachment in files_selectors.attachments_for(owner=team):
            files_services.attachment_delete(actor=actor, attachment=attachment)
            removed += 1
    return removed


def team_files_visible(actor: Actor, team: Team) -> bool:
    """The file store's check for a team's files: the same rule as the team's page."""
    return team in selectors.teams_seen(actor=actor, exercise=team.exercise)


@db_task()  # type: ignore[untyped-decorator]
def drills_artefacts_prepare(exercise_id: int) -> int:
    """The queue's job when an artefact inject is delivered: every team's archive, teams in parallel.

    Here rather than in `tasks`, which runs the clock through the services that queue this job."""
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None:
        return 0
    return len(artefacts_prepare(exercise=exercise))
