"""The Reference Security Incident Taxonomy (RSIT), read from MISP's taxonomies as pytaxonomies ships them.

The package carries the taxonomies' JSON inside itself, so this works without network access. The words
are the CERT community's: classifications are stored as MISP machine tags, e.g. rsit:availability="ddos".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

TAXONOMY = "rsit"


@dataclass(frozen=True)
class Classification:
    machinetag: str
    group: str  # the RSIT class, e.g. "Availability"
    label: str  # the RSIT type, e.g. "Distributed Denial of Service"
    description: str


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, Classification]:
    from pytaxonomies.api import Taxonomies

    rsit = Taxonomies()[TAXONOMY]
    found: dict[str, Classification] = {}
    for predicate_name, predicate in rsit.items():
        group = str(predicate.expanded or predicate_name)
        for entry_name, entry in predicate.items():
            tag = rsit.make_machinetag(predicate_name, entry)
            found[tag] = Classification(
                machinetag=tag,
                group=group,
                label=str(entry.expanded or entry_name),
                description=str(entry.description or ""),
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
