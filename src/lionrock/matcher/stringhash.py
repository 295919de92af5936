"""Exact lookups of many strings, and of parts of them, in a fixed set of strings, with no Python loop.

Arrow's `is_in` builds a hash table of its value set on every call, so probing each batch of a log against
a million indicators rebuilt a table per batch, and the parent domains of every DNS name had to be cut
out as new strings first. Here a string is a span (start, end) of a byte buffer, and its hash is a
polynomial over its bytes taken from prefix sums: the hash of any span (a whole value, or the part after
one of its dots) costs a few vector operations and makes no new string. A `StringSet` keeps the hashes of
its strings sorted, so a probe is a binary search; every hash hit is confirmed on the bytes themselves,
so a collision costs a comparison and never gives a false match.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]

_BASE = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_INVERSE = pow(_BASE, -1, 1 << 64)
_BLOCK = 1 << 18  # bytes per prefix-sum piece: bounds the temporaries at a few megabytes
_FILTER_BITS = 23  # a bit per hash prefix: 1 MiB per set, about 4% false positives at 300,000 strings
_tables: list[U64] = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]


def _powers(length: int) -> tuple[U64, U64]:
    """BASE**k and BASE**-k modulo 2**64 for k < length (kept and grown as longer spans appear)."""
    if len(_tables[0]) < length:
        size = max(length, 2 * len(_tables[0]))
        for slot, base in enumerate((_BASE, _INVERSE)):
            table = np.full(size, base, dtype=np.uint64)
            table[0] = 1
            _tables[slot] = np.cumprod(table, dtype=np.uint64)  # wraps modulo 2**64, as intended
    return _tables[0], _tables[1]


def spans(values: pa.Array) -> tuple[U8, I64, I64, BOOL]:
    """The bytes of a string array and, per value, its span in them and whether it is a value (not null)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    count = len(values)
    large = values.type == pa.large_string()
    if not large and values.type != pa.string():
        values = values.cast(pa.string())
    buffers = values.buffers()
    width = np.int64 if large else np.int32
    offsets: I64 = np.frombuffer(buffers[1], dtype=width)[values.offset : values.offset + count + 1].astype(
        np.int64
    )
    data_buffer = buffers[2]
    data: U8 = (
        np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    )
    valid: BOOL = np.asarray(values.is_valid()) if values.null_count else np.ones(count, dtype=np.bool_)
    return data, offsets[:-1], offsets[1:], valid


def _buffers(values: pa.Array) -> tuple[U8, npt.NDArray[Any]]:
    """The bytes and the offsets of a string array, as views of its buffers (no copy)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if values.type not in (pa.string(), pa.large_string()):
        values = values.cast(pa.string())
    buffers = values.buffers()
    width = np.int64 if values.type == pa.large_string() else np.int32
    offsets: npt.NDArray[Any] = np.frombuffer(buffers[1], dtype=width)[
        values.offset : values.offset + len(values) + 1
    ]
    data = buffers[2]
    return (np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)), offsets


def span_hashes(data: U8, starts: I64, ends: I64) -> U64:
    """A 64-bit hash of each span `data[start:end]`: equal bytes give equal hashes wherever they lie."""
    count = len(starts)
    result = np.zeros(count, dtype=np.uint64)
    if count == 0:
        return result
    order: I64 | None = None
    if count > 1 and bool(np.any(starts[1:] < starts[:-1])):
        order = np.argsort(starts, kind="stable")
        starts, ends = starts[order], ends[order]
    longest = int((ends - starts).max())
    powers, inverses = _powers(_BLOCK + longest + 1)
    first = 0
    while first < count:
        low = int(starts[first])
        stop = int(np.searchsorted(starts, low + _BLOCK, side="left"))
        high = int(ends[first:stop].max())
        terms = (data[low:high].astype(np.uint64) + np.uint64(1)) * powers[: high - low]
        prefix = np.zeros(high - low + 1, dtype=np.uint64)
        np.cumsum(terms, out=prefix[1:])
        begin, end = starts[first:stop] - low, ends[first:stop] - low
        result[first:stop] = (prefix[end] - prefix[begin]) * inverses[begin]
        first = stop
    if order is None:
        return result
    unsorted = np.empty_like(result)
    unsorted[order] = result
    return unsorted


def equal_spans(data: U8, starts: I64, other: U8, other_starts: I64, lengths: I64) -> BOOL:
    """Whether `data[starts[i]:][:lengths[i]]` equals `other[other_starts[i]:][:lengths[i]]`, for each i."""
    count = len(lengths)
    total = int(lengths.sum())
    if total == 0:
        return np.ones(count, dtype=np.bool_)
    owner = np.repeat(np.arange(count), lengths)
    within = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    differs = data[np.repeat(starts, lengths) + within] != other[np.repeat(other_starts, lengths) + within]
    equal = np.ones(count, dtype=np.bool_)
    equal[owner[differs]] = False
    return equal


class StringSet:
    """A fixed array of strings (duplicates allowed) that spans of other buffers are looked up in.

    Its hashes, their order and the prefix filter (`parts`) can be stored with the strings and handed
    back (`parts=`), so that a run over a cached index does not hash and sort them again.
    """

    def __init__(self, keys: pa.Array, parts: dict[str, npt.NDArray[Any]] | None = None) -> None:
        self.keys = keys
        self._data, self._offsets = _buffers(keys)
        if parts is not None:
            self._hashes, self._order, self._filter = parts["hashes"], parts["order"], parts["filter"]
            if len(self._filter) != 1 << (_FILTER_BITS - 3) or len(self._order) != len(self._hashes):
                raise ValueError("hashed strings of the wrong shape")
            return
        _, starts, ends, valid = spans(keys)
        hashes = span_hashes(self._data, starts, ends)
        hashes[~valid] = 0
        # Stable: equal hashes keep the keys' own order, so a span's equal keys come out in that order.
        order = np.argsort(hashes, kind="stable")
        order = order[valid[order]]
        self._order = order.astype(np.int32 if len(keys) < 1 << 31 else np.int64)
        self._hashes = hashes[order]
        # Most probes miss: one bit per hash prefix turns those away with a single gather from a small
        # table, before the binary search (whose cache misses cost more than the hashing).
        self._filter = np.zeros(1 << (_FILTER_BITS - 3), dtype=np.uint8)
        prefixes = self._hashes >> np.uint64(64 - _FILTER_BITS)
        np.bitwise_or.at(
            self._filter, prefixes >> np.uint64(3), np.left_shift(1, prefixes & np.uint64(7)).astype(np.uint8)
        )

    def parts(self) -> dict[str, npt.NDArray[Any]]:
        """What `StringSet(keys, parts=...)` takes back to skip hashing."""
        return {"hashes": self._hashes, "order": self._order, "filter": self._filter}

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, data: U8, starts: I64, ends: I64) -> tuple[I64, I64]:
        """Every (span, key position) where the key equals the span's bytes, by span, then key position."""
        if len(starts) == 0 or len(self._hashes) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        hashes = span_hashes(data, starts, ends)
        prefixes = hashes >> np.uint64(64 - _FILTER_BITS)
        bits = self._filter[prefixes >> np.uint64(3)] >> (prefixes & np.uint64(7)).astype(np.uint8)
        maybe = np.flatnonzero(bits & np.uint8(1))
        probes = hashes[maybe]
        left = np.searchsorted(self._hashes, probes, side="left")
        # One search for every probe; the second (how many keys share the hash) only for the few found.
        found = np.flatnonzero(self._hashes[np.minimum(left, len(self._hashes) - 1)] == probes)
        if len(found) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        hit, left = maybe[found], left[found]
        counts = np.searchsorted(self._hashes, probes[found], side="right") - left
        which = np.repeat(hit, counts)
        slots = np.repeat(left, counts) + (
            np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        positions = self._order[slots].astype(np.int64)
        lengths = ends[which] - starts[which]
        key_starts = self._offsets[positions].astype(np.int64)
        same = lengths == self._offsets[positions + 1] - key_starts
        which, positions, lengths = which[same], positions[same], lengths[same]
        equal = equal_spans(data, starts[which], self._data, key_starts[same], lengths)
        return which[equal], positions[equal]
