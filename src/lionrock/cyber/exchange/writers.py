"""Export formats for stakeholders' own tools, each written as a stream of text chunks.

Input is the stored JSON of rows the requesting user may see (the selectors decide that, never this
module). Value-based formats take only indicators that are in force (not revoked, not expired) and whose
pattern the matcher can answer from values alone, so that a SIEM never receives half of an AND pattern.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lionrock.core.csvsafe import cell_neutralise, csv_line
from lionrock.matcher.canonical import without_scheme
from lionrock.matcher.patterns import PatternRefused, analyse

FORMATS = ("stix", "misp", "csv", "zeek", "suricata-dataset", "suricata-iprep", "list")
# Formats that feed blocking and alerting tools: values on MISP warninglists (known-benign: public
# resolvers, CDNs, top sites) are left out of them unless asked for, since blocking one breaks the network.
BLOCKING_FORMATS = ("zeek", "suricata-dataset", "suricata-iprep", "list")
KINDS = ("ip", "cidr", "domain", "url", "email", "md5", "sha1", "sha256", "ipport")
DATASET_KINDS = ("ip", "domain", "url", "md5", "sha256")
CONTENT_TYPES = {
    "stix": "application/stix+json;version=2.1",
    "misp": "application/json",
    "csv": "text/csv; charset=utf-8",
}
EXTENSIONS = {"stix": "json", "misp": "json", "csv": "csv", "zeek": "intel"}
_HASH_KIND = {32: "md5", 40: "sha1", 64: "sha256"}
_ZEEK_TYPE = {
    "ip": "Intel::ADDR",
    "cidr": "Intel::SUBNET",
    "domain": "Intel::DOMAIN",
    "url": "Intel::URL",
    "email": "Intel::EMAIL",
    "md5": "Intel::FILE_HASH",
    "sha1": "Intel::FILE_HASH",
    "sha256": "Intel::FILE_HASH",
}


@dataclass(frozen=True)
class Row:
    """What an export needs of one stored object version."""

    stix_id: str
    type: str
    tlp: str
    raw: str


@dataclass(frozen=True)
class Value:
    """One exportable indicator value."""

    kind: str
    value: str
    stix_id: str
    tlp: str
    name: str
    valid_from: str
    valid_until: str


def _now_text() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def indicator_values(rows: Iterable[Row], *, now: str | None = None) -> Iterator[Value]:
    """The matcher's fast values of indicators in force; hash kinds are split by digest length."""
    moment = now or _now_text()
    for row in rows:
        if row.type != "indicator":
            continue
        obj = json.loads(row.raw)
        if obj.get("revoked") or obj.get("pattern_type", "stix") != "stix":
            continue
        until = obj.get("valid_until") or ""
        if until and until <= moment:
            continue
        try:
            analysis = analyse(str(obj.get("pattern", "")))
        except PatternRefused:
            continue
        if analysis.slow:
            continue
        for kind, value in analysis.fast:
            subkind = _HASH_KIND.get(len(value), "hash") if kind == "hash" else kind
            yield Value(
                subkind,
                value,
                row.stix_id,
                row.tlp,
                str(obj.get("name", "")),
                obj.get("valid_from", ""),
                until,
            )


def stix_bundle(rows: Iterable[Row]) -> Iterator[str]:
    """A STIX 2.1 bundle written object by object, each exactly as stored."""
    yield f'{{"type":"bundle","id":"bundle--{uuid.uuid4()}","objects":['
    first = True
    for row in rows:
        yield ("" if first else ",") + row.raw
        first = False
    yield "]}\n"


def misp_event(rows: Iterable[Row], *, title: str) -> Iterator[str]:
    """One MISP event converted from the STIX objects by misp-stix (MISP needs the whole event at once)."""
    import stix2
    from misp_stix_converter.tools.stix2_to_misp_helpers import get_stix2_parser

    objects = [json.loads(row.raw) for row in rows]
    bundle = stix2.parse(
        {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}, allow_custom=True
    )
    parser_class, args = get_stix2_parser(
        False,
        0,
        None,
        title,
        "Lionrock",
        False,
        False,
        True,
        str(uuid.uuid5(uuid.NAMESPACE_DNS, "lionrock")),
        0,
        None,
    )
    parser = parser_class()
    parser.load_stix_bundle(bundle)
    parser.parse_stix_bundle(**args)
    yield json.dumps({"Event": json.loads(parser.misp_event.to_json())}, ensure_ascii=False)
    yield "\n"


def csv_rows(values: Iterable[Value]) -> Iterator[str]:
    yield csv_line(["kind", "value", "stix_id", "tlp", "name", "valid_from", "valid_until"])
    for item in values:
        yield csv_line(
            [item.kind, item.value, item.stix_id, item.tlp, item.name, item.valid_from, item.valid_until]
        )


def _zeek_cell(text: str) -> str:
    """A free-text field: one line without tabs, and never a formula when the file is opened as a sheet."""
    cleaned = text.replace("\t", " ").replace("\n", " ").replace("\r", " ").strip()
    return str(cell_neutralise(cleaned)) or "-"


def zeek_intel(values: Iterable[Value], *, source: str) -> Iterator[str]:
    """A Zeek Intel framework file (tab-separated, `#fields` header) for `Intel::read_files`."""
    yield "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n"
    for item in values:
        intel_type = _ZEEK_TYPE.get(item.kind)
        if intel_type is None:
            continue
        desc = f"{item.name} [TLP:{item.tlp.upper()}] {item.stix_id}".strip()
        # Zeek's Intel::URL is written without the scheme (its http.log matching has none).
        value = without_scheme(item.value) if item.kind == "url" else item.value
        yield f"{value}\t{intel_type}\t{_zeek_cell(source)}\t{_zeek_cell(desc)}\t-\n"


def suricata_dataset(values: Iterable[Value], *, kind: str) -> Iterator[str]:
    """A Suricata dataset file: `string` sets are base64 per line, hashes hex, addresses plain."""
    for item in values:
        if item.kind != kind:
            continue
        if kind in ("domain", "url"):
            value = without_scheme(item.value) if kind == "url" else item.value
            yield base64.b64encode(value.encode("utf-8")).decode("ascii") + "\n"
        else:
            yield item.value + "\n"


def suricata_iprep(values: Iterable[Value], *, category: int, score: int) -> Iterator[str]:
    """A Suricata IP reputation file: `address-or-block,category,score` per line."""
    for item in values:
        if item.kind in ("ip", "cidr"):
            yield f"{item.value},{category},{score}\n"


def plain_list(values: Iterable[Value], *, kind: str) -> Iterator[str]:
    """One value a line, of one kind."""
    seen: set[str] = set()
    for item in values:
        if item.kind == kind and item.value not in seen:
            seen.add(item.value)
            yield item.value + "\n"


def unique(values: Iterable[Value]) -> Iterator[Value]:
    """Each (kind, value) once, for formats where a tool would reject duplicates."""
    seen: set[tuple[str, str]] = set()
    for item in values:
        key = (item.kind, item.value)
        if key not in seen:
            seen.add(key)
            yield item


def write(
    fmt: str,
    rows: Iterable[Row],
    *,
    kind: str = "",
    title: str = "",
    category: int = 1,
    score: int = 100,
    values: Iterable[Value] | None = None,
) -> Iterator[str]:
    """The chunks of an export in the given format; `values`, when given, replaces the rows' own values."""
    if fmt == "stix":
        return stix_bundle(rows)
    if fmt == "misp":
        return misp_event(rows, title=title)
    if values is None:
        values = unique(indicator_values(rows))
    if fmt == "csv":
        return csv_rows(values)
    if fmt == "zeek":
        return zeek_intel(values, source=title)
    if fmt == "suricata-dataset":
        return suricata_dataset(values, kind=kind)
    if fmt == "suricata-iprep":
        return suricata_iprep(values, category=category, score=score)
    if fmt == "list":
        return plain_list(values, kind=kind)
    raise ValueError(fmt)


def describe_row(obj: dict[str, Any]) -> str:
    """A short human label for a previewed object."""
    return str(obj.get("name") or obj.get("value") or obj.get("pattern") or obj.get("id"))
