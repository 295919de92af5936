"""Flags import values that MISP warninglists name as known-benign: likely false positives.

Same lists (pymispwarninglists, offline) and the same rules as the matcher's screen
(lionrock.matcher.warninglists): exact values for string and hostname lists, containment for CIDR lists;
substring and regex lists are not applied. The matcher screens a compiled index in one batch; an import
preview screens a few values while someone waits, so the lists are loaded once per process and kept.
"""

from __future__ import annotations

import bisect
import importlib.util
import ipaddress
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_lock = threading.Lock()
_cache: _Lists | None = None


@dataclass(frozen=True)
class _Lists:
    exact: list[tuple[str, frozenset[str]]]
    blocks: list[tuple[str, list[int], list[int], int]]  # name, sorted starts, running max of stops, version


def _list_files() -> list[Path]:
    """The lists shipped inside pymispwarninglists, found without importing it (its import pulls in
    jsonschema's format checkers, which take seconds to load and are not needed to read the lists)."""
    spec = importlib.util.find_spec("pymispwarninglists")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / "misp-warninglists" / "lists"
    return sorted(root.glob("*/list.json"))


def _load() -> _Lists:
    exact: list[tuple[str, frozenset[str]]] = []
    blocks: list[tuple[str, list[int], list[int], int]] = []
    for path in _list_files():
        warninglist = json.loads(path.read_text(encoding="utf-8"))
        name, kind = str(warninglist.get("name", path.parent.name)), warninglist.get("type")
        entries = [
            str(entry).strip().lower().rstrip(".")
            for entry in warninglist.get("list", [])
            if str(entry).strip()
        ]
        if kind in ("string", "hostname"):
            exact.append((name, frozenset(entries)))
        elif kind == "cidr":
            for version in (4, 6):
                ranges = []
                for entry in entries:
                    try:
                        net = ipaddress.ip_network(entry, strict=False)
                    except ValueError:
                        continue
                    if net.version == version:
                        ranges.append((int(net.network_address), int(net.broadcast_address)))
                if ranges:
                    ranges.sort()
                    stops: list[int] = []
                    for _start, stop in ranges:
                        stops.append(max(stop, stops[-1]) if stops else stop)
                    blocks.append((name, [start for start, _ in ranges], stops, version))
    return _Lists(exact, blocks)


def _lists() -> _Lists:
    global _cache
    with _lock:
        if _cache is None:
            _cache = _load()
        return _cache


def warninglist_of(kind: str, value: str) -> str | None:
    """The name of the first warninglist naming this canonical value (matcher kinds), or None."""
    lists = _lists()
    if kind in ("ip", "cidr"):
        try:
            net = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return None
        first, last = int(net.network_address), int(net.broadcast_address)
        for name, starts, stops, version in lists.blocks:
            if version != net.version:
                continue
            position = bisect.bisect_right(starts, first) - 1
            if position >= 0 and stops[position] >= last:
                return name
    for name, entries in lists.exact:
        if value in entries:
            return name
    return None


def flag(values: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, str]]:
    """(kind, value, indicator) triples -> the flagged ones, with the list that names them."""
    flagged = []
    for kind, value, obj in values:
        name = warninglist_of(kind, value)
        if name is not None:
            flagged.append(
                {"id": str(obj.get("id")), "name": str(obj.get("name", "")), "value": value, "list": name}
            )
    return flagged


def warm() -> None:
    """Loads the lists on a background thread (the import form calls this, so a preview need not wait)."""
    if _cache is None:
        threading.Thread(target=_lists, name="warninglists-load", daemon=True).start()
