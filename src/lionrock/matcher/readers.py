"""Recognises a log's format from its first lines and reads it into normalised batches."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa

from lionrock.matcher import textlogs, zeek
from lionrock.matcher.source import ReadReport, open_binary, read_head_whole

FORMATS = ("auto", "zeek", "eve", "clf", "bind", "dnsmasq", "nfdump", "cef", "parquet")


class UnknownFormat(ValueError):
    """No reader recognises the file; the message names the file."""


def detect(head: bytes) -> str | None:
    """The format of a log from its first bytes, or ``None``: a look at a few lines, never a guess by name."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if b"\x00" in head[:4096]:
        return None
    text = head.decode("utf-8", "replace")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        return None
    if any(line.startswith("#fields") or line.startswith("#separator") for line in lines):
        return "zeek"
    first = next((line for line in lines if not line.startswith("#")), "")
    if first.startswith("{"):
        try:
            record = json.loads(first)
        except ValueError:
            record = None
        if isinstance(record, dict):
            if "event_type" in record:
                return "eve"
            if "_path" in record or ("ts" in record and any(k.startswith("id.") for k in record)):
                return "zeek-json"
    if any("CEF:" in line for line in lines[:5]):
        return "cef"
    if any(re.search(r"client (?:@\S+ )?[0-9a-fA-F.:]+#\d+.*query: ", line) for line in lines[:10]):
        return "bind"
    if any(re.search(r"dnsmasq(?:\[\d+\])?: ", line) for line in lines[:10]):
        return "dnsmasq"
    if any(textlogs._CLF.match(line) for line in lines[:10]):
        return "clf"
    header = first.replace(" ", "").split(",")
    if ("sa" in header and "da" in header) or (len(header) >= 8 and re.match(r"^\d{4}-\d\d-\d\d", header[0])):
        return "nfdump"
    return None


def open_log(name: str, report: ReadReport, fmt: str = "auto") -> tuple[BinaryIO, str] | None:
    """The open stream of a Zeek TSV log (counted as read), for cutting into segments; `None` for every
    other format, empty files and standard input without `--format`: `read_log` reads those."""
    if fmt == "auto":
        if name == "-":
            return None
        head, whole = read_head_whole(name)
        if whole and not head.strip():
            return None
        fmt = detect(head) or ""
    if fmt != "zeek":
        return None
    report.files += 1
    stream = open_binary(name)
    if hasattr(stream, "peek") and stream.peek(1)[:1] == b"{":
        report.files -= 1
        if name != "-":
            stream.close()
        return None
    return stream, name


def read_log(name: str, report: ReadReport, fmt: str = "auto") -> Iterator[pa.RecordBatch]:
    """Reads one log file (or `-` for standard input) into normalised batches.

    Raises `UnknownFormat` when auto-detection finds nothing; every other problem is recorded in `report`.
    """
    if fmt == "auto":
        if name == "-":
            raise UnknownFormat("give --format for standard input: a pipe cannot be detected")
        head, whole = read_head_whole(name)
        if whole and not head.strip():
            report.files += 1
            report.notice(name, 0, "empty: no events")
            return
        detected = detect(head)
        if detected is None:
            raise UnknownFormat("format not recognised (give --format to force one)")
        fmt = detected
    if fmt == "parquet":
        from lionrock.matcher import tables

        yield from tables.read_parquet(name, report)
        return
    report.files += 1
    stream = open_binary(name)
    try:
        if fmt == "zeek":
            head = stream.peek(1)[:1] if hasattr(stream, "peek") else b"#"
            if head == b"{":
                yield from zeek.read_json(stream, name, report)
            else:
                yield from zeek.read_tsv(stream, name, report)
        elif fmt == "zeek-json":
            yield from zeek.read_json(stream, name, report)
        elif fmt == "nfdump":
            yield from textlogs.read_lines(stream, name, report, textlogs.nfdump_format())
        else:
            formats = {
                "eve": textlogs.EVE,
                "clf": textlogs.CLF,
                "bind": textlogs.BIND,
                "dnsmasq": textlogs.DNSMASQ,
                "cef": textlogs.CEF,
            }
            if fmt not in formats:
                raise UnknownFormat(f"unknown format {fmt!r}")
            yield from textlogs.read_lines(stream, name, report, formats[fmt])
    finally:
        if name != "-":
            stream.close()
