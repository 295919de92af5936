"""Browsing and object pages: searching and paging the visible objects, an object's relationships,
sightings, recipients and whether it may be edited, and the counts on the home panels."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel.columns import label_normalise
from lionrock.cyber.intel.correlation import value_key, value_normalise
from lionrock.cyber.intel.models import (
    Collection,
    ObjectLabel,
    ObjectRecipient,
    ObservableValue,
    StixObject,
)
from lionrock.cyber.intel.selectors.visibility import (
    collection_ids_writable,
    intel_organisations,
    stix_objects_visible,
)
from lionrock.cyber.intel.validation import ID_RE
from lionrock.matcher.refang import refang

__all__ = [
    "ObjectPage",
    "ObjectSummary",
    "indicators_expiring_count",
    "intel_new_shared_count",
    "object_editable",
    "object_recipients",
    "object_relationships",
    "object_sightings",
    "object_summarise",
    "objects_for_report",
    "stix_objects_latest",
    "stix_objects_page",
    "stix_objects_search",
    "value_lookup_normalise",
]


@dataclass(frozen=True)
class ObjectSummary:
    """One stored version with its JSON parsed, for pages and API answers (no further queries)."""

    row: StixObject
    data: dict[str, Any]

    # Cached: a results table asks each several times per row.
    @cached_property
    def name(self) -> str:
        for key in ("name", "value", "pattern", "relationship_type"):
            if isinstance(self.data.get(key), str) and self.data[key]:
                return str(self.data[key])
        return self.row.stix_id

    @cached_property
    def labels(self) -> list[str]:
        labels = self.data.get("labels")
        return [str(label) for label in labels] if isinstance(labels, list) else []

    @cached_property
    def pattern(self) -> str:
        return str(self.data.get("pattern") or "")

    @property
    def description(self) -> str:
        return str(self.data.get("description") or "")

    @property
    def valid_from(self) -> datetime | None:
        return _timestamp_or_none(self.data.get("valid_from"))

    @property
    def valid_until(self) -> datetime | None:
        return _timestamp_or_none(self.data.get("valid_until"))

    @property
    def published(self) -> datetime | None:
        return _timestamp_or_none(self.data.get("published"))

    @property
    def object_refs(self) -> list[str]:
        refs = self.data.get("object_refs")
        return [str(ref) for ref in refs] if isinstance(refs, list) else []

    @property
    def pretty_json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False)


def _timestamp_or_none(value: Any) -> datetime | None:
    from lionrock.cyber.intel.validation import TIMESTAMP_RE, parse_timestamp

    return parse_timestamp(value) if isinstance(value, str) and TIMESTAMP_RE.match(value) else None


def object_summarise(row: StixObject) -> ObjectSummary:
    try:
        data = json.loads(row.raw)
    except ValueError:
        data = {}
    return ObjectSummary(row, data if isinstance(data, dict) else {})


def value_lookup_normalise(raw: str) -> tuple[str, str] | None:
    """A value typed or pasted into a search box, defanged forms included (hxxp, [.], [@])."""
    normal = value_normalise(raw)
    if normal is not None:
        return normal
    text = refang(raw)
    return value_normalise(text) if text != raw.strip() else None


def stix_objects_search(
    *,
    actor: Actor,
    value: str = "",
    stix_type: str = "",
    label: str = "",
    organisation: str = "",
    collection: str = "",
    tlp: str = "",
    added_since: date | None = None,
    added_until: date | None = None,
    expiring_within_days: int | None = None,
    include_revoked: bool = False,
) -> QuerySet[StixObject]:
    """The current version of each visible object in each collection, filtered, newest first.

    `value` is normalised as the matcher does (so "Evil.Example." finds evil.example) and looked up in
    the correlation index; text that is not an observable value matches ids, names and descriptions.
    Every other filter is an indexed column (labels in their own table), so that under any one filter
    the newest matches come from an index in date order instead of from a sort of every match.
    """
    rows = stix_objects_visible(actor=actor).filter(is_latest=True)
    if not include_revoked:
        rows = rows.filter(revoked=False)
    text = value.strip()
    if text:
        normal = value_lookup_normalise(text)
        if normal is not None:
            keys = ObservableValue.objects.filter(key=value_key(*normal)).values("stix_object_id")
            rows = rows.filter(pk__in=keys)
        elif ID_RE.match(text):
            rows = rows.filter(stix_id=text)
        else:
            rows = rows.filter(raw__icontains=json.dumps(text, ensure_ascii=False)[1:-1])
    if stix_type:
        rows = rows.filter(type=stix_type)
    if label_normalise(label):
        rows = rows.filter(_labelled(label_normalise(label)))
    # Named by slug and short code, looked up first: an equality on the id lets the planner read the
    # (organisation or collection, date_added) index instead of testing every row against a subquery.
    if organisation:
        org_id = Organisation.objects.filter(slug=organisation).values_list("pk", flat=True).first()
        rows = rows.filter(created_by_org_id=org_id) if org_id is not None else rows.none()
    if collection:
        collection_id = Collection.objects.filter(alias=collection).values_list("pk", flat=True).first()
        rows = rows.filter(collection_id=collection_id) if collection_id is not None else rows.none()
    if tlp:
        rows = rows.filter(tlp=tlp)
    # A bound at the ends of the calendar (0001-01-01, 9999-12-31) is no bound: the moment cannot be
    # written in UTC, and every object lies within it anyway.
    start = _day_start(added_since) if added_since else None
    if start is not None:
        rows = rows.filter(date_added__gte=start)
    end = _day_after(added_until) if added_until else None
    if end is not None:
        rows = rows.filter(date_added__lt=end)
    if expiring_within_days is not None:
        now = timezone.now()
        horizon = _later(now, days=expiring_within_days)
        # Only indicators carry valid_until (intel.columns).
        rows = rows.filter(valid_until__gte=now)
        if horizon is not None:
            rows = rows.filter(valid_until__lte=horizon)
    return rows.select_related("collection", "created_by_org").order_by("-date_added", "-pk")


def _day_start(day: date) -> datetime | None:
    """Midnight of `day` here, or None when that moment is outside what a UTC timestamp can hold."""
    try:
        moment = timezone.make_aware(datetime.combine(day, time.min))
        moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment


def _day_after(day: date) -> datetime | None:
    try:
        return _day_start(day + timedelta(days=1))
    except OverflowError:
        return None


def _later(moment: datetime, *, days: int) -> datetime | None:
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        return None


@dataclass(frozen=True)
class ObjectPage:
    """One page of search results, newest first, with cursors to the pages either side ("" at an end).

    `total` is exact up to `cap`; past it `capped` is set and the page says "more than" instead of
    counting every match, which on a large store would read every visible row on each page.
    """

    summaries: list[ObjectSummary]
    older: str
    newer: str
    total: int
    capped: bool


_CURSOR_RE = re.compile(r"^(\d{1,18})\.(\d{1,18})$")


def _cursor(row_added: datetime, pk: int) -> str:
    """A position in the newest-first order: date_added in microseconds since 1970, then the row id."""
    delta = row_added - datetime(1970, 1, 1, tzinfo=UTC)
    return f"{(delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds}.{pk}"


def _cursor_parse(text: str) -> tuple[datetime, int] | None:
    match = _CURSOR_RE.match(text or "")
    if match is None:
        return None
    try:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(match.group(1)))
    except OverflowError:
        return None
    return moment, int(match.group(2))


def _labelled(label: str) -> Q:
    return Q(pk__in=ObjectLabel.objects.filter(label=label).values("stix_object_id"))


def _in_date_order(others: QuerySet[StixObject], label: str) -> tuple[QuerySet[Any], str]:
    """Where a page's ids are read in date order: the objects, or for a label that label's rows.

    With a label, its (label, date_added) index is walked newest first and each row's object checked
    (visibility and the other filters) by primary key, so a label carried by 50,000 objects costs
    what a rare one does; reading the objects instead would sort all 50,000.
    """
    if not label:
        return others, "pk"
    candidates = ObjectLabel.objects.filter(label=label)
    return candidates.filter(Exists(others.filter(pk=OuterRef("stix_object_id")))), "stix_object_id"


def stix_objects_page(
    *,
    actor: Actor,
    older: str = "",
    newer: str = "",
    size: int = 50,
    count_cap: int = 1000,
    **filters: Any,
) -> ObjectPage:
    """A page of stix_objects_search's results after the `older` cursor (or before `newer`).

    Keyset paging: each page starts from an index position, so the hundredth page costs what the first
    does. The first page reads up to count_cap + 1 matching ids in date order (the page and the capped
    count in one walk of the index), then fetches its rows; later pages read size + 1 ids, the rows,
    and count separately.
    """
    label = label_normalise(filters.pop("label", "") or "")
    others = stix_objects_search(actor=actor, **filters)
    ordered, id_field = _in_date_order(others, label)
    keyed = ordered.order_by("-date_added", f"-{id_field}")
    after, before = _cursor_parse(older), _cursor_parse(newer)
    if after is not None:
        moment, pk = after
        keyed = keyed.filter(date_added__lte=moment).exclude(date_added=moment, **{f"{id_field}__gte": pk})
    elif before is not None:
        moment, pk = before
        keyed = (
            keyed.filter(date_added__gte=moment)
            .exclude(date_added=moment, **{f"{id_field}__lte": pk})
            .order_by("date_added", id_field)
        )
    first = after is None and before is None
    keys = list(keyed.values_list(id_field, flat=True)[: (max(size, count_cap) if first else size) + 1])
    more = len(keys) > size
    if before is not None and not more:
        # Back at the newest objects: show the first page whole rather than a short one.
        return stix_objects_page(actor=actor, size=size, count_cap=count_cap, label=label, **filters)
    total = len(keys) if first else int(ordered.order_by()[: count_cap + 1].count())
    keys = keys[:size]
    # The ids came from `ordered`, label included; `others` checks visibility and the other filters
    # again, without reading every row of a common label as a label condition here would.
    by_pk = {row.pk: row for row in others.filter(pk__in=keys)} if keys else {}
    rows = [by_pk[pk] for pk in keys if pk in by_pk]
    if before is not None:
        rows.reverse()
    has_older = more if before is None else bool(rows)
    has_newer = (after is not None and bool(rows)) or (before is not None and more)
    return ObjectPage(
        summaries=[object_summarise(row) for row in rows],
        older=_cursor(rows[-1].date_added, rows[-1].pk) if rows and has_older else "",
        newer=_cursor(rows[0].date_added, rows[0].pk) if rows and has_newer else "",
        total=min(total, count_cap),
        capped=total > count_cap,
    )


def object_relationships(
    *, actor: Actor, obj: StixObject, limit: int = 200
) -> list[tuple[ObjectSummary, ObjectSummary, str]]:
    """Visible relationships naming this object at either end, with the visible object at the other end.

    Each item is (relationship, other object, "out" when this object is the source, else "in").
    Relationships whose other end the actor may not see are left out.
    """
    candidates = [
        object_summarise(row)
        for row in stix_objects_visible(actor=actor)
        .filter(Q(source_ref=obj.stix_id) | Q(target_ref=obj.stix_id))
        .filter(type="relationship", is_latest=True, revoked=False)
        .order_by("-modified")[:limit]
    ]
    found: list[tuple[ObjectSummary, str, str]] = []
    for rel in candidates:
        if rel.data.get("source_ref") == obj.stix_id:
            found.append((rel, str(rel.data.get("target_ref")), "out"))
        elif rel.data.get("target_ref") == obj.stix_id:
            found.append((rel, str(rel.data.get("source_ref")), "in"))
    others = _latest_by_id(actor=actor, stix_ids={other for _, other, _ in found})
    return [(rel, others[other], way) for rel, other, way in found if other in others]


def _latest_by_id(*, actor: Actor, stix_ids: set[str]) -> dict[str, ObjectSummary]:
    if not stix_ids:
        return {}
    latest: dict[str, ObjectSummary] = {}
    for row in (
        stix_objects_visible(actor=actor)
        .filter(stix_id__in=stix_ids)
        .select_related("collection", "created_by_org")
        .order_by("modified", "date_added")
    ):
        latest[row.stix_id] = object_summarise(row)
    return latest


def stix_objects_latest(*, actor: Actor, stix_ids: Iterable[str]) -> dict[str, ObjectSummary]:
    """The newest visible version of each of these objects; ids the actor may not see are absent."""
    return _latest_by_id(actor=actor, stix_ids=set(stix_ids))


def object_sightings(*, actor: Actor, obj: StixObject, limit: int = 200) -> list[ObjectSummary]:
    """Visible sightings of this object, newest first."""
    rows = (
        stix_objects_visible(actor=actor)
        .filter(type="sighting", is_latest=True, sighting_of_ref=obj.stix_id)
        .select_related("collection", "created_by_org")
        .order_by("-date_added")[:limit]
    )
    return [s for s in map(object_summarise, rows) if s.data.get("sighting_of_ref") == obj.stix_id]


def object_editable(*, actor: Actor, obj: StixObject) -> bool:
    """New versions come from the creating organisation or the collection's owner, with write access."""
    if obj.collection_id not in collection_ids_writable(actor):
        return False
    orgs = intel_organisations(actor, write=True)
    return obj.created_by_org_id in orgs or obj.collection.owner_id in orgs


def object_recipients(*, actor: Actor, obj: StixObject) -> tuple[list[Organisation], list[User]]:
    """Who an AMBER+STRICT or RED version was addressed to (only for a version the actor may see)."""
    if not stix_objects_visible(actor=actor).filter(pk=obj.pk).exists():
        raise NotFound
    rows = list(ObjectRecipient.objects.filter(stix_object=obj).select_related("organisation", "user"))
    return (
        [row.organisation for row in rows if row.organisation is not None],
        [row.user for row in rows if row.user is not None],
    )


def objects_for_report(*, actor: Actor, limit: int = 300) -> QuerySet[StixObject]:
    """Recent visible objects an analyst may cite in a report."""
    return (
        stix_objects_visible(actor=actor)
        .filter(is_latest=True, revoked=False)
        .exclude(type__in=["report", "marking-definition", "relationship", "sighting"])
        .order_by("-date_added")[:limit]
    )


def intel_new_shared_count(*, actor: Actor, days: int = 7, cap: int = 1000) -> int:
    """Visible objects other organisations added in the last days (counted up to `cap`)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        stix_objects_visible(actor=actor)
        .filter(is_latest=True, revoked=False, date_added__gte=since)
        .exclude(created_by_org_id__in=actor.organisation_ids)
    )
    return rows.order_by()[:cap].count()


def indicators_expiring_count(*, actor: Actor, days: int = 7, cap: int = 1000) -> int:
    """Visible current indicators whose valid_until falls within the coming days (counted up to `cap`)."""
    rows = stix_objects_search(actor=actor, expiring_within_days=days)
    return int(rows.order_by()[:cap].count())
