"""REST endpoints: drafts generated from records, the release workflow, and what is published."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from lionrock.core.accounts.access import Actor, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.roles import Scope
from lionrock.publishing import selectors, services
from lionrock.publishing.drafting import draft_for_operation
from lionrock.publishing.models import PressRelease, ReleaseVersion
from lionrock.publishing.schemas import (
    DraftOut,
    PublishedOut,
    ReleaseEditIn,
    ReleaseIn,
    ReleaseOut,
)

router = ScopedRouter(read=Scope.PUBLISHING_READ, write=Scope.PUBLISHING_WRITE, tags=["publishing"])


def _release_out(release: PressRelease) -> ReleaseOut:
    return ReleaseOut(
        id=release.pk,
        reference=release.reference,
        kind=release.kind,
        state=release.state,
        release_at=release.release_at,
        title_en=release.title_en,
        title_zh=release.title_zh,
        body_en=release.body_en,
        body_zh=release.body_zh,
        versions=release.versions.count(),
    )


def _published_out(version: ReleaseVersion) -> PublishedOut:
    return PublishedOut(
        reference=version.release.reference,
        version=version.number,
        published_at=version.published_at,
        title_en=version.title_en,
        title_zh=version.title_zh,
        body_en=version.body_en,
        body_zh=version.body_zh,
        change_note_en=version.change_note_en,
        change_note_zh=version.change_note_zh,
    )


def _reader(request: HttpRequest) -> Actor:
    return actor_for_api(request)


def _writer(request: HttpRequest) -> Actor:
    return actor_for_api(request)


@router.get("/operations/{reference}/draft", response=DraftOut)
def operation_draft(
    request: HttpRequest,
    reference: str,
    language: str = "en",
    release_at: datetime | None = None,
    place: str = "",
) -> DraftOut:
    """The draft Lionrock would generate now, in one language, with the source of every figure; nothing
    is saved. Without release_at (or place), those of the operation's latest release, else now."""
    actor = _reader(request)
    draft = draft_for_operation(
        actor=actor, reference=reference, language=language, release_at=release_at, place=place
    )
    return DraftOut(**{k: v for k, v in draft.as_json().items() if k != "body_html"})


@router.get("/releases", response=list[ReleaseOut])
def releases(request: HttpRequest, state: str = "") -> list[ReleaseOut]:
    actor = _reader(request)
    rows = selectors.releases_visible(actor=actor).prefetch_related("versions")
    if state:
        rows = rows.filter(state=state)
    return [_release_out(release) for release in rows[:200]]


@router.post("/releases", response={201: ReleaseOut})
def release_create(request: HttpRequest, payload: ReleaseIn) -> tuple[int, ReleaseOut]:
    actor = _writer(request)
    if payload.operation is not None:
        operation = selectors.operation_for_release(actor=actor, reference=payload.operation)
        release = services.release_draft_create(
            actor=actor,
            operation=operation,
            release_at=payload.release_at,
            place_en=payload.place_en,
            place_zh=payload.place_zh,
        )
    elif payload.drill is not None:
        exercise = selectors.exercise_for_release(actor=actor, exercise_id=payload.drill)
        release = services.release_draft_create(actor=actor, exercise=exercise, release_at=payload.release_at)
    elif payload.event is not None:
        event = selectors.event_for_release(actor=actor, event_id=payload.event)
        release = services.release_draft_create(actor=actor, event=event, release_at=payload.release_at)
    else:
        meeting = selectors.meeting_get(actor=actor, meeting_id=payload.meeting or 0)
        release = services.release_draft_create(actor=actor, meeting=meeting, release_at=payload.release_at)
    return 201, _release_out(release)


@router.get("/releases/{release_id}", response=ReleaseOut)
def release_detail(request: HttpRequest, release_id: int) -> ReleaseOut:
    return _release_out(selectors.release_get(actor=_reader(request), release_id=release_id))


@router.put("/releases/{release_id}", response=ReleaseOut)
def release_edit(request: HttpRequest, release_id: int, payload: ReleaseEditIn) -> ReleaseOut:
    actor = _writer(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    return _release_out(services.release_update(actor=actor, release=release, **payload.model_dump()))


@router.post("/releases/{release_id}/submit", response=ReleaseOut)
def release_submit(request: HttpRequest, release_id: int) -> ReleaseOut:
    actor = _writer(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    return _release_out(services.release_submit(actor=actor, release=release))


@router.post("/releases/{release_id}/approve", response=PublishedOut)
def release_approve(request: HttpRequest, release_id: int) -> PublishedOut:
    actor = _writer(request)
    release = selectors.release_get(actor=actor, release_id=release_id)
    return _published_out(services.release_approve(actor=actor, release=release))


@router.get("/published", auth=None, response=list[PublishedOut])
def published(request: HttpRequest) -> list[PublishedOut]:
    """What the public may read now: the newest version of each release past its embargo."""
    return [_published_out(version) for version in selectors.releases_public()[:100]]
