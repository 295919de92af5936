"""The matching function: normalised batches in, hits out, over any iterator of Arrow batches.

Each value column is matched only as the kind of value its role says it holds, so a domain inside a
User-Agent is never a hit on a host. Work is done per distinct value where values repeat (names, URLs)
and per row, vectorised, where they do not (addresses). A hit counts only while its indicator is valid at
the event's time; the longest matching prefix wins among address blocks; warninglisted indicators are
counted as suppressed instead of reported.

The function keeps no state between batches other than the report it adds to, so a cluster engine can run
`match_batch` on each partition with the same compiled index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lionrock.matcher import canonical, ipv4, stringhash
from lionrock.matcher.batches import TIME, batch_source, roles
from lionrock.matcher.columns import Flat as _Flat
from lionrock.matcher.columns import flatten as _flatten
from lionrock.matcher.counts import MatchReport
from lionrock.matcher.index import CompiledIndex, Pairs

HIT_SCHEMA = pa.schema(
    [
        ("indicator", pa.string()),
        ("value", pa.string()),
        ("observed", pa.string()),
        ("field", pa.string()),
        ("source", pa.string()),
        ("line", pa.int64()),
        ("time", TIME),
        ("kind", pa.string()),
    ]
)
"""One row per hit; `kind` (ip, cidr, domain, url, hash, email, ipport) is for summaries, not output."""
_DOT = np.uint8(ord("."))


def _by_unique(values: pa.Array) -> tuple[pa.Array, npt.NDArray[np.int64]]:
    """Distinct values and, per position, the index of its distinct value (-1 for null)."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    if encoded.indices.null_count:
        indices = np.where(np.asarray(encoded.indices.is_valid()), indices, -1)
    return encoded.dictionary, indices.astype(np.int64)


def _spread(
    hits: dict[int, list[tuple[str, list[int], str, int]]], indices: npt.NDArray[np.int64], out: Pairs
) -> None:
    """Turns hits on distinct values into hits on every position holding that value."""
    if not hits:
        return
    wanted = np.fromiter(hits, dtype=np.int64)
    positions = np.flatnonzero(np.isin(indices, wanted))
    rows, found, values, ranks, kinds = out.rows, out.numbers, out.values, out.ranks, out.kinds
    for position, key in zip(positions.tolist(), indices[positions].tolist(), strict=True):
        for value, numbers, kind, rank in hits[key]:
            count = len(numbers)
            rows.extend([position] * count)
            found.extend(numbers)
            values.extend([value] * count)
            ranks.extend([rank] * count)
            kinds.extend([kind] * count)


# -- domains ----------------------------------------------------------------------------------------------


def _normalise_names(names: pa.Array) -> pa.Array:
    """Lower-case, one trailing dot off, IDNA for the rare non-ASCII name: canonical.domain, vectorised."""
    lowered = pc.utf8_lower(names)
    stripped = pc.replace_substring_regex(lowered, r"\.$", "", max_replacements=1)
    ascii_mask = pc.string_is_ascii(stripped)
    if pc.all(pc.fill_null(ascii_mask, True)).as_py():
        return stripped
    fixed = [
        value if ok or value is None else canonical.domain(value)
        for value, ok in zip(stripped.to_pylist(), ascii_mask.to_pylist(), strict=True)
    ]
    return pa.array(fixed, type=pa.string())


def domain_hits(index: CompiledIndex, names: pa.Array) -> dict[int, list[tuple[str, list[int], str, int]]]:
    """For canonical names, every domain indicator equal to the name or to a parent at a label boundary.

    Each name contributes itself and its parent suffixes (`a.b.evil.com`, `b.evil.com`, `evil.com`,
    `com`): the part after each of its dots, taken as a span of the name's bytes rather than cut out as a
    new string, and all of them probed at once (`stringhash`). `notevil.com` never produces `evil.com`.
    Per name, the hits come in that order: the name itself, then its parents from the longest.
    """
    if not index.has_kind("domain") or len(names) == 0:
        return {}
    return _span_domain_hits(index, *stringhash.spans(names))


def _span_domain_hits(
    index: CompiledIndex,
    data: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.int64],
    ends: npt.NDArray[np.int64],
    valid: npt.NDArray[np.bool_],
) -> dict[int, list[tuple[str, list[int], str, int]]]:
    """`domain_hits` of names given as spans of a byte buffer (already canonical)."""
    if len(starts) == 0:
        return {}
    owners = np.flatnonzero(valid)
    low, high = int(starts[0]), int(ends[-1])
    dots = np.flatnonzero(data[low:high] == _DOT) + low
    dot_owner = np.searchsorted(starts, dots, side="right") - 1
    inside = valid[dot_owner] & (dots < ends[dot_owner])
    dots, dot_owner = dots[inside], dot_owner[inside]
    owner = np.concatenate([owners, dot_owner])
    begin = np.concatenate([starts[owners], dots + 1])
    order = np.lexsort((begin, owner))
    owner, begin = owner[order], begin[order]
    which, numbers, positions = index.find_spans("domain", data, begin, ends[owner])
    if len(which) == 0:
        return {}
    # One entry per matching span, with the numbers of every indicator holding that value.
    first = np.flatnonzero(np.r_[True, which[1:] != which[:-1]])
    values = index.string_values("domain", positions[first])
    listed = numbers.tolist()
    bounds = [*first.tolist(), len(listed)]
    result: dict[int, list[tuple[str, list[int], str, int]]] = {}
    for k, (name, value) in enumerate(zip(owner[which[first]].tolist(), values, strict=True)):
        result.setdefault(name, []).append((value, listed[bounds[k] : bounds[k + 1]], "domain", 0))
    return result


# -- per role ---------------------------------------------------------------------------------------------


def _match_ip(
    index: CompiledIndex, flat: _Flat, out: Pairs
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    values = flat.values
    addresses, parsed = ipv4.parse(values)
    positions = np.flatnonzero(parsed)
    index.lookup_v4(addresses[positions], positions.astype(np.int64), out)
    valid = np.asarray(values.is_valid()) if values.null_count else np.ones(len(values), dtype=np.bool_)
    others = np.flatnonzero(valid & ~parsed)
    if len(others):
        distinct, indices = _by_unique(values.take(pa.array(others)))
        hits = _address_hits(index, distinct.to_pylist())
        local = Pairs()
        _spread(hits, indices, local)
        for row, number, value, rank, kind in zip(
            local.rows, local.numbers, local.values, local.ranks, local.kinds, strict=True
        ):
            out.add(int(others[row]), number, value, rank, kind)
    return addresses, parsed


def _address_hits(
    index: CompiledIndex, texts: list[str | None]
) -> dict[int, list[tuple[str, list[int], str, int]]]:
    """Careful path for addresses that are not plain dotted quads: IPv6, mapped, bracketed, zone ids."""
    result: dict[int, list[tuple[str, list[int], str, int]]] = {}
    six: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        if text is None:
            continue
        address = canonical.ip_object(text)
        if address is None:
            continue
        local = Pairs()
        if address.version == 4:
            index.lookup_v4(np.array([int(address)], dtype=np.uint32), np.zeros(1, dtype=np.int64), local)
        else:
            six.setdefault(str(address), []).append(position)
            index.lookup_v6_networks(address, 0, local)
        for number, value, rank, kind in zip(
            local.numbers, local.values, local.ranks, local.kinds, strict=True
        ):
            result.setdefault(position, []).append((value, [number], kind, rank))
    if six and index.has_kind("ip6"):
        for key, numbers in index.match_strings("ip6", pa.array(list(six))).items():
            for position in six[key]:
                result.setdefault(position, []).append((key, numbers, "ip", 128))
    return result


def _match_ports(
    index: CompiledIndex,
    ports: pa.Array,
    addresses: pa.Array,
    parsed_v4: tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]] | None,
    out: Pairs,
) -> None:
    """Address-and-port indicators on the (address column, port column) pair of each row.

    Ports are converted only for the rows whose address falls in a /24 block that some address-and-port
    indicator uses, which in a conn log is a tiny fraction.
    """
    if not index.kinds.get("ipport"):
        return
    if parsed_v4 is None:
        parsed_v4 = ipv4.parse(addresses)
    v4, ok = parsed_v4
    rows = np.flatnonzero(ok & index.ipport_candidates(v4))
    if len(rows):
        numbers, valid = _port_numbers(ports.take(pa.array(rows)))
        rows, numbers = rows[valid], numbers[valid]
        index.lookup_ipport_v4(v4[rows], numbers, rows.astype(np.int64), out)
    if index.has_kind("ipport6"):
        others = np.flatnonzero(~ok & np.asarray(ports.is_valid()))
        keys: dict[str, list[int]] = {}
        texts, port_texts = (
            addresses.take(pa.array(others)).to_pylist(),
            ports.take(pa.array(others)).to_pylist(),
        )
        for row, text, port in zip(others.tolist(), texts, port_texts, strict=True):
            key = canonical.ip_port(text, port) if text else None
            if key and key.startswith("["):
                keys.setdefault(key, []).append(row)
        for key, found in index.match_strings("ipport6", pa.array(list(keys))).items():
            for row in keys[key]:
                for number in found:
                    out.add(row, number, key, 0, "ipport")


def _port_numbers(ports: pa.Array) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """Port text to numbers, with a mask of the values that are valid ports."""
    try:
        cast = pc.cast(ports, pa.uint32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # One value that is not a number ("-", "http", "99999999999") fails the whole cast: keep the
        # digit strings and null the rest, which the mask below then leaves out.
        digits = pc.fill_null(pc.match_substring_regex(ports, r"^\d{1,5}$"), False)
        cast = pc.cast(pc.if_else(digits, ports, pa.scalar(None, pa.string())), pa.uint32())
    numbers = cast.fill_null(0).to_numpy().astype(np.uint32)
    return numbers, np.asarray(cast.is_valid()) & (numbers <= 65535)


def _match_canonical(
    index: CompiledIndex, kind: str, flat: _Flat, convert: Callable[[str], str | None], out: Pairs
) -> None:
    """Values canonicalised in Python once per distinct value, then one hash probe (URLs, e-mail)."""
    if not index.has_kind(kind):
        return
    distinct, indices = _by_unique(flat.values)
    converted = [None if v is None else convert(v) for v in distinct.to_pylist()]
    found = index.match_strings(kind, pa.array(converted, type=pa.string()))
    hits = {
        position: [(value, found[value], kind, 0)]
        for position, value in enumerate(converted)
        if value is not None and value in found
    }
    _spread(hits, indices, out)


def _match_url(index: CompiledIndex, flat: _Flat, out: Pairs) -> None:
    """URLs, once per distinct value: each is probed under the forms `canonical.url_keys` gives it, so
    the scheme is compared where the log knows it and left open where it does not."""
    if not index.has_kind("url"):
        return
    distinct, indices = _by_unique(flat.values)
    keys: list[str] = []
    owners: list[int] = []
    for position, value in enumerate(distinct.to_pylist()):
        if value is None:
            continue
        for key in canonical.url_keys(value):
            keys.append(key)
            owners.append(position)
    found = index.match_strings("url", pa.array(keys, type=pa.string()))
    hits: dict[int, list[tuple[str, list[int], str, int]]] = {}
    for key, owner in zip(keys, owners, strict=True):
        if key in found:
            hits.setdefault(owner, []).append((key, found[key], "url", 0))
    _spread(hits, indices, out)


def _match_hash(index: CompiledIndex, flat: _Flat, out: Pairs) -> None:
    if not index.has_kind("hash"):
        return
    distinct, indices = _by_unique(flat.values)
    lowered = pc.utf8_lower(distinct)
    found = index.match_strings("hash", lowered)
    if not found:
        return
    texts = lowered.to_pylist()
    hits = {p: [(v, found[v], "hash", 0)] for p, v in enumerate(texts) if v in found}
    _spread(hits, indices, out)


def _match_domain(index: CompiledIndex, flat: _Flat, out: Pairs) -> None:
    if not index.has_kind("domain"):
        return
    distinct, indices = _by_unique(flat.values)
    canonical_spans = _ascii_names(distinct)
    if canonical_spans is None:
        _spread(domain_hits(index, _normalise_names(distinct)), indices, out)
        return
    _spread(_span_domain_hits(index, *canonical_spans), indices, out)


def _ascii_names(
    names: pa.Array,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]] | None:
    """`_normalise_names` done on the bytes when every name is ASCII (as nearly all logged names are):
    upper case lowered in a copy of the bytes, one trailing dot left out of each span. `None` when some
    name is not ASCII (IDNA applies: the careful path)."""
    data, starts, ends, valid = stringhash.spans(names)
    if len(starts) == 0:
        return data, starts, ends, valid
    low, high = int(starts[0]), int(ends[-1])
    if high == low:
        return data, starts, ends, valid
    used = data[low:high]
    if int(used.max()) >= 0x80:
        return None
    lowered = data.copy()
    upper = (used >= np.uint8(ord("A"))) & (used <= np.uint8(ord("Z")))
    lowered[low:high] = used + upper.astype(np.uint8) * np.uint8(32)
    dotted = (ends > starts) & (lowered[np.maximum(ends - 1, 0)] == _DOT)
    return lowered, starts, ends - dotted, valid


def _match_host(index: CompiledIndex, flat: _Flat, out: Pairs) -> None:
    """A host as logged may be a name or an address, with a port: plain dotted quads take the vectorised
    address path, every other distinct value is sorted out once in Python."""
    distinct, indices = _by_unique(flat.values)
    addresses, parsed_distinct = ipv4.parse(distinct)
    known = indices >= 0
    parsed = known.copy()
    parsed[known] = parsed_distinct[indices[known]]
    _lookup_v4_distinct(index, addresses, parsed_distinct, indices, out)
    rest = np.flatnonzero(~parsed)
    if len(rest) == 0:
        return
    local = Pairs()
    _match_host_text(index, _Flat(flat.values.take(pa.array(rest)), flat.rows[rest]), local)
    for row, number, value, rank, kind in zip(
        local.rows, local.numbers, local.values, local.ranks, local.kinds, strict=True
    ):
        out.add(int(rest[row]), number, value, rank, kind)


def _lookup_v4_distinct(
    index: CompiledIndex,
    addresses: npt.NDArray[np.uint32],
    parsed: npt.NDArray[np.bool_],
    indices: npt.NDArray[np.int64],
    out: Pairs,
) -> None:
    """`index.lookup_v4` of every position's address, done once per distinct address: the matches come
    out in the order a lookup of every position gives (per prefix length, then by position)."""
    candidates = np.flatnonzero(parsed)
    local = Pairs()
    index.lookup_v4(addresses[candidates], candidates.astype(np.int64), local)
    if not len(local):
        return
    # Each match of a distinct address goes to every position holding it; the lookup answers one prefix
    # length after another, so (the block of its length, position) puts them back in that order.
    blocks = np.cumsum(np.r_[False, np.diff(np.array(local.ranks)) != 0])
    order = np.argsort(indices, kind="stable")
    sorted_indices = indices[order]
    which = np.array(local.rows, dtype=np.int64)
    left = np.searchsorted(sorted_indices, which, side="left")
    counts = np.searchsorted(sorted_indices, which, side="right") - left
    pair = np.repeat(np.arange(len(which)), counts)
    positions = order[
        np.repeat(left, counts) + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    ]
    ranked = np.lexsort((positions, blocks[pair]))
    for k in ranked.tolist():
        i = int(pair[k])
        out.add(int(positions[k]), local.numbers[i], local.values[i], local.ranks[i], local.kinds[i])


def _match_host_text(index: CompiledIndex, flat: _Flat, out: Pairs) -> None:
    """Names and unusual addresses of a host column, once per distinct value."""
    distinct, indices = _by_unique(flat.values)
    names: list[str] = []
    name_owner: list[int] = []
    addresses: list[str | None] = []
    for position, text in enumerate(distinct.to_pylist()):
        sorted_out = canonical.host(text) if text is not None else None
        addresses.append(sorted_out[1] if sorted_out and sorted_out[0] == "ip" else None)
        if sorted_out and sorted_out[0] == "domain":
            names.append(sorted_out[1])
            name_owner.append(position)
    hits = _address_hits(index, addresses)
    for owner, found in domain_hits(index, pa.array(names, type=pa.string())).items():
        hits.setdefault(name_owner[owner], []).extend(found)
    _spread(hits, indices, out)


# -- the batch --------------------------------------------------------------------------------------------


def match_batch(
    index: CompiledIndex,
    batch: pa.RecordBatch,
    report: MatchReport | None = None,
    *,
    warninglists: bool = True,
) -> pa.Table:
    """Every hit in one normalised batch, as a table with `HIT_SCHEMA`."""
    report = report if report is not None else MatchReport()
    report.events += batch.num_rows
    source, _ = batch_source(batch)
    column_roles = roles(batch)
    times = batch.column("ts").cast(pa.int64()).to_numpy(zero_copy_only=False)
    time_known = np.asarray(batch.column("ts").is_valid()) if batch.column("ts").null_count else None
    lines = batch.column("line")
    parsed: dict[str, tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]] = {}
    collected: list[tuple[str, _Flat, Pairs]] = []
    for name, (role, pair) in column_roles.items():
        column = batch.column(name)
        if column.null_count == len(column):
            continue
        flat = _flatten(column)
        pairs = Pairs()
        if role == "ip":
            parsed[name] = _match_ip(index, flat, pairs)
        elif role == "domain":
            _match_domain(index, flat, pairs)
        elif role == "host":
            _match_host(index, flat, pairs)
        elif role == "url":
            _match_url(index, flat, pairs)
        elif role == "email":
            _match_canonical(index, "email", flat, canonical.email, pairs)
        elif role == "hash":
            _match_hash(index, flat, pairs)
        elif role == "port" and pair is not None and pair in column_roles:
            address_column = batch.column(pair)
            if pa.types.is_string(address_column.type) and pa.types.is_string(column.type):
                _match_ports(index, column, address_column, parsed.get(pair), pairs)
                if len(pairs):
                    joined = pc.binary_join_element_wise(address_column, column, ":")
                    flat = _Flat(joined, flat.rows)
                    name = f"{pair}:{name}"
        if len(pairs):
            collected.append((name, flat, pairs))
    if index.slow:
        from lionrock.matcher import slowpath

        slow = slowpath.evaluate(index, batch, column_roles, report, match=match_batch)
        collected.extend(slow)
    return _hits_table(index, collected, times, time_known, lines, source, report, warninglists)


def _hits_table(
    index: CompiledIndex,
    collected: list[tuple[str, _Flat, Pairs]],
    times: npt.NDArray[np.int64],
    time_known: npt.NDArray[np.bool_] | None,
    lines: pa.Array,
    source: str,
    report: MatchReport,
    warninglists: bool,
) -> pa.Table:
    """Applies validity, longest prefix and warninglists, and lays the hits out as a table."""
    columns: dict[str, list[object]] = {name: [] for name in HIT_SCHEMA.names}
    line_numbers = lines.to_numpy(zero_copy_only=False) if collected else None
    for name, flat, pairs in collected:
        positions = np.array(pairs.rows, dtype=np.int64)
        numbers = np.array(pairs.numbers, dtype=np.int64)
        rows = flat.rows[positions]
        when = times[rows]
        valid = (index.valid_from[numbers] <= when) & (when < index.valid_until[numbers])
        if time_known is not None:
            valid |= ~time_known[rows]
        report.outside_validity += int((~valid).sum())
        best: dict[int, int] = {}
        for i in np.flatnonzero(valid).tolist():
            rank = pairs.ranks[i]
            if rank:
                best[int(rows[i])] = max(best.get(int(rows[i]), 0), rank)
        chosen: list[int] = []
        for i in np.flatnonzero(valid).tolist():
            if pairs.ranks[i] and pairs.ranks[i] < best.get(int(rows[i]), 0):
                continue
            number = int(numbers[i])
            if warninglists and index.warninglisted[number]:
                report.suppressed[index.warninglist_name(number) or "warninglist"] += 1
                report.suppressed_indicators[number] += 1
                continue
            report.hits[pairs.kinds[i]] += 1
            chosen.append(i)
        if not chosen:
            continue
        # Converted a column at a time: per-hit conversions cost more than matching on a busy log.
        picked = np.array(chosen, dtype=np.int64)
        picked_rows = rows[picked]
        assert line_numbers is not None
        columns["indicator"].extend(index.stix_ids(numbers[picked]))
        columns["value"].extend([pairs.values[i] for i in chosen])
        columns["observed"].extend(flat.values.take(pa.array(positions[picked])).to_pylist())
        columns["field"].extend([name] * len(chosen))
        columns["source"].extend([source] * len(chosen))
        columns["line"].extend(line_numbers[picked_rows].tolist())
        stamps: list[object] = when[picked].tolist()
        if time_known is not None:
            known = time_known[picked_rows].tolist()
            stamps = [stamp if ok else None for stamp, ok in zip(stamps, known, strict=True)]
        columns["time"].extend(stamps)
        columns["kind"].extend([pairs.kinds[i] for i in chosen])
    arrays = [
        pa.array(columns[f.name], type=pa.int64()).cast(TIME)
        if f.name == "time"
        else pa.array(columns[f.name], f.type)
        for f in HIT_SCHEMA
    ]
    table = pa.Table.from_arrays(arrays, schema=HIT_SCHEMA)
    return table.sort_by([("line", "ascending")]) if table.num_rows > 1 else table


def match_batches(
    index: CompiledIndex,
    batches: Iterable[pa.RecordBatch],
    report: MatchReport | None = None,
    *,
    warninglists: bool = True,
) -> Iterator[pa.Table]:
    """Matches every batch of any iterator of normalised batches, yielding one hit table per batch."""
    report = report if report is not None else MatchReport()
    for batch in prefetch(batches):
        yield match_batch(index, batch, report, warninglists=warninglists)


def prefetch(batches: Iterable[pa.RecordBatch], depth: int = 1) -> Iterator[pa.RecordBatch]:
    """Produces batches in a background thread so reading the next overlaps matching this one.

    Arrow's parser and NumPy release the GIL, so on two cores reading and matching run side by side.
    An exception in the reader is raised here, in the consumer, unchanged.
    """
    import queue
    import threading

    pending: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        pending.put(("batch", batch), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put(("end", None))
        except BaseException as error:  # noqa: BLE001 - handed over to the consumer
            pending.put(("error", error))

    worker = threading.Thread(target=produce, name="lionrock-reader", daemon=True)
    worker.start()
    try:
        while True:
            kind, item = pending.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(item, BaseException)
                raise item
            assert isinstance(item, pa.RecordBatch)
            yield item
    finally:
        stop.set()
        while not pending.empty():
            pending.get_nowait()
        worker.join(timeout=5)
