"""Every read of publishing records: press officers see their agency's releases and sources; the public
sees published versions only, and only from their publication time (the embargo)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.immigration.enforcement.models import Operation
from lionrock.publishing.models import Meeting, PressRelease, ReleaseTemplate, ReleaseVersion

__all__ = [
    "meeting_get",
    "meetings_visible",
    "operation_for_release",
    "operations_for_release",
    "press_organisations",
    "release_get",
    "release_public_get",
    "releases_public",
    "releases_visible",
    "templates_visible",
]


def _service_slugs() -> list[str]:
    return list(settings.LIONROCK_PRESS_SERVICE_ORGANISATIONS)


def press_organisations(*, actor: Actor) -> QuerySet[Organisation]:
    """The agencies the actor issues releases for: where they are a press officer, or every agency when
    they are a press officer of the government's information service."""
    held = actor.organisations_with(Role.PRESS_OFFICER)
    if actor.user is None or not held:
        return Organisation.objects.none()
    if Organisation.objects.filter(pk__in=held, slug__in=_service_slugs()).exists():
        return Organisation.objects.filter(is_active=True)
    return Organisation.objects.filter(pk__in=held, is_active=True)


def _press_ids(actor: Actor) -> list[int]:
    ids = list(press_organisations(actor=actor).values_list("pk", flat=True))
    if not ids:
        raise NotFound
    return ids


def releases_visible(*, actor: Actor) -> QuerySet[PressRelease]:
    """The releases of the agencies the actor issues for; the only door to working copies."""
    return PressRelease.objects.filter(organisation_id__in=_press_ids(actor))


def release_get(*, actor: Actor, release_id: int) -> PressRelease:
    release = (
        releases_visible(actor=actor)
        .select_related("organisation", "drafted_by", "submitted_by", "approved_by", "operation", "meeting")
        .filter(pk=release_id)
        .first()
    )
    if release is None:
        raise NotFound(release_id)
    return release


def operations_for_release(*, actor: Actor) -> QuerySet[Operation]:
    """Operations a press officer may announce: executed or closed ones of the agencies they issue for."""
    return (
        Operation.objects.filter(organisation_id__in=_press_ids(actor))
        .exclude(status=Operation.Status.PLANNED)
        .select_related("organisation")
        .order_by("-planned_start")
    )


def operation_for_release(*, actor: Actor | None, reference: str | int) -> Operation:
    """By id or codename (the newest with that codename). `actor` None: the command line, which runs with
    the server's own rights."""
    operations = (
        Operation.objects.exclude(status=Operation.Status.PLANNED)
        if actor is None
        else operations_for_release(actor=actor)
    ).select_related("organisation")
    text = str(reference).strip()
    found = (
        operations.filter(pk=int(text)).first()
        if text.isdigit()
        else operations.filter(codename__iexact=text).order_by("-planned_start").first()
    )
    if found is None:
        raise NotFound(text)
    return found


def meetings_visible(*, actor: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(organisation_id__in=_press_ids(actor)).select_related("organisation")


def meeting_get(*, actor: Actor | None, meeting_id: int) -> Meeting:
    meetings = Meeting.objects.all() if actor is None else meetings_visible(actor=actor)
    meeting = meetings.prefetch_related("attendees").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(meeting_id)
    return meeting


def templates_visible(*, actor: Actor) -> QuerySet[ReleaseTemplate]:
    ids = _press_ids(actor)
    return ReleaseTemplate.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=ids))


# --- Public ----------------------------------------------------------------------------------------------


def releases_public(*, now: datetime | None = None) -> QuerySet[ReleaseVersion]:
    """The newest published version of each release whose publication time has come, the latest release
    first (a correction does not move its release up the list)."""
    now = now or timezone.now()
    visible = ReleaseVersion.objects.filter(published_at__lte=now)
    latest = visible.filter(release=OuterRef("release")).order_by("-number").values("number")[:1]
    return (
        visible.filter(number=Subquery(latest))
        .select_related("release", "release__organisation")
        .order_by("-release__release_at", "-release_id")
    )


def release_public_get(
    *, reference: str, now: datetime | None = None
) -> tuple[ReleaseVersion, list[ReleaseVersion]]:
    """The newest published version of a release and every earlier one (for the corrections list)."""
    now = now or timezone.now()
    versions = list(
        ReleaseVersion.objects.filter(release__reference=reference, published_at__lte=now)
        .select_related("release", "release__organisation")
        .order_by("-number")
    )
    if not versions:
        raise NotFound(reference)
    return versions[0], versions
