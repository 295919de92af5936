"""Flags indicators whose value is on a MISP warninglist (known-benign: public resolvers, top sites...).

The lists ship inside pymispwarninglists, so this works offline. They are compiled once into a compact
form kept in the cache directory (rebuilt when the installed lists change), so a run reads a few
memory-mapped arrays instead of parsing 66 MB of JSON:

* hostname and string lists: one 64-bit hash per entry, sorted, with the entry and its list beside it
  (the entry confirms a hash hit, so a hash collision never flags anything);
* CIDR lists (IPv4): the address space cut into segments, each with the first list covering it, and per
  list its blocks as sorted ranges for the containment of blocks.

Screening happens once, at compile time, against the compiled index's arrays: hostname and string lists
by exact value (as pymispwarninglists' own fast search does, so `evil.duckdns.org` is not suppressed
because `duckdns.org` is listed), CIDR lists by containment of IPv4 addresses and blocks. Substring and
regex lists are not applied. When several lists name a value, the first in the order of their folder
names is reported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import ipaddress
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lionrock.matcher.index import CompiledIndex, v4_text

_STRING_KINDS = ("domain", "url", "hash", "email", "ip6")
FORMAT = "1"
_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime; the hash is polynomial, see _hash_strings
_MIX = np.uint64(0x9E3779B97F4A7C15)
_CHUNK_BYTES = 1 << 20

U64 = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class CompiledLists:
    """The warninglists in compact form (see the module docstring); arrays may be memory-mapped."""

    names: list[str]
    hashes: U64
    owners: npt.NDArray[np.int16]
    entries: pa.StringArray
    boundaries: npt.NDArray[np.int64]
    segment_owners: npt.NDArray[np.int16]
    block_starts: npt.NDArray[np.int64]
    block_stops: npt.NDArray[np.int64]
    block_offsets: npt.NDArray[np.int64]


def lists_root() -> Path | None:
    """Where pymispwarninglists keeps its lists, found without importing it (its import pulls in
    jsonschema's format checkers, which take seconds to load and are not needed to read the lists)."""
    spec = importlib.util.find_spec("pymispwarninglists")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "misp-warninglists" / "lists"


def _list_files(root: Path) -> list[Path]:
    return sorted(root.glob("*/list.json"))


def lists_key(root: Path) -> str:
    """Changes whenever an installed list file (or this module's compact format) changes."""
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=12)
    for path in _list_files(root):
        stat = path.stat()
        digest.update(f"{path.parent.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def current_key() -> str:
    """The key of the installed lists (`lists_key`), or of no lists at all."""
    root = lists_root()
    return lists_key(root) if root is not None else f"none-{FORMAT}"


def hash_strings(values: pa.Array) -> U64:
    """A stable 64-bit hash of each string (the same in every process and on every machine).

    Polynomial over the UTF-8 bytes, computed with NumPy a megabyte at a time, then mixed with the
    length. Not collision-proof, and it need not be: a hash hit is confirmed on the text itself.
    """
    array = values.cast(pa.large_string()) if values.type != pa.large_string() else values
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    count = len(array)
    result = np.zeros(count, dtype=np.uint64)
    if count == 0:
        return result
    offsets_buffer, data_buffer = array.buffers()[1], array.buffers()[2]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64)[array.offset : array.offset + count + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    longest = int(lengths.max()) if count else 0
    powers = np.ones(max(longest, 1), dtype=np.uint64)
    powers[1:] = np.cumprod(np.full(max(longest - 1, 0), _MULTIPLIER, dtype=np.uint64))  # wraps mod 2**64
    start = 0
    while start < count:
        stop = int(np.searchsorted(offsets, offsets[start] + _CHUNK_BYTES, side="right")) - 1
        stop = min(max(stop, start + 1), count)
        first, last = int(offsets[start]), int(offsets[stop])
        chunk_lengths = lengths[start:stop]
        if last > first:
            owner = np.repeat(np.arange(stop - start), chunk_lengths)
            within = np.arange(last - first) - (offsets[start:stop] - first)[owner]
            terms = data[first:last].astype(np.uint64) * powers[within]
            nonempty = np.flatnonzero(chunk_lengths)
            sums = np.add.reduceat(terms, (offsets[start:stop] - first)[nonempty])
            result[start + nonempty] = sums
        start = stop
    mixed = (result ^ (result >> np.uint64(29))) * _MIX + lengths.astype(np.uint64)
    final: U64 = mixed ^ (mixed >> np.uint64(32))
    return final


def build(root: Path) -> CompiledLists:
    """Reads every list once and compiles the compact form."""
    names: list[str] = []
    texts: list[str] = []
    owners: list[int] = []
    ranges: list[tuple[int, int, int]] = []  # (start, stop, list)
    for path in _list_files(root):
        document = json.loads(path.read_text(encoding="utf-8"))
        kind = document.get("type")
        if kind not in ("string", "hostname", "cidr"):
            continue
        entries = [str(e).strip().lower().rstrip(".") for e in document.get("list", []) if str(e).strip()]
        if not entries:
            continue
        number = len(names)
        names.append(str(document.get("name", path.parent.name)))
        if kind == "cidr":
            for entry in entries:
                try:
                    net = ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    continue
                if net.version == 4:
                    ranges.append((int(net.network_address), int(net.broadcast_address), number))
        else:
            texts.extend(entries)
            owners.extend([number] * len(entries))
    entries_array = pa.array(texts, type=pa.string())
    hashes = hash_strings(entries_array)
    order = np.lexsort((np.array(owners, dtype=np.int16), hashes))
    boundaries, segment_owners = _segments(ranges)
    starts, stops, offsets = _blocks(ranges, len(names))
    return CompiledLists(
        names=names,
        hashes=hashes[order],
        owners=np.array(owners, dtype=np.int16)[order],
        entries=entries_array.take(pa.array(order)),
        boundaries=boundaries,
        segment_owners=segment_owners,
        block_starts=starts,
        block_stops=stops,
        block_offsets=offsets,
    )


def _segments(ranges: list[tuple[int, int, int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int16]]:
    """Cuts the address space at every range edge; each segment gets the first list covering it, or -1."""
    if not ranges:
        return np.zeros(1, dtype=np.int64), np.full(1, -1, dtype=np.int16)
    edges = np.unique(np.array([edge for s, e, _ in ranges for edge in (s, e + 1)] + [0], dtype=np.int64))
    owner = np.full(len(edges), -1, dtype=np.int16)
    for start, stop, number in sorted(ranges, key=lambda r: -r[2]):  # the first list is written last
        first = int(np.searchsorted(edges, start))
        after = int(np.searchsorted(edges, stop + 1))
        owner[first:after] = number
    return edges, owner


def _blocks(
    ranges: list[tuple[int, int, int]], lists: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per list, its blocks sorted by start with the running maximum of their ends (for containment)."""
    starts: list[int] = []
    stops: list[int] = []
    offsets = [0]
    by_list: list[list[tuple[int, int]]] = [[] for _ in range(lists)]
    for start, stop, number in ranges:
        by_list[number].append((start, stop))
    for spans in by_list:
        spans.sort()
        running = -1
        for start, stop in spans:
            running = max(running, stop)
            starts.append(start)
            stops.append(running)
        offsets.append(len(starts))
    return (
        np.array(starts, dtype=np.int64),
        np.array(stops, dtype=np.int64),
        np.array(offsets, dtype=np.int64),
    )


# -- the cache ----------------------------------------------------------------------------------------------


def _store(lists: CompiledLists, directory: Path) -> None:
    """Writes the compact form into a new folder and moves it into place in one step."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".warninglists-", dir=directory.parent))
    try:
        table = pa.table({"hash": lists.hashes, "owner": lists.owners, "entry": lists.entries})
        with (
            pa.OSFile(str(scratch / "entries.arrow"), "wb") as sink,
            pa.ipc.new_file(sink, table.schema) as out,
        ):
            out.write_table(table)
        np.savez(
            scratch / "blocks.npz",
            boundaries=lists.boundaries,
            segment_owners=lists.segment_owners,
            block_starts=lists.block_starts,
            block_stops=lists.block_stops,
            block_offsets=lists.block_offsets,
        )
        (scratch / "names.json").write_text(json.dumps(lists.names), encoding="utf-8")
        try:
            scratch.replace(directory)
        except OSError:
            if not directory.is_dir():
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _open(directory: Path) -> CompiledLists:
    """Opens a stored compact form; raises on anything missing or damaged."""
    names = json.loads((directory / "names.json").read_text(encoding="utf-8"))
    reader = pa.ipc.open_file(pa.memory_map(str(directory / "entries.arrow"), "r"))
    table = reader.read_all()
    with np.load(directory / "blocks.npz", allow_pickle=False) as blocks:
        arrays = {name: blocks[name] for name in blocks.files}
    if any(column.num_chunks != 1 for column in table.columns):
        raise ValueError("warninglist cache not written as one batch")
    # Single chunks stay views of the memory-mapped file: only the pages a lookup touches are read.
    hashes = table.column("hash").chunk(0).to_numpy(zero_copy_only=True)
    owners = table.column("owner").chunk(0).to_numpy(zero_copy_only=True)
    entries = table.column("entry").chunk(0)
    if not isinstance(names, list) or len(hashes) != len(owners) or len(entries) != len(hashes):
        raise ValueError("inconsistent warninglist cache")
    if len(owners) and (int(owners.max()) >= len(names) or int(owners.min()) < 0):
        raise ValueError("warninglist cache names a list it does not hold")
    return CompiledLists(
        names=[str(n) for n in names],
        hashes=hashes,
        owners=owners,
        entries=entries,
        boundaries=arrays["boundaries"],
        segment_owners=arrays["segment_owners"],
        block_starts=arrays["block_starts"],
        block_stops=arrays["block_stops"],
        block_offsets=arrays["block_offsets"],
    )


def compiled(cache: Path | None) -> CompiledLists:
    """The warninglists in compact form: from the cache when it holds them, else built (and stored)."""
    root = lists_root()
    if root is None:
        return build(Path("/nonexistent"))
    if cache is None:
        return build(root)
    directory = cache / f"warninglists-{lists_key(root)}"
    if directory.is_dir():
        try:
            return _open(directory)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            shutil.rmtree(directory, ignore_errors=True)
    lists = build(root)
    try:
        _store(lists, directory)
        for stale in cache.glob("warninglists-*"):
            if stale != directory and not stale.name.startswith(".warninglists-"):
                shutil.rmtree(stale, ignore_errors=True)
    except OSError:
        pass  # an unwritable cache only costs the next run the same build
    return lists


# -- screening ----------------------------------------------------------------------------------------------


def screen(index: CompiledIndex, cache: Path | None = None) -> dict[int, tuple[str, str]]:
    """Indicator number -> (name of the first warninglist that lists its value, that value)."""
    lists = compiled(cache)
    flagged: dict[int, tuple[str, str]] = {}
    for kind in _STRING_KINDS:
        keys = index.string_keys(kind)
        numbers = index.string_numbers(kind)
        if keys is not None and numbers is not None and len(keys):
            _screen_strings(lists, keys, numbers, flagged)
    _screen_cidr(lists, index, flagged)
    return flagged


def _screen_strings(
    lists: CompiledLists,
    keys: pa.StringArray,
    numbers: npt.NDArray[np.int32],
    flagged: dict[int, tuple[str, str]],
) -> None:
    if not len(lists.hashes):
        return
    hashes = hash_strings(keys)
    # Searched in sorted order: each search then starts near the last one's end in the lists' millions
    # of hashes, instead of a cache miss at every step (several times faster at a million indicators).
    order = np.argsort(hashes)
    left, right = np.empty(len(hashes), dtype=np.intp), np.empty(len(hashes), dtype=np.intp)
    left[order] = np.searchsorted(lists.hashes, hashes[order], side="left")
    right[order] = np.searchsorted(lists.hashes, hashes[order], side="right")
    candidates = np.flatnonzero(right > left)
    if not len(candidates):
        return
    texts = keys.take(pa.array(candidates)).to_pylist()
    for position, text in zip(candidates.tolist(), texts, strict=True):
        owners = [
            int(lists.owners[slot])
            for slot in range(int(left[position]), int(right[position]))
            if lists.entries[slot].as_py() == text
        ]
        if owners:
            flagged.setdefault(int(numbers[position]), (lists.names[min(owners)], str(text)))


def _screen_cidr(lists: CompiledLists, index: CompiledIndex, flagged: dict[int, tuple[str, str]]) -> None:
    """IPv4 indicators inside a listed block (addresses, and blocks that are subsets of one block)."""
    if len(lists.boundaries) < 2:
        return
    for length, (keys, numbers) in index.v4_tables().items():
        if not len(keys):
            continue
        first = keys.astype(np.int64) << (32 - length) if length else np.zeros(len(keys), dtype=np.int64)
        segment = np.searchsorted(lists.boundaries, first, side="right") - 1
        owner = lists.segment_owners[np.maximum(segment, 0)]
        candidates = np.flatnonzero((segment >= 0) & (owner >= 0))
        if length == 32:
            for position in candidates.tolist():
                name = lists.names[int(owner[position])]
                flagged.setdefault(int(numbers[position]), (name, v4_text(int(keys[position]), 32)))
            continue
        last = first + (1 << (32 - length)) - 1
        found = _first_lists_containing(lists, first[candidates], last[candidates])
        for position, number in zip(candidates.tolist(), found.tolist(), strict=True):
            if number >= 0:
                name = lists.names[number]
                flagged.setdefault(int(numbers[position]), (name, v4_text(int(keys[position]), length)))


def _first_lists_containing(
    lists: CompiledLists, first: npt.NDArray[np.int64], last: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """For each block [first, last]: the first list with one block holding all of it, or -1."""
    found = np.full(len(first), -1, dtype=np.int64)
    for number in range(len(lists.names)):
        low, high = int(lists.block_offsets[number]), int(lists.block_offsets[number + 1])
        if low == high or not len(first):
            continue
        position = np.searchsorted(lists.block_starts[low:high], first, side="right") - 1
        inside = (position >= 0) & (lists.block_stops[low + np.maximum(position, 0)] >= last)
        found[(found < 0) & inside] = number
    return found
