"""How an entry's hash is computed; shared by the writer and the verifier so they cannot drift."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_user_id",
    "actor_label",
    "actor_token_id",
    "actor_organisation_id",
    "ip_address",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "fields",
    "summary",
    "changes_digest",
    "prev_hash",
)


def canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(values: dict[str, Any]) -> str:
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["at"] = canonical_time(payload["at"])
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def changes_digest(changes: dict[str, Any] | None) -> str:
    """A digest of what changed, so the trail proves a change without holding personal data in clear."""
    if not changes:
        return ""
    encoded = json.dumps(changes, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
