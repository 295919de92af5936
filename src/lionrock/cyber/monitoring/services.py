"""Writes for monitoring: match runs (queued, run by the worker), sightings, watched directories, alerts."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp, tlp_named
from lionrock.cyber.monitoring import tasks
from lionrock.cyber.monitoring.models import Alert, LogFile, MatchRun, WatchedDirectory
from lionrock.cyber.monitoring.runs import watch_roots

SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _monitoring_dir() -> Path:
    path = Path(settings.DATA_DIR) / "monitoring"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _max_upload_bytes() -> int:
    return int(settings.LIONROCK_MONITORING_MAX_UPLOAD_MB) * 1024 * 1024


def _require_operator(actor: Actor, organisation: Organisation) -> None:
    access.require(actor, Role.MONITORING_OPERATOR, organisation=organisation)
    access.require_scope(actor, Scope.MONITORING_WRITE)


def _require_sighting_target(actor: Actor, collection: Collection, tlp: str) -> None:
    if collection.pk not in intel_selectors.collection_ids_writable(actor):
        raise NotFound
    if tlp not in Tlp.values:
        raise ValidationFailed(_("Choose a TLP level for the sightings."))


def safe_file_name(name: str) -> str:
    """The last path component, reduced to harmless characters: never a way out of the upload folder."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = SAFE_NAME.sub("_", base).strip("._") or "log"
    return cleaned[:100]


@transaction.atomic
def match_run_create(
    *,
    actor: Actor,
    organisation: Organisation,
    collection: Collection,
    tlp: str,
    uploads: Sequence[tuple[str, IO[bytes]]],
) -> MatchRun:
    """Keeps the uploaded logs outside the web root and queues the run; the worker does the matching."""
    _require_operator(actor, organisation)
    _require_sighting_target(actor, collection, tlp)
    if not uploads:
        raise ValidationFailed(_("Choose at least one log file."))
    assert actor.user is not None
    run = MatchRun.objects.create(
        organisation=organisation, requested_by=actor.user, collection=collection, tlp=tlp
    )
    folder = _monitoring_dir() / "uploads" / str(run.pk)
    folder.mkdir(parents=True)
    limit = _max_upload_bytes()
    for number, (name, stream) in enumerate(uploads, start=1):
        target = folder / f"{number:03d}-{safe_file_name(name)}"
        digest = hashlib.sha256()
        size = 0
        with target.open("wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed(
                        _("%(name)s is larger than the %(mb)d MB allowed.")
                        % {"name": name, "mb": limit >> 20}
                    )
                digest.update(chunk)
                out.write(chunk)
        LogFile.objects.create(
            run=run, name=safe_file_name(name), path=str(target), size=size, sha256=digest.hexdigest()
        )
    audit.record(
        actor=actor,
        action="monitoring.run.create",
        target=run,
        changes={"files": len(uploads), "collection": str(collection.pk), "tlp": tlp},
    )
    _enqueue(run)
    return run


def _enqueue(run: MatchRun) -> None:
    """The worker runs the match once the run is committed."""
    transaction.on_commit(lambda: tasks.match_run_execute(str(run.pk)))


@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: Alert) -> Alert:
    access.require(actor, Role.INTEL_ANALYST)
    if alert.acknowledged_at is None:
        alert.acknowledged_by, alert.acknowledged_at = actor.user, timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
        audit.record(actor=actor, action="monitoring.alert.acknowledge", target=alert)
    return alert


def sightings_submit(*, actor: Actor, collection: Collection, bundle: Any, tlp: str | None = None) -> int:
    """A sightings bundle from `lionrock match --sightings`, uploaded: stored through the intel store."""
    if not isinstance(bundle, dict) or not isinstance(bundle.get("objects"), list):
        raise ValidationFailed(_("Expected a STIX bundle with an objects list."))
    objects = [
        obj
        for obj in bundle["objects"]
        if isinstance(obj, dict) and obj.get("type") in ("sighting", "identity")
    ]
    if not any(obj.get("type") == "sighting" for obj in objects):
        raise ValidationFailed(_("The bundle holds no Sighting objects."))
    if tlp:
        marking = MARKING_ID_FOR[tlp_named(tlp)]
        objects = [obj | {"object_marking_refs": [marking]} for obj in objects]
    outcome = intel_services.objects_add(
        actor=actor, collection=collection, objects=objects, source="sightings-upload"
    )
    return len([row for row in outcome.added if row.type == "sighting"])


@transaction.atomic
def watched_directory_create(
    *, actor: Actor, organisation: Organisation, path: str, collection: Collection, tlp: str
) -> WatchedDirectory:
    """Only directories under the operator-configured roots (LIONROCK_WATCH_ROOTS) may be watched."""
    _require_operator(actor, organisation)
    _require_sighting_target(actor, collection, tlp)
    resolved = Path(path).expanduser().resolve()
    roots = watch_roots()
    if not roots:
        raise ValidationFailed(
            _("Watching directories is not enabled on this server (LIONROCK_WATCH_ROOTS).")
        )
    if not any(resolved == root or root in resolved.parents for root in roots):
        raise ValidationFailed(_("That directory is outside the folders this server allows to be watched."))
    if not resolved.is_dir():
        raise ValidationFailed(_("That directory does not exist."))
    assert actor.user is not None
    directory = WatchedDirectory.objects.create(
        organisation=organisation, path=str(resolved), collection=collection, tlp=tlp, created_by=actor.user
    )
    audit.record(
        actor=actor, action="monitoring.watch.create", target=directory, changes={"path": str(resolved)}
    )
    return directory
