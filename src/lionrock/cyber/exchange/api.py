"""REST endpoints: import a file (or preview it), stream an export, manage TAXII feeds.

Imports need the intel:write scope, exports intel:read; both act through the same services and
selectors as the UI, so TLP decides the same way everywhere.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import File, Form
from ninja.files import UploadedFile

from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.roles import Scope
from lionrock.core.accounts.schemas import RowId
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.exchange import exporting, selectors, services
from lionrock.cyber.exchange.models import Feed
from lionrock.cyber.exchange.schemas import ErrorOut, FeedIn, FeedOut, FeedPollOut, ImportOut
from lionrock.cyber.intel import selectors as intel_selectors

router = ScopedRouter(read=Scope.INTEL_READ, write=Scope.INTEL_WRITE, tags=["exchange"])
REFUSED: dict[int, Any] = {404: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    return actor_for_api(request)


def _feed_out(feed: Feed) -> FeedOut:
    return FeedOut(
        id=feed.pk,
        name=feed.name,
        url=feed.url,
        collection=feed.collection.alias,
        auth=feed.auth,
        interval_minutes=feed.interval_minutes,
        is_active=feed.is_active,
        added_after=feed.added_after,
        next_poll_at=feed.next_poll_at,
        last_success_at=feed.last_success_at,
        consecutive_failures=feed.consecutive_failures,
        last_error=feed.last_error,
    )


@router.post(
    "/imports",
    response={201: ImportOut, 200: ImportOut, **REFUSED},
    summary="Import a STIX, MISP, MISP feed (zip), CSV or text file, all or nothing; dry_run only previews",
)
def import_create(
    request: HttpRequest,
    file: File[UploadedFile],
    collection: Form[str],
    format: Form[str] = "auto",
    tlp: Form[str] = "",
    dry_run: Form[bool] = False,
) -> tuple[int, Any]:
    actor = _actor(request)
    target = intel_selectors.collection_access_get(actor=actor, key=collection)
    if not target.can_write:
        raise NotFound
    if file.size and file.size > services.max_import_bytes():
        return 413, ErrorOut(detail=f"{file.name}: the file is larger than the import limit")
    data = file.read()
    name = file.name or "upload"
    if dry_run:
        preview = services.import_preview(data=data, name=name, format=format, tlp=tlp)
        return 200, ImportOut(
            id="",
            filename=name,
            format=preview.format,
            collection=target.collection.alias,
            added=0,
            duplicates=0,
            counts=preview.counts,
            flagged=preview.flagged,  # type: ignore[arg-type]
            skipped=preview.skipped,
            stored=False,
        )
    run, preview = services.import_run(
        actor=actor, collection=target.collection, data=data, name=name, format=format, tlp=tlp
    )
    return 201, ImportOut(
        id=str(run.pk),
        filename=run.filename,
        format=run.format,
        collection=target.collection.alias,
        added=run.added,
        duplicates=run.duplicates,
        counts=run.counts,
        flagged=run.flagged,
        skipped=run.skipped,
        notes=run.notes,
        stored=True,
    )


@router.get(
    "/exports/{collection}",
    response={200: None, 404: ErrorOut, 422: ErrorOut},
    summary="Stream an export of what the caller may see: stix, misp, csv, zeek, suricata-dataset, "
    "suricata-iprep or list (kind= for lists and datasets)",
    description="Zeek, Suricata and plain-list exports leave out values on MISP warninglists unless "
    "include_warninglisted=true; the X-Lionrock-Warninglisted header says how many were left out.",
)
def export_stream(
    request: HttpRequest,
    collection: str,
    format: str = "stix",
    kind: str = "",
    category: int = 1,
    score: int = 100,
    include_warninglisted: bool = False,
) -> StreamingHttpResponse:
    actor = _actor(request)
    target = intel_selectors.collection_access_get(actor=actor, key=collection)
    if not target.can_read:
        raise NotFound
    job = exporting.export_open(
        actor=actor,
        collection=target.collection,
        fmt=format,
        kind=kind,
        category=category,
        score=score,
        include_warninglisted=include_warninglisted,
    )
    response = StreamingHttpResponse(job.chunks, content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response[exporting.WARNINGLISTED_HEADER] = str(job.warninglisted)
    return response


@router.get("/feeds", response=list[FeedOut], summary="TAXII feeds into collections your organisation owns")
def feed_list(request: HttpRequest) -> list[FeedOut]:
    actor = _actor(request)
    return [_feed_out(feed) for feed in selectors.feeds_visible(actor=actor)]


@router.post(
    "/feeds",
    response={201: FeedOut, **REFUSED},
    summary="Subscribe a collection to a remote TAXII 2.1 collection",
)
def feed_create(request: HttpRequest, payload: FeedIn) -> tuple[int, FeedOut]:
    actor = _actor(request)
    target = intel_selectors.collection_access_get(actor=actor, key=payload.collection)
    if payload.auth not in Feed.Auth.values:
        raise ValidationFailed(f"auth must be one of {', '.join(Feed.Auth.values)}")
    feed = services.feed_create(
        actor=actor,
        collection=target.collection,
        name=payload.name,
        url=payload.url,
        auth=payload.auth,
        username=payload.username,
        secret=payload.secret,
        secret_env=payload.secret_env,
        interval_minutes=payload.interval_minutes,
        verify_tls=payload.verify_tls,
    )
    return 201, _feed_out(feed)


@router.post(
    "/feeds/{feed_id}/poll", response={202: FeedOut, 404: ErrorOut}, summary="Make a feed due for polling now"
)
def feed_poll(request: HttpRequest, feed_id: RowId) -> tuple[int, FeedOut]:
    actor = _actor(request)
    feed = services.feed_poll_request(actor=actor, feed=selectors.feed_get(actor=actor, feed_id=feed_id))
    return 202, _feed_out(feed)


@router.get(
    "/feeds/{feed_id}/polls",
    response={200: list[FeedPollOut], 404: ErrorOut},
    summary="A feed's recent polls",
)
def feed_polls(request: HttpRequest, feed_id: RowId) -> list[FeedPollOut]:
    actor = _actor(request)
    feed = selectors.feed_get(actor=actor, feed_id=feed_id)
    return [
        FeedPollOut.model_validate(poll, from_attributes=True)
        for poll in selectors.feed_polls(actor=actor, feed=feed)
    ]
