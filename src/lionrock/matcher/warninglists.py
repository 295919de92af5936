"""Flags indicators whose value is on a MISP warninglist (known-benign: public resolvers, top sites...).

The lists ship inside pymispwarninglists, so this works offline. Screening happens once, at compile time,
against the compiled index's arrays: hostname and string lists by exact value (as pymispwarninglists' own
fast search does, so `evil.duckdns.org` is not suppressed because `duckdns.org` is listed), CIDR lists by
containment of IPv4 addresses and blocks. Substring and regex lists are not applied.
"""

from __future__ import annotations

import ipaddress

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lionrock.matcher.index import CompiledIndex, v4_text

_STRING_KINDS = ("domain", "url", "hash", "email", "ip6")


def screen(index: CompiledIndex) -> dict[int, tuple[str, str]]:
    """Indicator number -> (name of the first warninglist that lists its value, that value)."""
    from pymispwarninglists.api import WarningLists

    lists = WarningLists(slow_search=False)
    flagged: dict[int, tuple[str, str]] = {}
    for warninglist in lists.warninglists.values():
        entries = [str(e).strip().lower().rstrip(".") for e in warninglist.list if str(e).strip()]
        if not entries:
            continue
        if warninglist.type in ("string", "hostname"):
            value_set = pa.array(entries, type=pa.string())
            for kind in _STRING_KINDS:
                keys = index.string_keys(kind)
                numbers = index.string_numbers(kind)
                if keys is None or numbers is None:
                    continue
                mask = np.asarray(pc.is_in(keys, value_set=value_set))
                positions = np.flatnonzero(mask)
                values = keys.take(pa.array(positions)).to_pylist()
                for number, value in zip(numbers[positions].tolist(), values, strict=True):
                    flagged.setdefault(int(number), (warninglist.name, str(value)))
        elif warninglist.type == "cidr":
            _screen_cidr(index, entries, warninglist.name, flagged)
    return flagged


def _screen_cidr(
    index: CompiledIndex, entries: list[str], name: str, flagged: dict[int, tuple[str, str]]
) -> None:
    """IPv4 indicators inside a listed block (addresses, and blocks that are subsets of it)."""
    starts: list[int] = []
    stops: list[int] = []
    for entry in entries:
        try:
            net = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if net.version == 4:
            starts.append(int(net.network_address))
            stops.append(int(net.broadcast_address))
    if not starts:
        return
    order = np.argsort(np.array(starts, dtype=np.int64))
    start_array = np.array(starts, dtype=np.int64)[order]
    stop_array = np.maximum.accumulate(np.array(stops, dtype=np.int64)[order])
    for length, (keys, numbers) in index.v4_tables().items():
        first = keys.astype(np.int64) << (32 - length) if length else np.zeros(len(keys), dtype=np.int64)
        last = first + (1 << (32 - length)) - 1
        position = np.searchsorted(start_array, first, side="right") - 1
        inside = (position >= 0) & (stop_array[np.maximum(position, 0)] >= last)
        for key, number in zip(keys[inside].tolist(), numbers[inside].tolist(), strict=True):
            flagged.setdefault(int(number), (name, v4_text(int(key), length)))
