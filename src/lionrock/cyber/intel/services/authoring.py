"""Authoring from the UI and the REST API: indicators, reports, new versions and revocations.

Every version still goes through ingest.objects_add."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors
from lionrock.cyber.intel.models import (
    Collection,
    StixObject,
)
from lionrock.cyber.intel.services.ingest import objects_add
from lionrock.cyber.intel.tlp import (
    KNOWN_MARKING_IDS,
    MARKING_ID_FOR,
    RANK,
    Tlp,
    most_restrictive,
)

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_LABEL",
    "MAX_LABELS",
    "MAX_NAME",
    "MAX_PATTERN",
    "MAX_REPORT_REFS",
    "VALUE_TYPES",
    "IndicatorDraft",
    "ReportDraft",
    "indicator_create",
    "indicator_update",
    "object_revoke",
    "pattern_for_value",
    "report_create",
    "stix_timestamp",
]


MAX_NAME = 250


MAX_DESCRIPTION = 10_000


MAX_LABEL = 100


MAX_LABELS = 20


MAX_PATTERN = 4_000


MAX_REPORT_REFS = 1_000


# Simple indicator values: the form's choice -> (STIX object path, kind the matcher canonicalises).
VALUE_TYPES: dict[str, tuple[str, str]] = {
    "ipv4-addr": ("ipv4-addr:value", "address"),
    "ipv6-addr": ("ipv6-addr:value", "address"),
    "domain-name": ("domain-name:value", "domain"),
    "url": ("url:value", "url"),
    "email-addr": ("email-addr:value", "email"),
    "file:md5": ("file:hashes.MD5", "hash"),
    "file:sha1": ("file:hashes.'SHA-1'", "hash"),
    "file:sha256": ("file:hashes.'SHA-256'", "hash"),
}


_HASH_LENGTHS = {"file:md5": 32, "file:sha1": 40, "file:sha256": 64}


def pattern_for_value(*, value_type: str, value: str) -> str:
    """A one-comparison STIX pattern for a single observable, e.g. [ipv4-addr:value = '192.0.2.1'].

    A defanged value is refanged first, as imports and search do.
    """
    from ipaddress import IPv4Network, IPv6Network, ip_network

    from lionrock.matcher.patterns import classify_value
    from lionrock.matcher.refang import refang

    if value_type not in VALUE_TYPES:
        raise ValidationFailed(_("Choose the kind of value from the list."))
    path, kind = VALUE_TYPES[value_type]
    # Pasted from a report or feed, a value is often defanged (203.0.113[.]77, hxxps://x[.]example):
    # stored live, as search and import store it, or the indicator would never match.
    text = refang(value)
    valid = bool(text) and classify_value(kind, text) is not None
    if valid and kind == "address":
        try:
            network = ip_network(text, strict=False)
        except ValueError:
            valid = False
        else:
            wanted = IPv4Network if value_type == "ipv4-addr" else IPv6Network
            valid = isinstance(network, wanted)
    if valid and value_type in _HASH_LENGTHS:
        valid = len(text) == _HASH_LENGTHS[value_type]
    if not valid:
        raise ValidationFailed(
            _("“%(value)s” is not a valid %(kind)s.") % {"value": text[:100], "kind": value_type}
        )
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"[{path} = '{escaped}']"


def stix_timestamp(moment: datetime) -> str:
    """STIX form with milliseconds, in UTC: 2026-11-25T08:30:00.123Z."""
    from datetime import UTC

    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _next_modified(previous: datetime | None) -> str:
    """Now, or just after the previous version when that one is dated in the future."""
    moment = timezone.now()
    now = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    if previous is not None:
        floor = previous.replace(microsecond=previous.microsecond // 1000 * 1000) + timedelta(milliseconds=1)
        now = max(now, floor)
    return stix_timestamp(now)


@dataclass
class IndicatorDraft:
    """What an analyst types for an indicator; the pattern is already built when a value was given."""

    name: str
    pattern: str
    valid_from: datetime
    description: str = ""
    valid_until: datetime | None = None
    labels: list[str] = field(default_factory=list)
    confidence: int | None = None
    tlp: Tlp | None = None


@dataclass
class ReportDraft:
    name: str
    published: datetime
    object_refs: list[str]
    description: str = ""
    labels: list[str] = field(default_factory=list)
    tlp: Tlp | None = None


def _check_cited_tlp(tlp: Tlp, cited: Sequence[Tlp]) -> None:
    """A report is never shared more widely than what it cites: readers who may not see a cited object
    would not be shown the report at all (the visibility rule), so say so while it can still be changed."""
    strictest = most_restrictive(cited)
    if strictest is not None and RANK[strictest] > RANK[tlp]:
        raise ValidationFailed(
            _(
                "This report cites %(cited)s objects: mark it %(cited)s or stricter, or leave those "
                "objects out. A report is seen only by readers who may see everything it cites."
            )
            % {"cited": strictest.label}
        )


def _check_text(*, name: str, description: str, labels: Sequence[str]) -> None:
    if not name.strip():
        raise ValidationFailed(_("Give it a name."))
    if len(name) > MAX_NAME:
        raise ValidationFailed(_("The name is longer than %(max)s characters.") % {"max": MAX_NAME})
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(
            _("The description is longer than %(max)s characters.") % {"max": MAX_DESCRIPTION}
        )
    if len(labels) > MAX_LABELS:
        raise ValidationFailed(_("Use at most %(max)s labels.") % {"max": MAX_LABELS})
    for label in labels:
        if not label.strip() or len(label) > MAX_LABEL:
            raise ValidationFailed(_("Each label must be 1 to %(max)s characters long.") % {"max": MAX_LABEL})


def _check_recipients(
    tlp: Tlp | None, collection: Collection, organisations: Sequence[Organisation], users: Sequence[User]
) -> None:
    level = tlp or Tlp(collection.default_tlp)
    if organisations and level != Tlp.AMBER_STRICT:
        raise ValidationFailed(_("Recipient organisations can only be named for TLP:AMBER+STRICT."))
    if users and level != Tlp.RED:
        raise ValidationFailed(_("Recipient people can only be named for TLP:RED."))


def _apply_common(data: dict[str, Any], *, description: str, labels: Sequence[str], tlp: Tlp | None) -> None:
    if description.strip():
        data["description"] = description.strip()
    else:
        data.pop("description", None)
    cleaned = list(dict.fromkeys(label.strip() for label in labels if label.strip()))
    if cleaned:
        data["labels"] = cleaned
    else:
        data.pop("labels", None)
    if tlp is not None:
        others = [
            ref
            for ref in data.get("object_marking_refs") or []
            if isinstance(ref, str) and ref not in KNOWN_MARKING_IDS
        ]
        data["object_marking_refs"] = [MARKING_ID_FOR[tlp], *others]


def _indicator_fill(data: dict[str, Any], draft: IndicatorDraft) -> None:
    _check_text(name=draft.name, description=draft.description, labels=draft.labels)
    if not draft.pattern.strip():
        raise ValidationFailed(_("Give a STIX pattern, or a value and its kind."))
    if len(draft.pattern) > MAX_PATTERN:
        raise ValidationFailed(_("The pattern is longer than %(max)s characters.") % {"max": MAX_PATTERN})
    if draft.confidence is not None and not 0 <= draft.confidence <= 100:
        raise ValidationFailed(_("Confidence is a number from 0 to 100."))
    data.update(
        name=draft.name.strip(),
        pattern=draft.pattern.strip(),
        pattern_type="stix",
        valid_from=stix_timestamp(draft.valid_from),
    )
    if draft.valid_until is not None:
        data["valid_until"] = stix_timestamp(draft.valid_until)
    else:
        data.pop("valid_until", None)
    if draft.confidence is not None:
        data["confidence"] = draft.confidence
    else:
        data.pop("confidence", None)
    _apply_common(data, description=draft.description, labels=draft.labels, tlp=draft.tlp)


def _store_one(
    *,
    actor: Actor,
    collection: Collection,
    data: dict[str, Any],
    source: str,
    organisations: Sequence[Organisation],
    users: Sequence[User],
) -> StixObject:
    outcome = objects_add(
        actor=actor,
        collection=collection,
        objects=[data],
        source=source,
        recipient_organisations=organisations,
        recipient_users=users,
    )
    if not outcome.added:
        raise ValidationFailed(_("This version is already stored."))
    return outcome.added[0]


def indicator_create(
    *,
    actor: Actor,
    collection: Collection,
    draft: IndicatorDraft,
    recipient_organisations: Sequence[Organisation] = (),
    recipient_users: Sequence[User] = (),
    source: str = "ui",
) -> StixObject:
    """A new indicator in a writable collection; refusals (bad pattern, TLP too strict) store nothing."""
    import uuid

    _check_recipients(draft.tlp, collection, recipient_organisations, recipient_users)
    stamp = _next_modified(None)
    data: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
    }
    _indicator_fill(data, draft)
    return _store_one(
        actor=actor,
        collection=collection,
        data=data,
        source=source,
        organisations=recipient_organisations,
        users=recipient_users,
    )


def _editable_latest(actor: Actor, stix_id: str) -> tuple[StixObject, dict[str, Any]]:
    current = selectors.stix_object_get(actor=actor, stix_id=stix_id)
    if not selectors.object_editable(actor=actor, obj=current):
        raise NotFound(stix_id)
    return current, json.loads(current.raw)


@transaction.atomic
def indicator_update(
    *,
    actor: Actor,
    stix_id: str,
    draft: IndicatorDraft,
    recipient_organisations: Sequence[Organisation] = (),
    recipient_users: Sequence[User] = (),
    source: str = "ui",
) -> StixObject:
    """A new version of an indicator (same id, later modified) in its collection; other properties kept."""
    current, data = _editable_latest(actor, stix_id)
    if current.type != "indicator":
        raise NotFound(stix_id)
    _check_recipients(draft.tlp, current.collection, recipient_organisations, recipient_users)
    data["modified"] = _next_modified(current.modified)
    data.pop("revoked", None)
    _indicator_fill(data, draft)
    return _store_one(
        actor=actor,
        collection=current.collection,
        data=data,
        source=source,
        organisations=recipient_organisations,
        users=recipient_users,
    )


@transaction.atomic
def report_create(
    *,
    actor: Actor,
    collection: Collection,
    draft: ReportDraft,
    recipient_organisations: Sequence[Organisation] = (),
    recipient_users: Sequence[User] = (),
    source: str = "ui",
) -> StixObject:
    """A report citing objects the author can see; ids the author cannot see are refused as unknown."""
    import uuid

    _check_text(name=draft.name, description=draft.description, labels=draft.labels)
    refs = list(dict.fromkeys(ref.strip() for ref in draft.object_refs if ref.strip()))
    if not refs:
        raise ValidationFailed(_("Choose at least one object for the report."))
    if len(refs) > MAX_REPORT_REFS:
        raise ValidationFailed(_("A report may cite at most %(max)s objects.") % {"max": MAX_REPORT_REFS})
    known = selectors.stix_objects_latest(actor=actor, stix_ids=refs)
    unknown = [ref for ref in refs if ref not in known]
    if unknown:
        raise ValidationFailed(_("These objects are unknown: %(ids)s") % {"ids": ", ".join(unknown[:5])})
    _check_cited_tlp(draft.tlp or Tlp(collection.default_tlp), [Tlp(obj.row.tlp) for obj in known.values()])
    _check_recipients(draft.tlp, collection, recipient_organisations, recipient_users)
    stamp = _next_modified(None)
    data: dict[str, Any] = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "name": draft.name.strip(),
        "published": stix_timestamp(draft.published),
        "object_refs": refs,
    }
    _apply_common(data, description=draft.description, labels=draft.labels, tlp=draft.tlp)
    return _store_one(
        actor=actor,
        collection=collection,
        data=data,
        source=source,
        organisations=recipient_organisations,
        users=recipient_users,
    )


@transaction.atomic
def object_revoke(*, actor: Actor, stix_id: str, source: str = "ui") -> StixObject:
    """A new version marked revoked: true; consumers drop it, the history stays."""
    current, data = _editable_latest(actor, stix_id)
    if data.get("revoked") is True:
        raise ValidationFailed(_("This object is already revoked."))
    organisations, users = selectors.object_recipients(actor=actor, obj=current)
    data["modified"] = _next_modified(current.modified)
    data["revoked"] = True
    return _store_one(
        actor=actor,
        collection=current.collection,
        data=data,
        source=source,
        organisations=organisations,
        users=users,
    )
