"""Flags import values that MISP warninglists name as known-benign: likely false positives.

Same lists (pymispwarninglists, offline) and the same rules as the matcher's screen
(lionrock.matcher.warninglists): exact values for string and hostname lists, containment for CIDR lists;
substring and regex lists are not applied. The matcher screens a compiled index in one batch; an import
preview screens values while someone waits, so the lists are kept compact: each string list as a sorted
array of 64-bit hashes of its entries (about 20 MB for 2.5 million entries, against some 350 MB as
Python strings), CIDR lists as sorted integer ranges.

Reading the lists' JSON costs two seconds of CPU and leaves about 130 MB behind in the process, so they
are compiled once per installed version of the lists into the data directory's cache
(`cache/warninglists`; `lionrock serve` does it before its web workers start) and
every process maps the arrays from there: its first look-up costs milliseconds, and the pages it
touches are shared with the other processes. Where the cache cannot be written, a process compiles the
lists for itself, as before.
"""

from __future__ import annotations

import hashlib
import importlib.util
import ipaddress
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is loaded with the lists, not with the web server at rest
    import numpy as np
    import numpy.typing as npt

_lock = threading.Lock()
_warming = threading.Event()  # one loading thread, however many forms are opened while it runs
_cache: _Lists | None = None


@dataclass(frozen=True)
class _Blocks:
    name: str
    version: int
    starts: list[int]
    stops: list[int]  # running maximum of the blocks' last addresses, in start order


@dataclass(frozen=True)
class _Lists:
    names: list[str]
    keys: npt.NDArray[np.int64]  # sorted hashes of every string/hostname entry, each once
    owners: npt.NDArray[np.int32]  # for each key, the first list (index into names) holding it
    blocks: list[_Blocks]


FORMAT = "1"


def _key(text: str) -> int:
    """A 64-bit key, the same in every process (the compiled lists are shared); collisions negligible."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True)


def _list_files() -> list[Path]:
    """The lists shipped inside pymispwarninglists, found without importing it (its import pulls in
    jsonschema's format checkers, which take seconds to load and are not needed to read the lists)."""
    spec = importlib.util.find_spec("pymispwarninglists")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations))) / "data" / "misp-warninglists" / "lists"
    return sorted(root.glob("*/list.json"))


def _cidr_blocks(name: str, entries: list[str]) -> list[_Blocks]:
    ranges: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
    for entry in entries:
        try:
            net = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        ranges[net.version].append((int(net.network_address), int(net.broadcast_address)))
    found = []
    for version, spans in ranges.items():
        if spans:
            spans.sort()
            stops: list[int] = []
            for _start, stop in spans:
                stops.append(max(stop, stops[-1]) if stops else stop)
            found.append(_Blocks(name, version, [start for start, _ in spans], stops))
    return found


def _load() -> _Lists:
    import numpy as np

    names: list[str] = []
    key_parts: list[npt.NDArray[np.int64]] = []
    owner_parts: list[npt.NDArray[np.int32]] = []
    blocks: list[_Blocks] = []
    for path in _list_files():
        warninglist = json.loads(path.read_text(encoding="utf-8"))
        name, kind = str(warninglist.get("name", path.parent.name)), warninglist.get("type")
        entries = [str(entry).strip().lower().rstrip(".") for entry in warninglist.get("list", [])]
        if kind in ("string", "hostname"):
            keys = np.fromiter((_key(entry) for entry in entries if entry), dtype=np.int64)
            key_parts.append(keys)
            owner_parts.append(np.full(len(keys), len(names), dtype=np.int32))
            names.append(name)
        elif kind == "cidr":
            blocks.extend(_cidr_blocks(name, [entry for entry in entries if entry]))
    keys = np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64)
    owners = np.concatenate(owner_parts) if owner_parts else np.zeros(0, dtype=np.int32)
    order = np.lexsort((owners, keys))  # by key, then by list order, so the first list wins
    keys, owners = keys[order], owners[order]
    first = np.ones(len(keys), dtype=np.bool_)
    first[1:] = keys[1:] != keys[:-1]
    return _Lists(names, keys[first], owners[first], blocks)


def _lists() -> _Lists:
    global _cache  # a process-wide cache, filled once
    with _lock:
        if _cache is None:
            _cache = _compiled_load()
        return _cache


def _cache_directory() -> Path | None:
    """Where the compiled form of the installed lists lives (None: no lists installed)."""
    files = _list_files()
    if not files:
        return None
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=8)
    for path in files:
        stat = path.stat()
        digest.update(f"{path.parent.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    from django.conf import settings

    return Path(settings.DATA_DIR) / "cache" / "warninglists" / digest.hexdigest()


def _compiled_store(lists: _Lists, directory: Path) -> None:
    """Writes the compiled lists whole or not at all (a sibling directory renamed into place)."""
    import tempfile

    import numpy as np

    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory.parent))
    np.save(staging / "keys.npy", lists.keys)
    np.save(staging / "owners.npy", lists.owners)
    blocks = [[b.name, b.version, b.starts, b.stops] for b in lists.blocks]
    (staging / "lists.json").write_text(json.dumps({"names": lists.names, "blocks": blocks}))
    try:
        staging.rename(directory)
    except OSError:  # another process stored the same lists first
        import shutil

        shutil.rmtree(staging, ignore_errors=True)


def _compiled_open(directory: Path) -> _Lists:
    import numpy as np

    meta = json.loads((directory / "lists.json").read_text())
    return _Lists(
        names=list(meta["names"]),
        keys=np.load(directory / "keys.npy", mmap_mode="r"),
        owners=np.load(directory / "owners.npy", mmap_mode="r"),
        blocks=[_Blocks(name, version, starts, stops) for name, version, starts, stops in meta["blocks"]],
    )


def _compiled_load() -> _Lists:
    """The lists from the cache directory, compiled there first if they are not yet."""
    directory = _cache_directory()
    if directory is None:
        return _load()
    try:
        return _compiled_open(directory)
    except (OSError, ValueError, KeyError):
        pass
    lists = _load()
    try:
        _compiled_store(lists, directory)
    except OSError:
        return lists  # a read-only home: this process keeps its own copy
    return _compiled_open(directory)


def warninglists_prepare() -> None:
    """Compiles the installed lists into the cache directory unless they are there already."""
    _compiled_load()


def _block_of(lists: _Lists, value: str) -> str | None:
    import bisect

    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    first, last = int(net.network_address), int(net.broadcast_address)
    for blocks in lists.blocks:
        if blocks.version == net.version:
            position = bisect.bisect_right(blocks.starts, first) - 1
            if position >= 0 and blocks.stops[position] >= last:
                return blocks.name
    return None


def warninglists_of(values: list[tuple[str, str]]) -> list[str | None]:
    """For each (matcher kind, canonical value): the first warninglist naming it, or None."""
    import numpy as np

    lists = _lists()
    found: list[str | None] = [None] * len(values)
    for index, (kind, value) in enumerate(values):
        if kind in ("ip", "cidr"):
            found[index] = _block_of(lists, value)
    if not values:
        return found
    keys = np.fromiter((_key(value) for _, value in values), dtype=np.int64, count=len(values))
    positions = np.minimum(np.searchsorted(lists.keys, keys), max(len(lists.keys) - 1, 0))
    hits = lists.keys[positions] == keys if len(lists.keys) else np.zeros(len(keys), dtype=np.bool_)
    for index in np.flatnonzero(hits).tolist():
        if found[index] is None:
            found[index] = lists.names[int(lists.owners[positions[index]])]
    return found


def warninglist_of(kind: str, value: str) -> str | None:
    """The name of the first warninglist naming this canonical value (matcher kinds), or None."""
    return warninglists_of([(kind, value)])[0]


def flag(values: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, str]]:
    """(kind, value, indicator) triples -> the flagged ones, with the list that names them."""
    names = warninglists_of([(kind, value) for kind, value, _ in values])
    return [
        {"id": str(obj.get("id")), "name": str(obj.get("name", "")), "value": value, "list": name}
        for (kind, value, obj), name in zip(values, names, strict=True)
        if name is not None
    ]


def warm() -> None:
    """Loads the lists on a background thread (the import form calls this, so a preview need not wait)."""
    if _cache is None and not _warming.is_set():
        _warming.set()
        threading.Thread(target=_lists, name="warninglists-load", daemon=True).start()
