"""Turns an uploaded file into STIX 2.1 objects, or refuses it with an error naming file, line or object.

Formats: STIX 2.x bundles and TAXII envelopes (2.0 upgraded), MISP event JSON and MISP feeds (a directory,
or a zip/tar archive of one, with manifest.json) converted by MISP's own misp-stix, CSV and free-text lists
of values. List values are refanged and typed by the matcher's own rules (lionrock.matcher), so what is
imported is what the matcher will later look for in logs. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import json
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from lionrock.core.boundedjson import JsonTooDeep, json_loads_bounded
from lionrock.cyber.exchange.upgrade import bundle_upgrade, is_stix20, object_upgrade
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.matcher.indicators import infer_value, list_id
from lionrock.matcher.refang import refang

FORMATS = ("auto", "stix", "misp", "misp-feed", "csv", "text")


class ImportRefused(ValueError):
    """A file that cannot be imported; the message names the file and where in it, and nothing was stored."""


@dataclass
class Parsed:
    """What a file holds, as STIX 2.1 objects ready for the store, and what was deliberately left out."""

    format: str
    objects: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    upgraded: bool = False


def _refuse(name: str, message: str) -> ImportRefused:
    return ImportRefused(f"{name}: {message}")


# --- detection -----------------------------------------------------------------------------------------


def detect(data: bytes, name: str) -> str:
    """The format of a file from its content (its name is only a hint for CSV)."""
    if data[:4] == b"PK\x03\x04" or data[:2] == b"\x1f\x8b" or data[257:262] == b"ustar":
        return "misp-feed"
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        document = _json(data, name)
        return _json_kind(document, name)
    first = data.split(b"\n", 1)[0]
    if name.lower().endswith(".csv") or (b"," in first and not first.lstrip().startswith(b"#")):
        return "csv"
    return "text"


def _json_kind(document: Any, name: str) -> str:
    if isinstance(document, dict):
        if document.get("type") == "bundle" or isinstance(document.get("objects"), list):
            return "stix"
        if "Event" in document or "response" in document or "Attribute" in document:
            return "misp"
        if document.get("type") and document.get("id"):
            return "stix"
        if document and all(isinstance(v, dict) and "info" in v for v in document.values()):
            raise _refuse(
                name, _("this is a MISP feed manifest; import the whole feed directory (or a zip of it)")
            )
    if isinstance(document, list) and document and isinstance(document[0], dict):
        if "Event" in document[0]:
            return "misp"
        if "type" in document[0]:
            return "stix"
    raise _refuse(name, _("JSON that is neither a STIX bundle nor a MISP event"))


def _json(data: bytes, name: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refuse(name, _("line %(line)s: not UTF-8 text") % {"line": line}) from error
    try:
        return json_loads_bounded(text)
    except JsonTooDeep as error:
        raise _refuse(
            name, _("JSON nested more than %(limit)s levels deep") % {"limit": error.limit}
        ) from error
    except json.JSONDecodeError as error:
        raise _refuse(
            name,
            _("line %(line)s, column %(column)s: malformed JSON (%(reason)s)")
            % {"line": error.lineno, "column": error.colno, "reason": error.msg},
        ) from error


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _refuse(
            name,
            _("line %(line)s: not UTF-8 text (byte %(byte)s); save the file as UTF-8 and try again")
            % {"line": line, "byte": f"0x{data[error.start]:02x}"},
        ) from error


# --- entry point ---------------------------------------------------------------------------------------


def parse(data: bytes, *, name: str, format: str = "auto", tlp: Tlp | None = None) -> Parsed:
    """Parses one uploaded file (or archive of a MISP feed) into STIX 2.1 objects."""
    if format not in FORMATS:
        raise _refuse(name, _("unknown format %(format)r") % {"format": format})
    if not data.strip():
        raise _refuse(name, _("the file is empty"))
    kind = detect(data, name) if format == "auto" else format
    if kind == "stix":
        parsed = _stix(_json(data, name), name)
    elif kind == "misp":
        parsed = Parsed("misp", _misp(_json(data, name), name))
    elif kind == "misp-feed":
        parsed = Parsed("misp-feed", _misp_feed(_archive_members(data, name), name))
    elif kind == "csv":
        parsed = _csv(_text(data, name), name, tlp)
    else:
        parsed = _plain(_text(data, name), name, tlp)
    if not parsed.objects:
        raise _refuse(name, _("no objects or indicators found"))
    if tlp is not None:
        _mark(parsed.objects, tlp)
    return parsed


def parse_path(path: Path, *, format: str = "auto", tlp: Tlp | None = None, max_bytes: int) -> Parsed:
    """A file, or a MISP feed directory (manifest.json beside the event files), from the command line."""
    if path.is_dir():
        if format not in ("auto", "misp-feed"):
            raise _refuse(path.name, _("a directory can only be a MISP feed"))
        members: dict[str, bytes] = {}
        total = 0
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix == ".json":
                total += child.stat().st_size
                if total > max_bytes:
                    raise _refuse(path.name, _("the feed is larger than the import limit"))
                members[child.name] = child.read_bytes()
        parsed = Parsed("misp-feed", _misp_feed(members, path.name))
        if tlp is not None:
            _mark(parsed.objects, tlp)
        return parsed
    if path.stat().st_size > max_bytes:
        raise _refuse(path.name, _("the file is larger than the import limit"))
    return parse(path.read_bytes(), name=path.name, format=format, tlp=tlp)


def _mark(objects: list[dict[str, Any]], tlp: Tlp) -> None:
    """Objects that carry no marking take the TLP chosen for the import."""
    for obj in objects:
        if obj.get("type") != "marking-definition" and not obj.get("object_marking_refs"):
            obj["object_marking_refs"] = [MARKING_ID_FOR[tlp]]


# --- STIX ----------------------------------------------------------------------------------------------


def _stix(document: Any, name: str) -> Parsed:
    if isinstance(document, list):
        document = {"objects": document}
    if isinstance(document, dict) and "objects" not in document and document.get("type") != "bundle":
        document = {"objects": [document]}
    if not isinstance(document, dict) or not isinstance(document.get("objects", []), list):
        raise _refuse(name, _("not a STIX bundle"))
    for index, obj in enumerate(document.get("objects") or []):
        if not isinstance(obj, dict):
            raise _refuse(name, _("object %(index)s is not a JSON object") % {"index": index})
    if is_stix20(document):
        return Parsed("stix", bundle_upgrade(document), upgraded=True)
    objects = [
        object_upgrade(obj) if obj.get("spec_version") == "2.0" else obj
        for obj in document.get("objects") or []
    ]
    return Parsed(
        "stix", objects, upgraded=any(o is not p for o, p in zip(objects, document["objects"], strict=True))
    )


# --- MISP ----------------------------------------------------------------------------------------------


def _misp(document: Any, name: str) -> list[dict[str, Any]]:
    """A MISP event, a list of events or an attributes collection, through misp-stix to STIX 2.1."""
    from misp_stix_converter import MISPtoSTIX21Parser
    from stix2.base import STIXJSONEncoder

    converter = MISPtoSTIX21Parser()
    try:
        converter.parse_json_content(document)
        bundle = json.loads(json.dumps(converter.bundle, cls=STIXJSONEncoder))
    except Exception as error:
        raise _refuse(
            name, _("not a MISP event that can be converted: %(reason)s") % {"reason": error}
        ) from error
    errors = getattr(converter, "errors", None) or {}
    if errors:
        first = next(iter(errors.values()))
        raise _refuse(
            name, _("MISP event rejected: %(reason)s") % {"reason": "; ".join(map(str, first))[:500]}
        )
    return list(bundle.get("objects") or [])


def _archive_members(data: bytes, name: str) -> dict[str, bytes]:
    """The .json files of a zip or tar archive of a feed directory, flattened to their base names."""
    members: dict[str, bytes] = {}
    total = 0
    try:
        if data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if info.is_dir() or not info.filename.endswith(".json"):
                        continue
                    total += info.file_size
                    if total > 20 * len(data) + 10_000_000:
                        raise _refuse(name, _("the archive expands to far more than its size"))
                    members[Path(info.filename).name] = archive.read(info)
        else:
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                for member in tar.getmembers():
                    if not member.isfile() or not member.name.endswith(".json"):
                        continue
                    total += member.size
                    if total > 20 * len(data) + 10_000_000:
                        raise _refuse(name, _("the archive expands to far more than its size"))
                    extracted = tar.extractfile(member)
                    if extracted is not None:
                        members[Path(member.name).name] = extracted.read()
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as error:
        raise _refuse(name, _("not a readable zip or tar archive: %(reason)s") % {"reason": error}) from error
    return members


def _misp_feed(members: dict[str, bytes], name: str) -> list[dict[str, Any]]:
    """A MISP feed: manifest.json lists the event uuids; each event file is converted in turn."""
    if "manifest.json" not in members:
        raise _refuse(name, _("a MISP feed needs manifest.json beside its event files"))
    manifest = _json(members["manifest.json"], f"{name}/manifest.json")
    if not isinstance(manifest, dict):
        raise _refuse(f"{name}/manifest.json", _("the manifest must map event uuids to summaries"))
    objects: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for uuid in manifest:
        member = f"{uuid}.json"
        if member not in members:
            raise _refuse(
                name,
                _("event %(uuid)s is listed in manifest.json but %(file)s is missing")
                % {"uuid": uuid, "file": member},
            )
        for obj in _misp(_json(members[member], f"{name}/{member}"), f"{name}/{member}"):
            key = (str(obj.get("id")), str(obj.get("modified", "")))
            if key not in seen:  # identities and markings repeat from event to event
                seen.add(key)
                objects.append(obj)
    return objects


# --- lists ---------------------------------------------------------------------------------------------

# MISP attribute types (as in MISP's CSV export) and the matcher kind their value is.
MISP_TYPES = {
    "ip-dst": "address", "ip-src": "address", "ip": "address", "domain": "domain", "hostname": "domain",
    "url": "url", "uri": "url", "link": None, "email": "email", "email-src": "email", "email-dst": "email",
    "md5": "hash", "sha1": "hash", "sha256": "hash", "filename|md5": "hash", "filename|sha1": "hash",
    "filename|sha256": "hash", "ip-dst|port": "ipport", "ip-src|port": "ipport", "domain|ip": "domain",
    "ipv4": "address", "ipv6": "address", "cidr": "address", "file-hash": "hash", "hash": "hash",
}  # fmt: skip
_VALUE_COLUMNS = ("value", "indicator", "ioc", "observable", "ip", "domain", "url", "hash")
_TYPE_COLUMNS = ("type", "indicator_type", "kind")
_NOTE_COLUMNS = ("comment", "description", "desc", "meta.desc", "name")
_HASH_NAMES = {32: "MD5", 40: "SHA-1", 64: "SHA-256"}


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def pattern_for(kind: str, value: str, original: str = "") -> str:
    """The STIX pattern the matcher recognises for one (kind, canonical value)."""
    if kind in ("ip", "cidr"):
        sco = "ipv6-addr" if ":" in value else "ipv4-addr"
        return f"[{sco}:value = '{_quote(value)}']"
    if kind == "domain":
        return f"[domain-name:value = '{_quote(value)}']"
    if kind == "url":
        live = refang(original) if original else ""
        written = live if "://" in live else value if "://" in value else "http://" + value
        return f"[url:value = '{_quote(written)}']"
    if kind == "email":
        return f"[email-addr:value = '{_quote(value)}']"
    if kind == "hash":
        return f"[file:hashes.'{_HASH_NAMES[len(value)]}' = '{value}']"
    if kind == "ipport":
        address, _, port = value.rpartition(":")
        sco = "ipv6-addr" if address.startswith("[") else "ipv4-addr"
        address = address.strip("[]")
        del sco  # the matcher's IP-and-port shape is exactly these two comparisons
        return f"[network-traffic:dst_ref.value = '{address}' AND network-traffic:dst_port = {int(port)}]"
    raise ValueError(kind)


def _stamp() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def indicator_for(
    kind: str, value: str, *, original: str = "", note: str = "", source: str = ""
) -> dict[str, Any]:
    """A STIX 2.1 indicator for one list value; its id is stable per value, like the matcher's list ids."""
    now = _stamp()
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": list_id(kind, value),
        "created": now,
        "modified": now,
        "name": value,
        "pattern": pattern_for(kind, value, original),
        "pattern_type": "stix",
        "valid_from": now,
        "indicator_types": ["malicious-activity"],
    }
    if note:
        obj["description"] = note[:2000]
    if source:
        obj["x_lionrock_import_source"] = source[:200]
    return obj


def _typed(kind: str | None, raw: str) -> tuple[str, str] | None:
    from lionrock.matcher.canonical import ip_port
    from lionrock.matcher.patterns import classify_value

    text = refang(raw)
    if kind is None:
        return infer_value(text)
    if kind == "ipport":
        address, _, port = text.replace("|", ":").rpartition(":")
        key = ip_port(address, port)
        return None if key is None else ("ipport", key)
    return classify_value(kind, text)


def _add(
    objects: dict[str, dict[str, Any]], value: tuple[str, str], original: str, note: str, source: str
) -> None:
    kind, canonical = value
    obj = indicator_for(kind, canonical, original=original, note=note, source=source)
    objects.setdefault(obj["id"], obj)


def _csv(text: str, name: str, tlp: Tlp | None) -> Parsed:
    """A CSV with a header naming its value column (and optionally type and comment), or values first."""
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    value_col = next((header.index(c) for c in _VALUE_COLUMNS if c in header), None)
    if value_col is None:
        header, value_col, start = [], 0, 1
    else:
        start = 2
    type_col = next((header.index(c) for c in _TYPE_COLUMNS if c in header), None)
    note_col = next((header.index(c) for c in _NOTE_COLUMNS if c in header), None)
    body = rows[1:] if header else rows
    parsed = Parsed("csv")
    found: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(body, start=start):
        if not row or not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if value_col >= len(row):
            raise _refuse(
                name,
                _("line %(line)s: no value in column %(column)s") % {"line": line, "column": value_col + 1},
            )
        raw = row[value_col].strip()
        kind: str | None = None
        if type_col is not None and type_col < len(row):
            declared = row[type_col].strip().lower()
            if declared not in MISP_TYPES or MISP_TYPES[declared] is None:
                parsed.skipped.append(
                    _("line %(line)s: type %(type)s is not an indicator")
                    % {"line": line, "type": declared or "—"}
                )
                continue
            kind = MISP_TYPES[declared]
            if "|" in declared and "|" in raw:
                first, _sep, second = raw.partition("|")
                raw = (
                    f"{first}:{second}"
                    if kind == "ipport"
                    else (first if declared == "domain|ip" else second)
                )
        value = _typed(kind, raw)
        if value is None:
            raise _refuse(
                name,
                _("line %(line)s: %(value)r is not a recognised indicator value")
                % {"line": line, "value": raw[:80]},
            )
        note = row[note_col].strip() if note_col is not None and note_col < len(row) else ""
        _add(found, value, raw, note, name)
    parsed.objects = list(found.values())
    return parsed


def _tokens(line: str) -> Iterable[str]:
    for token in line.replace(",", " ").replace(";", " ").replace("\t", " ").split():
        token = token.strip("\"'<>()")
        token = token.rstrip(".,:;!?") if not token.endswith("[.]") else token
        if token:
            yield token


def _looks_like_ioc(token: str) -> bool:
    text = refang(token)
    return (
        "." in text
        or "://" in text
        or "@" in text
        or (len(text) in (32, 40, 64) and text.isalnum())
        or ":" in text
    )


def _plausible_domain(name: str) -> bool:
    """In prose, `e.g.` or `v1.2` are not domains: a name needs a dot and an alphabetic top label."""
    labels = name.split(".")
    return len(labels) >= 2 and labels[-1].isalpha() and len(labels[-1]) >= 2 and all(labels)


def _plain(text: str, name: str, tlp: Tlp | None) -> Parsed:
    """One value a line (defanged or not, `#` comments), or prose from which values are picked out."""
    parsed = Parsed("text")
    found: dict[str, dict[str, Any]] = {}
    for line, content in enumerate(text.splitlines(), start=1):
        body = content.split(" #", 1)[0].strip()
        if not body or body.startswith("#"):
            continue
        tokens = list(_tokens(body))
        if len(tokens) == 1:
            value = _typed(None, tokens[0])
            if value is None:
                raise _refuse(
                    name,
                    _("line %(line)s: %(value)r is not a recognised indicator value")
                    % {"line": line, "value": body[:80]},
                )
            _add(found, value, tokens[0], "", name)
            continue
        for token in tokens:
            value = _typed(None, token) if _looks_like_ioc(token) else None
            if value is not None and (value[0] != "domain" or _plausible_domain(value[1])):
                _add(found, value, token, "", name)
    parsed.objects = list(found.values())
    return parsed
