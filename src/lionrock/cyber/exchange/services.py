"""Every write of the exchange app: imports (draft, confirm, one-shot), feeds and their polls.

Objects reach the store only through intel.services.objects_add, all or nothing for imports.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound, actor_for_user
from lionrock.core.accounts.roles import Scope
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.exchange import credentials, feed_urls, flags, readers
from lionrock.cyber.exchange.feed_urls import FeedUrlRefused
from lionrock.cyber.exchange.models import Feed, FeedPoll, ImportRun
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel import services as intel
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.tlp import tlp_named

FEED_PAGE_SIZE = 500
FEED_MAX_PAGES = 200
BACKOFF_FIRST_MINUTES = 5
BACKOFF_MAX_MINUTES = 24 * 60


def max_import_bytes() -> int:
    return int(settings.LIONROCK_IMPORT_MAX_BYTES)


class ImportFailed(ValidationFailed):
    """A file refused whole: the message names the file and the line or object; nothing was stored."""


@dataclass
class Preview:
    """What an import would create: counts by type, values flagged by warninglists, lines left out."""

    objects: list[dict[str, Any]]
    format: str
    counts: dict[str, int]
    flagged: list[dict[str, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    upgraded: bool = False


def _require_writable(actor: Actor, collection: Collection) -> None:
    access.require_scope(actor, Scope.INTEL_WRITE)
    if collection.pk not in intel_selectors.collection_ids_writable(actor):
        raise NotFound


def warninglist_flags(objects: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Indicators whose value is on a MISP warninglist (likely false positives)."""
    from lionrock.matcher.patterns import PatternRefused, analyse

    values: list[tuple[str, str, dict[str, Any]]] = []
    for obj in objects:
        if obj.get("type") != "indicator" or obj.get("pattern_type", "stix") != "stix":
            continue
        try:
            analysis = analyse(str(obj.get("pattern", "")))
        except PatternRefused:
            continue
        values.extend((kind, value, obj) for kind, value in analysis.fast + analysis.literals)
    return flags.flag(values)


def import_preview(
    *,
    data: bytes | None = None,
    path: Path | None = None,
    name: str,
    format: str = "auto",
    tlp: str = "",
) -> Preview:
    """Parses a file into what it would create, without writing anything."""
    level = tlp_named(tlp) if tlp else None
    limit = max_import_bytes()
    try:
        if path is not None:
            parsed = readers.parse_path(path, format=format, tlp=level, max_bytes=limit)
        else:
            payload = data or b""
            if len(payload) > limit:
                raise readers.ImportRefused(
                    _("%(name)s: the file is %(size)s MB; the import limit is %(limit)s MB")
                    % {
                        "name": name,
                        "size": round(len(payload) / 1048576, 1),
                        "limit": round(limit / 1048576, 1),
                    }
                )
            parsed = readers.parse(payload, name=name, format=format, tlp=level)
    except readers.ImportRefused as error:
        raise ImportFailed(str(error)) from error
    counts = dict(Counter(str(obj.get("type")) for obj in parsed.objects).most_common())
    return Preview(
        objects=parsed.objects,
        format=parsed.format,
        counts=counts,
        flagged=warninglist_flags(parsed.objects),
        skipped=parsed.skipped,
        upgraded=parsed.upgraded,
    )


NOTES_KEPT = 200


def _notes(outcome: intel.AddOutcome, objects: list[dict[str, Any]]) -> list[str]:
    """What was done to accepted objects, each with its id, for the import's page and API answer."""
    return [f"{objects[index].get('id', index)}: {note}" for index, note in sorted(outcome.notes.items())][
        :NOTES_KEPT
    ]


def _store(
    actor: Actor, collection: Collection, objects: list[dict[str, Any]], name: str
) -> intel.AddOutcome:
    try:
        return intel.objects_add(
            actor=actor, collection=collection, objects=objects, source="import", all_or_nothing=True
        )
    except intel.StixRejected as error:
        raise ImportFailed(f"{name}: {error}") from error


@transaction.atomic
def import_draft_create(
    *,
    actor: Actor,
    collection: Collection,
    data: bytes,
    name: str,
    format: str = "auto",
    tlp: str = "",
) -> ImportRun:
    """Parses an upload and keeps it for the analyst to preview and confirm; nothing is shared yet."""
    _require_writable(actor, collection)
    assert actor.user is not None
    preview = import_preview(data=data, name=name, format=format, tlp=tlp)
    run = ImportRun.objects.create(
        collection=collection,
        created_by=actor.user,
        filename=name[:255],
        format=preview.format,
        tlp=tlp,
        objects_json=json.dumps(preview.objects, ensure_ascii=False),
        counts=preview.counts,
        flagged=preview.flagged,
        skipped=preview.skipped[:200],
    )
    audit.record(
        actor=actor,
        action="exchange.import.draft",
        target=run,
        summary=f"{name}: {sum(preview.counts.values())} object(s)",
    )
    return run


def import_confirm(*, actor: Actor, run: ImportRun) -> ImportRun:
    """Stores a previewed import, all or nothing; a refusal is recorded on the run and raised."""
    if run.created_by_id != (actor.user.pk if actor.user else None) or run.status != ImportRun.Status.DRAFT:
        raise NotFound
    objects = json.loads(run.objects_json)
    try:
        with transaction.atomic():
            outcome = _store(actor, run.collection, objects, run.filename)
            run.status = ImportRun.Status.DONE
            run.added = len(outcome.added)
            run.duplicates = len(outcome.duplicates)
            run.notes = _notes(outcome, objects)
            run.objects_json = ""
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "added", "duplicates", "notes", "objects_json", "finished_at"])
    except ImportFailed as error:
        # Outside the rolled-back transaction, so the refusal itself is kept on the run.
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, error=str(error)[:5000], finished_at=timezone.now()
        )
        raise
    return run


@transaction.atomic
@transaction.atomic
def import_cancel(*, actor: Actor, run: ImportRun) -> None:
    """The draft's owner drops it: nothing is stored and the parsed objects are discarded."""
    if run.created_by_id != (actor.user.pk if actor.user else None) or run.status != ImportRun.Status.DRAFT:
        raise NotFound
    run.status = ImportRun.Status.CANCELLED
    run.objects_json = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "objects_json", "finished_at"])
    audit.record(actor=actor, action="exchange.import.cancel", target=run, summary=run.filename)


def import_run(
    *,
    actor: Actor,
    collection: Collection,
    name: str,
    data: bytes | None = None,
    path: Path | None = None,
    format: str = "auto",
    tlp: str = "",
) -> tuple[ImportRun, Preview]:
    """Imports a file in one step (REST API and command line): parse, flag, store all or nothing."""
    _require_writable(actor, collection)
    assert actor.user is not None
    preview = import_preview(data=data, path=path, name=name, format=format, tlp=tlp)
    with transaction.atomic():
        outcome = _store(actor, collection, preview.objects, name)
        run = ImportRun.objects.create(
            collection=collection,
            created_by=actor.user,
            filename=name[:255],
            format=preview.format,
            tlp=tlp,
            status=ImportRun.Status.DONE,
            counts=preview.counts,
            flagged=preview.flagged,
            skipped=preview.skipped[:200],
            added=len(outcome.added),
            duplicates=len(outcome.duplicates),
            notes=_notes(outcome, preview.objects),
            finished_at=timezone.now(),
        )
    return run, preview


def import_drafts_expire(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Drafts never confirmed are cancelled and their objects dropped, each with an audit entry."""
    cutoff = timezone.now() - older_than
    expired = 0
    stale = ImportRun.objects.filter(status=ImportRun.Status.DRAFT, created_at__lt=cutoff).only(
        "pk", "filename"
    )
    for run in stale.iterator():
        with transaction.atomic():
            # Conditional, so a draft confirmed or cancelled meanwhile keeps its outcome.
            changed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.DRAFT).update(
                status=ImportRun.Status.CANCELLED, objects_json="", finished_at=timezone.now()
            )
            if changed:
                audit.record(
                    actor=None,
                    actor_label="worker",
                    action="exchange.import.expire",
                    target=run,
                    summary=f"{run.filename}: not confirmed within {older_than}",
                )
                expired += changed
    return expired


# --- feeds ---------------------------------------------------------------------------------------------


def _require_feed_manager(actor: Actor, collection: Collection) -> None:
    access.require_scope(actor, Scope.INTEL_WRITE)
    intel_selectors.require_manage(actor, collection)
    _require_writable(actor, collection)


def _url_for_audit(url: str) -> str:
    """The URL without any user name or password someone put in it."""
    try:
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if parts.port:
            netloc = f"{netloc}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))[:500]
    except ValueError:
        return ""


def _feed_url_require(actor: Actor, url: str, *, target: Feed | Collection) -> None:
    """The operator's allow-list (feed_urls); a refusal is audited before it is raised."""
    try:
        feed_urls.feed_url_check(url)
    except FeedUrlRefused as refusal:
        audit.record(
            actor=actor,
            action="exchange.feed.url_refused",
            target=target,
            outcome="denied",
            changes={"url": _url_for_audit(url)},
            summary=str(refusal)[:500],
        )
        raise


def feed_create(
    *,
    actor: Actor,
    collection: Collection,
    name: str,
    url: str,
    auth: str = Feed.Auth.NONE,
    username: str = "",
    secret: str = "",
    secret_env: str = "",
    interval_minutes: int = 60,
    verify_tls: bool = True,
) -> Feed:
    """Subscribes a local collection to a remote TAXII 2.1 collection; the first poll is due at once.

    The URL must be one the operator allows (feed_urls); a refused one is audited and nothing is stored.
    """
    _require_feed_manager(actor, collection)
    assert actor.user is not None
    url = url.strip()
    _feed_url_require(actor, url, target=collection)
    if auth != Feed.Auth.NONE and not (secret or secret_env):
        raise ValidationFailed(_("Give the secret, or the environment variable that holds it."))
    if interval_minutes < 1:
        raise ValidationFailed(_("Poll at most once a minute."))
    with transaction.atomic():
        feed = Feed.objects.create(
            name=name,
            url=url,
            collection=collection,
            created_by=actor.user,
            auth=auth,
            username=username,
            secret_sealed=credentials.seal(secret) if secret and not secret_env else "",
            secret_env=secret_env,
            interval_minutes=interval_minutes,
            verify_tls=verify_tls,
        )
        audit.record(
            actor=actor,
            action="exchange.feed.create",
            target=feed,
            changes={"url": url, "collection": str(collection.pk), "auth": auth},
            summary=f"{name} -> {collection.alias}",
        )
    return feed


def feed_update(
    *,
    actor: Actor,
    feed: Feed,
    is_active: bool | None = None,
    interval_minutes: int | None = None,
    url: str | None = None,
) -> Feed:
    """Pauses, resumes, re-times or re-addresses a feed.

    A new URL, and the URL of a feed being resumed, must be one the operator allows now (the list may
    have changed since the feed was made); a refusal is audited and changes nothing.
    """
    _require_feed_manager(actor, feed.collection)
    new_url = url.strip() if url is not None and url.strip() != feed.url else None
    if new_url is not None or is_active:
        _feed_url_require(actor, new_url or feed.url, target=feed)
    if interval_minutes is not None and interval_minutes < 1:
        raise ValidationFailed(_("Poll at most once a minute."))
    changes: dict[str, Any] = {}
    if new_url is not None:
        feed.url = new_url
        feed.added_after = ""  # another server's cursor means nothing here: read it from the start
        changes["url"] = _url_for_audit(new_url)
    if is_active is not None:
        feed.is_active = is_active
        changes["is_active"] = is_active
        if is_active:
            feed.next_poll_at = timezone.now()
            feed.consecutive_failures = 0
    if interval_minutes is not None:
        feed.interval_minutes = interval_minutes
        changes["interval_minutes"] = interval_minutes
    with transaction.atomic():
        feed.save()
        audit.record(
            actor=actor, action="exchange.feed.update", target=feed, changes=changes, summary=feed.name
        )
    return feed


@transaction.atomic
def feed_poll_request(*, actor: Actor, feed: Feed) -> Feed:
    """Makes a feed due now (the worker polls it on its next round)."""
    _require_feed_manager(actor, feed.collection)
    feed.next_poll_at = timezone.now()
    feed.save(update_fields=["next_poll_at"])
    audit.record(actor=actor, action="exchange.feed.poll_request", target=feed, summary=feed.name)
    return feed


def feeds_claim_due(*, limit: int = 50) -> list[int]:
    """Feeds due for a poll, each pushed forward so that the next round does not claim it twice."""
    now = timezone.now()
    claimed: list[int] = []
    with transaction.atomic():
        for feed in Feed.objects.filter(is_active=True, next_poll_at__lte=now).order_by("next_poll_at")[
            :limit
        ]:
            Feed.objects.filter(pk=feed.pk).update(
                next_poll_at=now + timedelta(minutes=feed.interval_minutes)
            )
            claimed.append(feed.pk)
    return claimed


def backoff_minutes(failures: int) -> int:
    """5, 10, 20, 40 ... minutes after consecutive failures, never more than a day."""
    return int(min(BACKOFF_FIRST_MINUTES * 2 ** max(failures - 1, 0), BACKOFF_MAX_MINUTES))


def feed_poll(*, feed: Feed, page_size: int = FEED_PAGE_SIZE, max_pages: int = FEED_MAX_PAGES) -> FeedPoll:
    """Polls one feed into its collection as the feed's creator; never raises, the outcome is recorded.

    Each page is stored as it arrives (objects the store refuses are counted, not fatal, as a TAXII
    server would), and the cursor is saved after every stored page, so a failure leaves no gap.
    """
    # The HTTP and TAXII client libraries are loaded by the worker that polls, not by every web process.
    from lionrock.cyber.exchange import polling

    poll = FeedPoll.objects.create(feed=feed, added_after_before=feed.added_after)
    state = polling.PollState(cursor=feed.added_after)
    try:
        actor = actor_for_user(feed.created_by, ip_address="feed poller")
        if feed.collection.pk not in intel_selectors.collection_ids_writable(actor):
            raise PermissionError(
                _("the feed's owner may no longer write to %(alias)s") % {"alias": feed.collection.alias}
            )
        secret = (
            credentials.secret_of(sealed=feed.secret_sealed, env=feed.secret_env)
            if feed.auth != Feed.Auth.NONE
            else ""
        )
        collection, conn = polling.connect(
            feed.url, auth=feed.auth, username=feed.username, secret=secret, verify=feed.verify_tls
        )
        try:
            for page in polling.pages(collection, conn, state, limit=page_size, max_pages=max_pages):
                if page:
                    outcome = intel.objects_add(
                        actor=actor,
                        collection=feed.collection,
                        objects=page,
                        source=f"feed:{feed.pk}",
                        all_or_nothing=False,
                    )
                    poll.added += len(outcome.added)
                    poll.duplicates += len(outcome.duplicates)
                    poll.rejected += len(outcome.failures)
                    if outcome.failures and not poll.message:
                        poll.message = str(outcome.failures[0])[:1000]
                Feed.objects.filter(pk=feed.pk).update(added_after=state.cursor)
        finally:
            conn.close()
    except Exception as error:  # noqa: BLE001  (any failure of a remote is recorded, never propagated)
        failures = feed.consecutive_failures + 1
        now = timezone.now()
        message = f"{type(error).__name__}: {error}"[:2000]
        if isinstance(error, FeedUrlRefused):
            # The operator's list changed, or the name now resolves somewhere it may not go.
            audit.record(
                actor=None,
                actor_label="feed poller",
                action="exchange.feed.url_refused",
                target=feed,
                outcome="denied",
                changes={"url": _url_for_audit(feed.url)},
                summary=str(error)[:500],
            )
        Feed.objects.filter(pk=feed.pk).update(
            added_after=state.cursor,
            consecutive_failures=failures,
            last_error=message,
            last_polled_at=now,
            next_poll_at=now + timedelta(minutes=backoff_minutes(failures)),
        )
        poll.outcome = FeedPoll.Outcome.FAILED
        poll.message = message
    else:
        now = timezone.now()
        Feed.objects.filter(pk=feed.pk).update(
            added_after=state.cursor,
            consecutive_failures=0,
            last_error="",
            last_polled_at=now,
            last_success_at=now,
            next_poll_at=now + timedelta(minutes=feed.interval_minutes),
        )
        if state.stopped:
            poll.message = (poll.message + " " + state.stopped).strip()
    poll.pages = state.pages
    poll.received = state.received
    poll.added_after_after = state.cursor
    poll.finished_at = timezone.now()
    poll.save()
    feed.refresh_from_db()
    return poll
