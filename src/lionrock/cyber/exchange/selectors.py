"""Every read of the exchange app, for an actor; intelligence is read only through intel's selectors."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.cyber.exchange.models import Feed, FeedPoll, ImportRun
from lionrock.cyber.exchange.writers import Row
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel.models import Collection
from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES

EXPORT_CHUNK = 2000


def imports_of(*, actor: Actor, limit: int = 50) -> QuerySet[ImportRun]:
    """The actor's own imports, newest first."""
    if actor.user is None:
        return ImportRun.objects.none()
    return ImportRun.objects.filter(created_by=actor.user).select_related("collection")[:limit]


def import_get(*, actor: Actor, run_id: str) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id, created_by_id=actor.user.pk if actor.user else None).first()
    if run is None:
        raise NotFound
    return run


def collections_writable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=intel_selectors.collection_ids_writable(actor))


def feeds_visible(*, actor: Actor) -> QuerySet[Feed]:
    """Feeds into collections the actor's organisation owns and the actor manages."""
    orgs = actor.organisations_with(*INTEL_MANAGE_ROLES)
    if actor.user is None or not orgs:
        return Feed.objects.none()
    return Feed.objects.filter(collection__owner_id__in=orgs).select_related("collection")


def feed_get(*, actor: Actor, feed_id: int) -> Feed:
    feed = feeds_visible(actor=actor).filter(pk=feed_id).first()
    if feed is None:
        raise NotFound
    return feed


def feed_polls(*, actor: Actor, feed: Feed, limit: int = 20) -> QuerySet[FeedPoll]:
    feed_get(actor=actor, feed_id=feed.pk)
    return feed.polls.all()[:limit]


def feeds_failing_count(*, actor: Actor) -> int:
    return feeds_visible(actor=actor).filter(is_active=True, consecutive_failures__gt=0).count()


def feed_for_worker(*, feed_id: int) -> Feed | None:
    """The worker's own read: a feed to poll, acting later as the feed's creator."""
    return Feed.objects.select_related("collection", "created_by").filter(pk=feed_id, is_active=True).first()


def export_count(*, actor: Actor, collection: Collection) -> int:
    """How many objects an export of the collection would hold for this actor."""
    visible = intel_selectors.collection_objects_visible(actor=actor, collection=collection)
    return visible.filter(is_latest=True).count()


def export_rows(*, actor: Actor, collection: Collection) -> Iterator[Row]:
    """The newest version of every object in the collection that the actor may see, streamed in chunks.

    Visibility is intel's: collection_objects_visible applies the TLP rules for this actor.
    """
    visible = intel_selectors.collection_objects_visible(actor=actor, collection=collection).filter(
        is_latest=True
    )
    last = 0
    while True:
        chunk = list(
            visible.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "stix_id", "type", "tlp", "raw")[:EXPORT_CHUNK]
        )
        if not chunk:
            return
        for _pk, stix_id, stix_type, tlp, raw in chunk:
            yield Row(stix_id, stix_type, tlp, raw)
        last = chunk[-1][0]
