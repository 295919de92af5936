"""The normalised values an object names, so "where else has this value appeared" is one indexed query.

Normalisation is the matcher's, so a value found in a log and a value shared in a report meet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from lionrock.matcher.canonical import without_scheme
from lionrock.matcher.patterns import PatternRefused, analyse, classify_value

_SCO_VALUE_KIND = {
    "ipv4-addr": "address",
    "ipv6-addr": "address",
    "domain-name": "domain",
    "url": "url",
    "email-addr": "email",
}


def value_key(kind: str, value: str) -> str:
    return hashlib.sha1(f"{kind}\x00{value}".encode(), usedforsecurity=False).hexdigest()


def _sco_values(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    kind = _SCO_VALUE_KIND.get(str(obj.get("type")))
    if kind and isinstance(obj.get("value"), str):
        value = classify_value(kind, obj["value"])
        if value:
            found.append(value)
    if obj.get("type") == "file" and isinstance(obj.get("hashes"), Mapping):
        for digest in obj["hashes"].values():
            if isinstance(digest, str) and (value := classify_value("hash", digest)):
                found.append(value)
    return found


def values_of(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(kind, canonical value) pairs named by an indicator's pattern, an observable, or observed-data."""
    found: list[tuple[str, str]] = []
    stix_type = obj.get("type")
    if stix_type == "indicator" and obj.get("pattern_type") == "stix" and isinstance(obj.get("pattern"), str):
        try:
            analysis = analyse(obj["pattern"])
        except PatternRefused:
            return []
        found.extend(analysis.fast)
        found.extend(analysis.literals)
    elif stix_type == "observed-data" and isinstance(obj.get("objects"), Mapping):
        for embedded in obj["objects"].values():
            if isinstance(embedded, Mapping):
                found.extend(_sco_values(embedded))
    else:
        found.extend(_sco_values(obj))
    return list(dict.fromkeys(_scheme_free(value) for value in found if value[0] != "ipport"))


def value_normalise(raw: str) -> tuple[str, str] | None:
    """Guesses the kind of a value typed into a search box and normalises it."""
    text = raw.strip()
    for kind in ("address", "hash", "email", "url", "domain"):
        if kind == "url" and "/" not in text:
            continue
        if kind == "domain" and ("/" in text or "@" in text):
            continue
        value = classify_value(kind, text)
        if value:
            return _scheme_free(value)
    return None


def _scheme_free(value: tuple[str, str]) -> tuple[str, str]:
    """URLs are correlated whatever their scheme: the same page over http and https is one value here
    (and stored values keep the form they have always had)."""
    return ("url", without_scheme(value[1])) if value[0] == "url" else value
