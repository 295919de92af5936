"""A STIX bundle of many indicators read in bulk, with the same result as reading it object by object.

A feed of a million indicators is 300 MB of JSON whose objects nearly all have one shape:
`[ipv4-addr:value = '…']`, a name, a URL, a hash. Parsing it into a million dictionaries and analysing
each pattern in Python took 14 s and 1.7 GB. Here msgspec decodes only the fields the matcher uses, the
common pattern shapes are recognised a column at a time (`patterns.analyse_column`), validity times are
converted once per distinct text, and runs of such indicators are added in bulk. Every object that is not
of those shapes (another pattern, a missing id, a bad time, a revoked flag) goes through
`indicators.load_stix` one by one as before, in its place, so numbering and output do not change.
This module decodes; `indicators.load_bundle` assembles. A document that is not a plain
`{"objects": [...]}` container is left to the general reader (`None`).
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import msgspec

_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")


class BundleObject(msgspec.Struct, gc=False):
    """The fields of a STIX object that loading reads; a missing one reads as `dict.get` would give it."""

    type: Any = None
    id: Any = None
    pattern: Any = None
    pattern_type: Any = "stix"
    valid_from: Any = None
    valid_until: Any = None
    revoked: Any = None


class _Container(msgspec.Struct, gc=False):
    objects: list[BundleObject] | None = None


_decoder: msgspec.json.Decoder[_Container] | None = None


def decode_objects(raw: bytes) -> list[BundleObject] | None:
    """The objects of a `{"objects": [...]}` document, or `None` for any other document (or JSON that
    msgspec does not take), which the general reader then reads."""
    global _decoder
    skip = 3 if raw.startswith(codecs.BOM_UTF8) else 0
    start = _LEADING_SPACE.match(raw, skip)
    if start is None or raw[start.end() : start.end() + 1] != b"{":
        return None
    if _decoder is None:
        _decoder = msgspec.json.Decoder(_Container)
    try:
        document = _decoder.decode(memoryview(raw)[skip:])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return document.objects


def as_dict(obj: BundleObject) -> dict[str, Any]:
    """The object as the dictionary the one-by-one reader takes."""
    return {
        "type": obj.type,
        "id": obj.id,
        "pattern": obj.pattern,
        "pattern_type": obj.pattern_type,
        "valid_from": obj.valid_from,
        "valid_until": obj.valid_until,
        "revoked": obj.revoked,
    }
