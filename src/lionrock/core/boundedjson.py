"""JSON from outside, read with a limit on nesting.

Python's json module recurses once per level: a document nested 100,000 deep raises RecursionError, and
one nested a few hundred deep parses but then breaks whatever walks it next (validation, re-encoding).
Threat-intelligence documents are shallow (a STIX object or a MISP event is a handful of levels), so
every door that takes JSON from outside (REST bodies, TAXII envelopes, imported files) reads it here
and refuses anything deeper than MAX_DEPTH with a ValueError its caller already turns into a 400/422.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


class JsonTooDeep(ValueError):
    """The document nests arrays and objects deeper than MAX_DEPTH."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"JSON nested more than {limit} levels deep")
        self.limit = limit


def json_depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when arrays and objects nest deeper than `limit`; walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def json_loads_bounded(text: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """json.loads, refusing (JsonTooDeep, a ValueError) a document nested deeper than `limit`."""
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise JsonTooDeep(limit) from exc
    if json_depth_exceeds(value, limit):
        raise JsonTooDeep(limit)
    return value
