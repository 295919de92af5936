"""The compiled index: indicator values laid out in flat arrays that vectorised lookups run against.

Layout, chosen for memory (a million indicators in well under 200 bytes each) and for lookups that never
loop over rows in Python:

* IPv4 addresses and CIDR blocks: per prefix length, a sorted ``uint32`` array of networks; a bitmap of
  the /24 blocks that any of them touches lets a whole column be screened with one gather.
* IPv4 address and port: a sorted ``uint64`` array of ``address << 16 | port`` behind the same bitmap.
* Domains, URLs, hashes, e-mail addresses, IPv6 addresses and IPv6 ports: Arrow string arrays with their
  64-bit hashes sorted beside them (`stringhash.StringSet`): a probe, a whole name or the part of it after
  a dot, is a binary search confirmed on the bytes.
* IPv6 CIDR blocks: a small dict per prefix length (they are rare in feeds).
* Per indicator: its STIX id as 16 bytes, validity as a small table of microsecond stamps and a code
  into it (`Stamps`); the warninglisted ones as arrays (`Flags`).

Every array can be stored and mapped back from the cache (`snapshot`, `restore`) without a copy.
"""

from __future__ import annotations

import ipaddress
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lionrock.matcher.indicators import IndicatorCollection, Refusal, SlowIndicator
from lionrock.matcher.per_indicator import Flags, Stamps
from lionrock.matcher.stringhash import StringSet, spans

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]

NEVER = np.iinfo(np.int64).max
ALWAYS = np.iinfo(np.int64).min
STRING_KINDS = ("domain", "url", "hash", "email", "ip6", "ipport6")
_PREFIX = "indicator--"


@dataclass(slots=True)
class Pairs:
    """Matches found in one column: parallel row positions, indicator numbers, indicator values, ranks.

    `rank` is the prefix length for address matches (so the longest prefix wins) and 0 otherwise.
    """

    rows: list[int] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def add(self, row: int, number: int, value: str, rank: int = 0, kind: str = "") -> None:
        """Appends one match."""
        self.rows.append(row)
        self.numbers.append(number)
        self.values.append(value)
        self.ranks.append(rank)
        self.kinds.append(kind)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(slots=True)
class _V4Table:
    """Networks of one prefix length: sorted keys and the indicator numbers they belong to."""

    keys: U32
    numbers: npt.NDArray[np.int32]


class CompiledIndex:
    """All indicators of a run, compiled once, looked up per batch. Immutable after construction."""

    def __init__(self, collection: IndicatorCollection) -> None:
        n = len(collection)
        fast_ids = _uuid_bytes(collection.ids)
        self._ids = np.zeros((n, 16), dtype=np.uint8) if fast_ids is None else fast_ids
        self._odd_ids: dict[int, str] = {}
        for number, stix_id in enumerate(collection.ids if fast_ids is None else ()):
            if stix_id.startswith(_PREFIX) and len(stix_id) == 47:
                try:
                    self._ids[number] = np.frombuffer(uuid.UUID(stix_id[11:]).bytes, dtype=np.uint8)
                    continue
                except ValueError:
                    pass
            self._odd_ids[number] = stix_id
        self.valid_from = Stamps.of(_stamps(collection.valid_from, ALWAYS))
        self.valid_until = Stamps.of(_stamps(collection.valid_until, NEVER))
        self.warninglisted = np.zeros(n, dtype=np.bool_)
        self.flags = Flags.of({})
        self.slow: list[SlowIndicator] = list(collection.slow)
        self.refused: list[Refusal] = list(collection.refused)
        self.revoked = collection.revoked
        self.kinds: dict[str, int] = defaultdict(int)
        self._v4: dict[int, _V4Table] = {}
        self._v4_bitmap = np.zeros(1 << 21, dtype=np.uint8)
        self._v6_nets: dict[int, dict[int, list[int]]] = {}
        self._ipport_keys: U64 = np.zeros(0, dtype=np.uint64)
        self._ipport_numbers = np.zeros(0, dtype=np.int32)
        self._ipport_bitmap = np.zeros(1 << 21, dtype=np.uint8)
        self._strings: dict[str, tuple[pa.StringArray, npt.NDArray[np.int32]]] = {}
        self._sets: dict[str, StringSet] = {}
        self._set_parts: dict[str, dict[str, npt.NDArray[Any]]] = {}
        self._build(collection)

    # -- construction ----------------------------------------------------------------------------------

    def _build(self, collection: IndicatorCollection) -> None:
        v4: dict[int, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        strings: dict[str, tuple[list[str], list[int]]] = defaultdict(lambda: ([], []))
        ipport4: tuple[list[int], list[int]] = ([], [])
        for kind, (keys, numbers) in collection.entries.items():
            self.kinds[kind] += len(keys)
            if kind == "ip" and not any(":" in key for key in keys):
                v4[32][0].extend(keys)  # IPv4 only, as feeds mostly are: no sorting out one by one
                v4[32][1].extend(numbers)
            elif kind == "ip":
                for key, number in zip(keys, numbers, strict=True):
                    if ":" in key:
                        strings["ip6"][0].append(key)
                        strings["ip6"][1].append(number)
                    else:
                        table = v4[32]
                        table[0].append(key)
                        table[1].append(number)
            elif kind == "cidr":
                for key, number in zip(keys, numbers, strict=True):
                    if ":" not in key:
                        address, _, bits = key.partition("/")
                        table = v4[int(bits)]
                        table[0].append(address)
                        table[1].append(number)
                    else:
                        net = ipaddress.ip_network(key)
                        bucket = self._v6_nets.setdefault(net.prefixlen, {})
                        bucket.setdefault(int(net.network_address) >> (128 - net.prefixlen), []).append(
                            number
                        )
            elif kind == "ipport":
                for key, number in zip(keys, numbers, strict=True):
                    if key.startswith("["):
                        strings["ipport6"][0].append(key)
                        strings["ipport6"][1].append(number)
                    else:
                        address, _, port = key.rpartition(":")
                        ipport4[0].append(int(ipaddress.IPv4Address(address)) << 16 | int(port))
                        ipport4[1].append(number)
            else:
                strings[kind][0].extend(keys)
                strings[kind][1].extend(numbers)
        for length, (texts, numbers) in v4.items():
            keys_array = (
                _v4_keys(texts) >> np.uint32(32 - length) if length else np.zeros(len(texts), np.uint32)
            )
            order = np.argsort(keys_array, kind="stable")
            self._v4[length] = _V4Table(keys_array[order], np.array(numbers, dtype=np.int32)[order])
            _mark_blocks(self._v4_bitmap, keys_array, length)
        if ipport4[0]:
            keys64 = np.array(ipport4[0], dtype=np.uint64)
            order = np.argsort(keys64, kind="stable")
            self._ipport_keys = keys64[order]
            self._ipport_numbers = np.array(ipport4[1], dtype=np.int32)[order]
            _mark_blocks(self._ipport_bitmap, (keys64 >> np.uint64(16)).astype(np.uint32), 32)
        for kind, (keys, numbers) in strings.items():
            self._strings[kind] = (pa.array(keys, type=pa.string()), np.array(numbers, dtype=np.int32))

    # -- storage (the compiled-index cache) -----------------------------------------------------------

    def snapshot(self) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any]]:
        """Everything the index holds, as flat arrays and JSON-ready facts, for `CompiledIndex.restore`.

        Warninglist flags are left out: they depend on the installed lists, not on the indicators.
        """
        arrays: dict[str, npt.NDArray[Any]] = {
            "ids": self._ids,
            **self.valid_from.arrays("valid_from"),
            **self.valid_until.arrays("valid_until"),
            "v4_bitmap": self._v4_bitmap,
            "ipport_keys": self._ipport_keys,
            "ipport_numbers": self._ipport_numbers,
            "ipport_bitmap": self._ipport_bitmap,
        }
        for length, table in self._v4.items():
            arrays[f"v4.{length}.keys"] = table.keys
            arrays[f"v4.{length}.numbers"] = table.numbers
        for kind, (keys, numbers) in self._strings.items():
            offsets = np.frombuffer(keys.buffers()[1], dtype=np.int32)[
                keys.offset : keys.offset + len(keys) + 1
            ]
            data = keys.buffers()[2]
            content = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
            arrays[f"str.{kind}.offsets"] = offsets - offsets[0]
            arrays[f"str.{kind}.data"] = content[int(offsets[0]) : int(offsets[-1])]
            arrays[f"str.{kind}.numbers"] = numbers
            hashed = self._set(kind)
            assert hashed is not None
            for part, array in hashed.parts().items():
                arrays[f"str.{kind}.{part}"] = array
        facts = {
            "odd_ids": {str(number): stix_id for number, stix_id in self._odd_ids.items()},
            "slow": [[s.number, s.pattern, [list(v) for v in s.literals], s.reason] for s in self.slow],
            "refused": [[r.source, r.reference, r.reason] for r in self.refused],
            "revoked": self.revoked,
            "kinds": dict(self.kinds),
            "v6_nets": {
                str(length): {str(prefix): numbers for prefix, numbers in bucket.items()}
                for length, bucket in self._v6_nets.items()
            },
        }
        return arrays, facts

    @classmethod
    def restore(cls, arrays: Mapping[str, npt.NDArray[Any]], facts: Mapping[str, Any]) -> CompiledIndex:
        """The index a `snapshot` describes; raises `KeyError`/`ValueError` on an incomplete one."""
        index = cls.__new__(cls)
        index._ids = arrays["ids"].astype(np.uint8, copy=False).reshape(-1, 16)
        index.valid_from = Stamps.from_arrays(arrays, "valid_from")
        index.valid_until = Stamps.from_arrays(arrays, "valid_until")
        count = len(index.valid_from)
        if len(index._ids) != count or len(index.valid_until) != count:
            raise ValueError("arrays of different lengths")
        index._odd_ids = {int(number): str(stix_id) for number, stix_id in facts["odd_ids"].items()}
        index.warninglisted = np.zeros(count, dtype=np.bool_)
        index.flags = Flags.of({})
        index.slow = [
            SlowIndicator(int(n), str(p), tuple((str(k), str(v)) for k, v in literals), str(r))
            for n, p, literals, r in facts["slow"]
        ]
        index.refused = [Refusal(str(a), str(b), str(c)) for a, b, c in facts["refused"]]
        index.revoked = int(facts["revoked"])
        index.kinds = defaultdict(int, {str(k): int(v) for k, v in facts["kinds"].items()})
        index._v6_nets = {
            int(length): {int(prefix): [int(n) for n in numbers] for prefix, numbers in bucket.items()}
            for length, bucket in facts["v6_nets"].items()
        }
        index._v4_bitmap = arrays["v4_bitmap"]
        index._ipport_keys = arrays["ipport_keys"]
        index._ipport_numbers = arrays["ipport_numbers"]
        index._ipport_bitmap = arrays["ipport_bitmap"]
        if len(index._v4_bitmap) != 1 << 21 or len(index._ipport_bitmap) != 1 << 21:
            raise ValueError("bitmap of the wrong size")
        index._v4 = {}
        index._strings = {}
        index._sets = {}
        index._set_parts = {}
        for name in arrays:
            part, _, rest = name.partition(".")
            if part == "v4" and rest.endswith(".keys"):
                length = int(rest[: -len(".keys")])
                index._v4[length] = _V4Table(arrays[name], arrays[f"v4.{length}.numbers"])
            elif part == "str" and rest.endswith(".offsets"):
                kind = rest[: -len(".offsets")]
                offsets = arrays[name].astype(np.int32, copy=False)
                data = arrays[f"str.{kind}.data"].astype(np.uint8, copy=False)
                # The structure is checked here (so no lookup can read out of bounds); the bytes are not
                # read, so that a run maps in only the values it uses.
                if len(offsets) == 0 or int(offsets[0]) != 0 or int(offsets[-1]) != len(data):
                    raise ValueError(f"{kind} strings are cut")
                if bool(np.any(offsets[1:] < offsets[:-1])):
                    raise ValueError(f"{kind} strings are out of order")
                keys = pa.StringArray.from_buffers(
                    len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
                )
                keys.validate()
                index._strings[kind] = (keys, arrays[f"str.{kind}.numbers"])
                if f"str.{kind}.hashes" in arrays:
                    index._set_parts[kind] = {
                        part: arrays[f"str.{kind}.{part}"] for part in ("hashes", "order", "filter")
                    }
        return index

    def flag_warninglisted(self, flags: Mapping[int, tuple[str, str]] | Flags) -> None:
        """Marks indicators whose value is on a warninglist; their hits are suppressed, not alerted.

        `flags` maps an indicator number to (the list's name, the value the list names).
        """
        self.flags = flags if isinstance(flags, Flags) else Flags.of(flags)
        self.warninglisted[:] = False
        if len(self.flags.numbers):
            self.warninglisted[self.flags.numbers] = True

    def warninglist_name(self, number: int) -> str | None:
        """The name of the warninglist that lists indicator `number`'s value, if one does."""
        return self.flags.name(number)

    # -- facts -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.valid_from)

    def stix_id(self, number: int) -> str:
        """The STIX id of indicator `number`."""
        odd = self._odd_ids.get(number)
        if odd is not None:
            return odd
        return _PREFIX + str(uuid.UUID(bytes=self._ids[number].tobytes()))

    def stix_ids(self, numbers: I64) -> list[str]:
        """The STIX ids of many indicators at once (as `stix_id` gives them, at a fraction of the cost)."""
        count = len(numbers)
        if count == 0:
            return []
        # Laid out as one block of fixed-width text: the prefix, then two hex digits per byte with the
        # dashes between, cut into ids with no Python formatting per id.
        raw = self._ids[numbers].reshape(count, 16)
        text = np.empty((count, _ID_WIDTH), dtype=np.uint8)
        text[:, : len(_PREFIX)] = np.frombuffer(_PREFIX.encode(), dtype=np.uint8)
        text[:, _UUID_DASHES] = ord("-")
        text[:, _UUID_DIGITS[0::2]] = _HEX[raw >> 4]
        text[:, _UUID_DIGITS[1::2]] = _HEX[raw & 15]
        block = text.tobytes().decode("ascii")
        ids = [block[start : start + _ID_WIDTH] for start in range(0, count * _ID_WIDTH, _ID_WIDTH)]
        if self._odd_ids:
            for k, number in enumerate(numbers.tolist()):
                odd = self._odd_ids.get(number)
                if odd is not None:
                    ids[k] = odd
        return ids

    def string_keys(self, kind: str) -> pa.StringArray | None:
        """The canonical values of one string kind, for warninglist screening and reports."""
        entry = self._strings.get(kind)
        return None if entry is None else entry[0]

    def string_numbers(self, kind: str) -> npt.NDArray[np.int32] | None:
        """The indicator numbers parallel to `string_keys(kind)`."""
        entry = self._strings.get(kind)
        return None if entry is None else entry[1]

    def v4_tables(self) -> dict[int, tuple[U32, npt.NDArray[np.int32]]]:
        """IPv4 networks per prefix length (32 for single addresses), for warninglist screening."""
        return {length: (t.keys, t.numbers) for length, t in self._v4.items()}

    @property
    def indexed(self) -> int:
        """How many indicators the fast index answers (all but the slow-path ones)."""
        return len(self) - len(self.slow)

    def nbytes(self) -> int:
        """Bytes held by the index's arrays (the Python object overhead is a few hundred bytes more)."""
        total = (
            self._ids.nbytes + self.valid_from.nbytes + self.valid_until.nbytes + self.warninglisted.nbytes
        )
        total += self._v4_bitmap.nbytes + self._ipport_bitmap.nbytes
        total += self._ipport_keys.nbytes + self._ipport_numbers.nbytes
        total += sum(t.keys.nbytes + t.numbers.nbytes for t in self._v4.values())
        total += sum(keys.nbytes + numbers.nbytes for keys, numbers in self._strings.values())
        total += sum(len(b) * 120 for b in self._v6_nets.values())
        return int(total)

    # -- lookups -----------------------------------------------------------------------------------------

    def lookup_v4(self, addresses: U32, rows: I64, out: Pairs) -> None:
        """Every IPv4 indicator (address or containing block) for each address; rank = prefix length."""
        if not self._v4 or len(addresses) == 0:
            return
        candidate = _bitmap_test(self._v4_bitmap, addresses >> np.uint32(8))
        if not candidate.any():
            return
        addresses, rows = addresses[candidate], rows[candidate]
        for length, table in self._v4.items():
            keys = addresses >> np.uint32(32 - length) if length < 32 else addresses
            if length == 0:
                keys = np.zeros_like(addresses)
            positions = np.searchsorted(table.keys, keys)
            positions = np.minimum(positions, len(table.keys) - 1)
            found = np.flatnonzero(table.keys[positions] == keys)
            for i in found.tolist():
                position = int(positions[i])
                key = int(table.keys[position])
                value = v4_text(key, length)
                while position < len(table.keys) and int(table.keys[position]) == key:
                    out.add(
                        int(rows[i]),
                        int(table.numbers[position]),
                        value,
                        length,
                        "ip" if length == 32 else "cidr",
                    )
                    position += 1

    def lookup_ipport_v4(self, addresses: U32, ports: U32, rows: I64, out: Pairs) -> None:
        """Every IPv4 address-and-port indicator equal to the (address, port) of each row."""
        if len(self._ipport_keys) == 0 or len(addresses) == 0:
            return
        candidate = _bitmap_test(self._ipport_bitmap, addresses >> np.uint32(8))
        if not candidate.any():
            return
        keys = addresses[candidate].astype(np.uint64) << np.uint64(16) | ports[candidate].astype(np.uint64)
        rows = rows[candidate]
        positions = np.minimum(np.searchsorted(self._ipport_keys, keys), len(self._ipport_keys) - 1)
        for i in np.flatnonzero(self._ipport_keys[positions] == keys).tolist():
            position = int(positions[i])
            key = int(self._ipport_keys[position])
            value = f"{ipaddress.IPv4Address(key >> 16)}:{key & 0xFFFF}"
            while position < len(self._ipport_keys) and int(self._ipport_keys[position]) == key:
                out.add(int(rows[i]), int(self._ipport_numbers[position]), value, 0, "ipport")
                position += 1

    def ipport_candidates(self, addresses: U32) -> BOOL:
        """Which addresses lie in a /24 block used by some IPv4 address-and-port indicator."""
        if len(self._ipport_keys) == 0:
            return np.zeros(len(addresses), dtype=np.bool_)
        return _bitmap_test(self._ipport_bitmap, addresses >> np.uint32(8))

    def lookup_v6_networks(self, address: ipaddress.IPv6Address, row: int, out: Pairs) -> None:
        """Every IPv6 block containing one address (IPv6 in logs is rare enough for a per-value loop)."""
        value = int(address)
        for length, bucket in self._v6_nets.items():
            numbers = bucket.get(value >> (128 - length) if length else 0)
            if numbers:
                net = ipaddress.IPv6Network(((value >> (128 - length)) << (128 - length), length))
                for number in numbers:
                    out.add(row, number, str(net), length, "cidr")

    def has_v6_networks(self) -> bool:
        """Whether any IPv6 block is indexed."""
        return bool(self._v6_nets)

    def _set(self, kind: str) -> StringSet | None:
        """The hashed form of one string kind's values, made on first use (a run hashes only the kinds
        its logs can hold)."""
        found = self._sets.get(kind)
        if found is None:
            entry = self._strings.get(kind)
            if entry is None:
                return None
            found = self._sets[kind] = StringSet(entry[0], self._set_parts.get(kind))
        return found

    def find_spans(
        self, kind: str, data: npt.NDArray[np.uint8], starts: I64, ends: I64
    ) -> tuple[I64, I64, I64]:
        """Every (span, indicator number, key position) where a value of `kind` equals `data[start:end]`,
        by span and then by the values' order in the index."""
        found = self._set(kind)
        if found is None:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        which, positions = found.find(data, starts, ends)
        numbers = self._strings[kind][1][positions].astype(np.int64)
        return which, numbers, positions

    def match_strings(self, kind: str, candidates: pa.Array) -> dict[str, list[int]]:
        """The indicator values of `kind` that occur among `candidates`, each with its indicator numbers
        (values in the index's order, numbers ascending by position). Nulls match nothing."""
        if kind not in self._strings or len(candidates) == 0:
            return {}
        data, starts, ends, valid = spans(candidates)
        if not valid.all():
            starts, ends = starts[valid], ends[valid]
        _, numbers, positions = self.find_spans(kind, data, starts, ends)
        if len(positions) == 0:
            return {}
        unique, first = np.unique(positions, return_index=True)
        keys = self._strings[kind][0]
        result: dict[str, list[int]] = {}
        for key, number in zip(keys.take(pa.array(unique)).to_pylist(), numbers[first].tolist(), strict=True):
            result.setdefault(str(key), []).append(int(number))
        return result

    def string_values(self, kind: str, positions: I64) -> list[str]:
        """The values of `kind` at these key positions (as `find_spans` gives them)."""
        return [str(v) for v in self._strings[kind][0].take(pa.array(positions)).to_pylist()]

    def has_kind(self, kind: str) -> bool:
        """Whether any indicator of a string kind is indexed (lets a reader skip work)."""
        return kind in self._strings


_NIBBLES = np.full(256, 255, dtype=np.uint8)
_NIBBLES[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.uint8)
_NIBBLES[np.frombuffer(b"ABCDEF", dtype=np.uint8)] = np.arange(10, 16, dtype=np.uint8)
_UUID_DASHES = [11 + 8, 11 + 13, 11 + 18, 11 + 23]
_UUID_DIGITS = [c for c in range(11, 47) if c not in _UUID_DASHES]
_ID_WIDTH = 47
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _uuid_bytes(ids: list[str]) -> npt.NDArray[np.uint8] | None:
    """All ids as 16 bytes each, read as one block of text, when every id is `indicator--<uuid>` in the
    usual 8-4-4-4-12 form; else ``None`` (and the ids are read one by one)."""
    if not ids or set(map(len, ids)) != {47}:
        return None
    try:
        text = np.frombuffer("".join(ids).encode("ascii"), dtype=np.uint8).reshape(len(ids), 47)
    except (TypeError, UnicodeEncodeError):
        return None
    if not (text[:, :11] == np.frombuffer(_PREFIX.encode(), dtype=np.uint8)).all():
        return None
    if not (text[:, _UUID_DASHES] == ord("-")).all():
        return None
    nibbles = _NIBBLES[text[:, _UUID_DIGITS]]
    if (nibbles == 255).any():
        return None
    result: npt.NDArray[np.uint8] = (nibbles[:, 0::2] << np.uint8(4)) | nibbles[:, 1::2]
    return result


def _stamps(stamps: list[int | None], missing: int) -> I64:
    """Validity stamps as an array, `missing` where there is none (whole lists at once where they allow)."""
    absent = stamps.count(None)
    if absent == 0:
        return np.array(stamps, dtype=np.int64)
    if absent == len(stamps):
        return np.full(len(stamps), missing, dtype=np.int64)
    return np.array([missing if v is None else v for v in stamps], dtype=np.int64)


def _v4_keys(keys: list[str]) -> npt.NDArray[np.uint32]:
    """Dotted-quad text to integers, vectorised; anything else through ipaddress."""
    from lionrock.matcher import ipv4

    addresses, parsed = ipv4.parse(pa.array(keys, type=pa.string()))
    for position in np.flatnonzero(~parsed).tolist():
        addresses[position] = int(ipaddress.IPv4Address(keys[position]))
    return addresses


def v4_text(key: int, length: int) -> str:
    """The indicator value of an IPv4 table entry: the address, or the block in CIDR notation."""
    if length == 32:
        return str(ipaddress.IPv4Address(key))
    return f"{ipaddress.IPv4Address((key << (32 - length)) if length else 0)}/{length}"


def _mark_blocks(bitmap: npt.NDArray[np.uint8], keys: U32, length: int) -> None:
    """Sets the bit of every /24 block that a network of `length` bits overlaps."""
    if len(keys) == 0:
        return
    if length >= 24:
        blocks = (keys.astype(np.uint64) << np.uint64(32 - length)) >> np.uint64(8)
        _set_bits(bitmap, blocks.astype(np.uint32))
        return
    span = 1 << (24 - length)
    for key in np.unique(keys).tolist():
        first = (key << (32 - length)) >> 8 if length else 0
        _set_range(bitmap, first, first + span)


def _set_bits(bitmap: npt.NDArray[np.uint8], blocks: U32) -> None:
    np.bitwise_or.at(
        bitmap, blocks >> np.uint32(3), (np.uint8(1) << (blocks & np.uint32(7)).astype(np.uint8))
    )


def _set_range(bitmap: npt.NDArray[np.uint8], first: int, stop: int) -> None:
    """Sets bits [first, stop) of the bitmap; whole bytes at once where the range allows."""
    while first < stop and first % 8:
        bitmap[first >> 3] |= np.uint8(1 << (first & 7))
        first += 1
    whole = (stop - first) // 8
    if whole:
        bitmap[first >> 3 : (first >> 3) + whole] = 0xFF
        first += whole * 8
    while first < stop:
        bitmap[first >> 3] |= np.uint8(1 << (first & 7))
        first += 1


def _bitmap_test(bitmap: npt.NDArray[np.uint8], blocks: U32) -> BOOL:
    """Vectorised bit test: which /24 blocks (given as `address >> 8`) are marked."""
    bits = bitmap[blocks >> np.uint32(3)] >> (blocks & np.uint32(7)).astype(np.uint8)
    marked: BOOL = (bits & np.uint8(1)).astype(np.bool_)
    return marked


def compile_indicators(collection: IndicatorCollection) -> CompiledIndex:
    """Compiles loaded indicators into the index used for matching."""
    return CompiledIndex(collection)


def merge(collections: Sequence[IndicatorCollection]) -> IndicatorCollection:
    """One collection out of several sources."""
    merged = IndicatorCollection()
    for collection in collections:
        merged.extend(collection)
    return merged
