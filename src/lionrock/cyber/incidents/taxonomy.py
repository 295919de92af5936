"""The Reference Security Incident Taxonomy (RSIT), read from MISP's taxonomies as pytaxonomies ships them.

The package carries the taxonomies' JSON inside itself, so this works without network access. The words
are the CERT community's: classifications are stored as MISP machine tags, e.g. rsit:availability="ddos",
written as pytaxonomies' Taxonomy.make_machinetag writes them.

The taxonomy file is found through the installed package without importing it: importing pytaxonomies
imports jsonschema, whose format checkers take seconds to build (in every web process, on its first
report), only to offer a schema validation Lionrock does not use. The same is done for MISP warninglists
(cyber/exchange/flags.py).
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TAXONOMY = "rsit"


@dataclass(frozen=True)
class Classification:
    machinetag: str
    group: str  # the RSIT class, e.g. "Availability"
    label: str  # the RSIT type, e.g. "Distributed Denial of Service"
    description: str


def _taxonomy_file() -> Path:
    spec = importlib.util.find_spec("pytaxonomies")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pytaxonomies is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "data" / "misp-taxonomies" / TAXONOMY / "machinetag.json"


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Classification]:
    data = json.loads(_taxonomy_file().read_text(encoding="utf-8"))
    namespace = data["namespace"]
    entries = {block["predicate"]: block.get("entry", []) for block in data.get("values", [])}
    found: dict[str, Classification] = {}
    for predicate in data["predicates"]:
        group = str(predicate.get("expanded") or predicate["value"])
        for entry in entries.get(predicate["value"], []):
            tag = f'{namespace}:{predicate["value"]}="{entry["value"]}"'
            found[tag] = Classification(
                machinetag=tag,
                group=group,
                label=str(entry.get("expanded") or entry["value"]),
                description=str(entry.get("description") or ""),
            )
    return found


def classification_get(machinetag: str) -> Classification | None:
    """The RSIT entry a machine tag names, or None when RSIT has no such value."""
    return _catalogue().get(machinetag.strip())


def classification_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: (RSIT class, [(machine tag, type)])."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in _catalogue().values():
        groups.setdefault(item.group, []).append((item.machinetag, item.label))
    return list(groups.items())


def classification_label(machinetag: str) -> str:
    item = classification_get(machinetag)
    return f"{item.group} — {item.label}" if item else machinetag


def incident_type_of(machinetag: str) -> str:
    """The RSIT type alone (e.g. "ddos"), for STIX incident_types."""
    _, _, value = machinetag.partition("=")
    return value.strip('"') or machinetag
