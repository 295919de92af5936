"""TAXII 2.1 wire rules that hold no data: media types, timestamps, query parameters, page cursors, errors.

Kept apart from the views so the rules (section numbers of the OASIS standard in the docstrings) read in one
place and are tested without HTTP.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
TAXII_VERSION = "2.1"
# Page size when the client names none, and the most one page may hold (the answer says `more` beyond).
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000
CURSOR_SALT = "lionrock.taxii.next"

MATCH_FIELDS = ("id", "type", "version", "spec_version")
VERSION_KEYWORDS = ("first", "last", "all")


def max_content_length() -> int:
    """What a POSTed envelope may weigh, in bytes; the API root advertises it as max_content_length."""
    return int(settings.LIONROCK_TAXII_MAX_CONTENT_LENGTH)


class TaxiiError(Exception):
    """An answer other than success, carried as a TAXII error message (3.6.1)."""

    def __init__(
        self, http_status: int, title: str, description: str = "", headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(title)
        self.http_status = http_status
        self.title = title
        self.description = description
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"title": self.title, "http_status": str(self.http_status)}
        if self.description:
            error["description"] = self.description
        return error


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds and Z, as X-TAXII-Date-Added-* and date_added are written."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_moment(value: str, name: str) -> datetime:
    """A client timestamp: RFC 3339 with a zone (Z or an offset); anything else is a 400."""
    moment = parse_datetime(value.strip().replace(" ", "+")) if value else None
    if moment is None or moment.tzinfo is None:
        raise TaxiiError(
            400,
            _("Malformed parameter"),
            _("%(name)s must be an RFC 3339 timestamp with a time zone, e.g. 2024-05-01T08:30:00.000Z")
            % {"name": name},
        )
    return moment.astimezone(UTC)


# --- media types (1.6.8) ----------------------------------------------------------------------------------


def _media_ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for part in header.split(","):
        kind, *params = (piece.strip() for piece in part.split(";"))
        values = {}
        for param in params:
            key, _sep, value = param.partition("=")
            values[key.strip().lower()] = value.strip().strip('"')
        if kind:
            ranges.append((kind.lower(), values))
    return ranges


def _is_taxii_21(kind: str, params: Mapping[str, str]) -> bool:
    """application/taxii+json with version 2.1, or with no version (the latest this server speaks)."""
    return kind == "application/taxii+json" and params.get("version", TAXII_VERSION) == TAXII_VERSION


def accepts_taxii(header: str | None) -> bool:
    """True when the Accept header names TAXII 2.1 (a q of 0 refuses it)."""
    if not header:
        return False
    return any(_is_taxii_21(kind, params) and params.get("q") not in ("0", "0.0", "0.00", "0.000")
               for kind, params in _media_ranges(header))  # fmt: skip


def is_taxii_content(header: str | None) -> bool:
    ranges = _media_ranges(header or "")
    return len(ranges) == 1 and _is_taxii_21(*ranges[0])


# --- query parameters (3.4, 3.5) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """One list request's filters and position, checked and normalised."""

    limit: int = DEFAULT_LIMIT
    added_after: datetime | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    version_times: tuple[datetime, ...] = ()
    spec_versions: tuple[str, ...] = ()
    after: tuple[datetime, int] | None = None
    binding: str = ""
    raw: dict[str, str] = field(default_factory=dict)


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise TaxiiError(400, _("Malformed parameter"), _("%(name)s may be given only once") % {"name": name})
    return values[0]


def _listed(value: str, name: str) -> tuple[str, ...]:
    items = tuple(sorted({item.strip() for item in value.split(",") if item.strip()}))
    if not items:
        raise TaxiiError(400, _("Malformed parameter"), _("%(name)s is empty") % {"name": name})
    return items


def query_parse(
    params: Mapping[str, Sequence[str]],
    *,
    allowed: Sequence[str],
    scope: str,
    default_version: str = "last",
) -> Query:
    """Reads limit, added_after, next and the match[...] filters this endpoint supports (400 otherwise).

    `scope` names the endpoint, collection, object and caller; a `next` token is valid only for the same
    scope and the same filters, so a changed query with an old token is refused rather than misread.
    """
    raw: dict[str, str] = {}
    for name in params:
        if name.startswith("match[") and name.endswith("]"):
            field_name = name[6:-1]
            if field_name not in allowed:
                raise TaxiiError(
                    400,
                    _("Unsupported filter"),
                    _("this endpoint filters on %(fields)s only")
                    % {"fields": ", ".join(f"match[{f}]" for f in allowed) or "-"},
                )
            raw[field_name] = _single(params, name) or ""
    limit_text = _single(params, "limit")
    limit = DEFAULT_LIMIT
    if limit_text is not None:
        if not limit_text.isdigit() or int(limit_text) < 1:
            raise TaxiiError(400, _("Malformed parameter"), _("limit must be a positive integer"))
        limit = min(int(limit_text), MAX_LIMIT)
    added_text = _single(params, "added_after")
    added_after = parse_moment(added_text, "added_after") if added_text is not None else None

    ids = _listed(raw["id"], "match[id]") if "id" in raw else ()
    types = _listed(raw["type"], "match[type]") if "type" in raw else ()
    spec_versions = _listed(raw["spec_version"], "match[spec_version]") if "spec_version" in raw else ()
    versions: tuple[str, ...] = (default_version,)
    version_times: tuple[datetime, ...] = ()
    if "version" in raw:
        listed = _listed(raw["version"], "match[version]")
        versions = tuple(item for item in listed if item in VERSION_KEYWORDS)
        version_times = tuple(
            parse_moment(item, "match[version]") for item in listed if item not in VERSION_KEYWORDS
        )
        if "all" in versions:
            versions, version_times = ("all",), ()

    binding = hashlib.sha256(
        json.dumps([scope, added_text, sorted(raw.items())], separators=(",", ":")).encode()
    ).hexdigest()[:24]
    after = None
    next_text = _single(params, "next")
    if next_text is not None:
        after = cursor_read(next_text, binding)
    return Query(
        limit=limit,
        added_after=added_after,
        ids=ids,
        types=types,
        versions=versions,
        version_times=version_times,
        spec_versions=spec_versions,
        after=after,
        binding=binding,
        raw=raw,
    )


# --- next: a signed keyset cursor (3.4) --------------------------------------------------------------------


def cursor_make(binding: str, date_added: datetime, pk: int) -> str:
    """An opaque token naming the last row served; the next page starts strictly after it.

    Keyset rather than offset: page 10,000 costs the same as page 1, and rows added meanwhile (always with
    a later date_added) are neither skipped nor repeated.
    """
    moment = date_added.astimezone(UTC)
    micros = int(moment.timestamp()) * 1_000_000 + moment.microsecond
    return signing.dumps([binding, micros, pk], salt=CURSOR_SALT, compress=False)


def cursor_read(token: str, binding: str) -> tuple[datetime, int]:
    try:
        bound, micros, pk = signing.loads(token, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise TaxiiError(400, _("Invalid next"), _("next is not a token this server issued")) from exc
    if bound != binding or not isinstance(micros, int) or not isinstance(pk, int):
        raise TaxiiError(
            400,
            _("Invalid next"),
            _("next belongs to a different query; repeat the original filters or start again without next"),
        )
    seconds, micros_part = divmod(micros, 1_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=micros_part), pk
