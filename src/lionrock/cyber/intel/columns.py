"""What is copied out of a stored object's JSON into indexed columns and the label table.

The JSON stays the record; these copies exist so that browsing (label, expiry), the object page
(relationships, sightings) and the visibility rule (what an object names) ask an index instead of
reading every stored object. objects_add fills them
for new rows; migration 0003 fills them for rows stored before they existed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from lionrock.cyber.intel.validation import ID_RE, TIMESTAMP_RE, parse_timestamp

LABEL_MAX_LENGTH = 250
REF_COLUMNS = ("source_ref", "target_ref", "sighting_of_ref")
# Lists of ids that are not about who may see the object (its markings) nor who wrote it.
REF_LISTS_IGNORED = frozenset({"object_marking_refs"})


def label_normalise(label: str) -> str:
    """Labels are matched regardless of case and surrounding spaces ("Phishing " finds "phishing")."""
    return label.strip().casefold()[:LABEL_MAX_LENGTH]


def labels_of(obj: Mapping[str, Any]) -> list[str]:
    """The object's labels, normalised and without repeats; anything that is not a string is ignored."""
    labels = obj.get("labels")
    if not isinstance(labels, list):
        return []
    found = {label_normalise(label) for label in labels if isinstance(label, str)}
    return sorted(label for label in found if label)


def _timestamp(value: Any) -> datetime | None:
    return parse_timestamp(value) if isinstance(value, str) and TIMESTAMP_RE.match(value) else None


def _ref(value: Any) -> str | None:
    return value if isinstance(value, str) and ID_RE.match(value) and len(value) <= 120 else None


def refs_of(obj: Mapping[str, Any]) -> list[str]:
    """Every id the object names in a list of references (a report's object_refs, a sighting's
    where_sighted_refs...), without repeats, for the rule that an object is seen only by readers who may
    see what it names. Markings are not among them: they say who may see the object, not what it is about.
    """
    found: dict[str, None] = {}
    for key, value in obj.items():
        if not key.endswith("_refs") or key in REF_LISTS_IGNORED or not isinstance(value, list):
            continue
        for item in value:
            ref = _ref(item)
            if ref is not None:
                found[ref] = None
    return list(found)


def columns_of(obj: Mapping[str, Any]) -> dict[str, Any]:
    """An indicator's valid_until and the reference columns of one object (None where it has none).

    valid_until is kept for indicators only, so "expiring" needs no type test beside the date range.
    """
    return {
        "valid_until": _timestamp(obj.get("valid_until")) if obj.get("type") == "indicator" else None,
        **{column: _ref(obj.get(column)) for column in REF_COLUMNS},
    }
