"""Opening log files and cutting them into chunks of whole lines, with line numbers and problems kept.

Files may be larger than memory, gzip-compressed, piped on standard input, truncated, or carry binary
garbage and lines of megabytes. None of that is fatal: what can be read is read, and every problem is
recorded with its file and line so that the summary can say exactly what was skipped.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

# Logs are read this much at a time: two pieces are in memory at once (one parsed while the other is
# matched), and the parser's working memory grows with the piece; 4 MiB keeps both small at no measurable
# cost in speed (8 MiB took 40-70 MB more at the peak of a 2,000,000-line log).
CHUNK_BYTES = 4 << 20
MAX_LINE_BYTES = 64 << 20
_KEPT_PROBLEMS = 1000


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing that went wrong in an input, with its place: line 0 means the file as a whole."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}" if self.line else self.source
        return f"{place}: {self.reason}"


@dataclass(slots=True)
class ReadReport:
    """What the readers saw: events per format, bad lines and file-level errors.

    Every bad line is counted; the first thousand are kept with their line numbers for the summary.
    """

    events: Counter[str] = field(default_factory=Counter)
    bad_lines: int = 0
    problems: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    files: int = 0

    def bad_line(self, source: str, line: int, reason: str) -> None:
        """Counts one unusable line and keeps its place."""
        self.bad_lines += 1
        if len(self.problems) < _KEPT_PROBLEMS:
            self.problems.append(Problem(source, line, reason))

    def error(self, source: str, line: int, reason: str) -> None:
        """Records a problem that stopped the reading of a file (what was read before it still counts)."""
        self.errors.append(Problem(source, line, reason))

    def notice(self, source: str, line: int, reason: str) -> None:
        """Records something read in a degraded way (for example bytes that are not UTF-8)."""
        if len(self.notices) < _KEPT_PROBLEMS:
            self.notices.append(Problem(source, line, reason))


def open_binary(name: str) -> BinaryIO:
    """Opens a log for reading bytes: `-` is standard input; gzip is recognised by its magic bytes."""
    raw: BinaryIO = sys.stdin.buffer if name == "-" else Path(name).open("rb")  # noqa: SIM115
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def read_head_whole(name: str, size: int = 65536) -> tuple[bytes, bool]:
    """The first bytes of a (possibly compressed) file, and whether they are the whole file.

    A file whose reading fails (a damaged gzip) is never "whole", so it is not mistaken for an empty one.
    """
    with open_binary(name) as stream:
        try:
            head = stream.read(size)
            return head, len(head) < size and not stream.read(1)
        except (EOFError, OSError, zlib.error):
            return b"", False


Bytes = bytes | bytearray
"""The data of a chunk: bytes, or a bytearray a file was read into (the same methods, never changed)."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Whole lines from a file: `first_line` is the 1-based number of the first line in `data`."""

    first_line: int
    data: Bytes
    lines: int


def count_lines(data: Bytes) -> int:
    """How many newlines `data` holds (NumPy counts a piece of log several times faster than `count`)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 0x0A))


def split_lines(data: Bytes) -> list[bytes]:
    """`data` split at each newline, as bytes."""
    return (bytes(data) if isinstance(data, bytearray) else data).split(b"\n")


def iter_chunks(
    stream: BinaryIO, source: str, report: ReadReport, chunk_bytes: int | None = None
) -> Iterator[Chunk]:
    """Yields chunks of whole lines; a truncated gzip or a read error ends the file with a recorded error.

    A line longer than `MAX_LINE_BYTES` is skipped as a bad line rather than exhausting memory.
    """
    chunk_bytes = chunk_bytes or CHUNK_BYTES
    line_number = 1
    if isinstance(stream, io.BufferedReader) and stream.seekable():
        line_number = yield from _file_chunks(stream, source, report, chunk_bytes)
        if line_number == 0:
            return
    yield from _chunks(stream, source, report, chunk_bytes, line_number)


def _file_chunks(
    stream: io.BufferedReader, source: str, report: ReadReport, chunk_bytes: int
) -> Generator[Chunk, None, int]:
    """Chunks of a file that can seek, each read into a buffer of its own and cut after its last newline
    by stepping the file back to the start of the line cut off: no piece is copied to join it to the
    next. Returns the number of the line to go on from with `_chunks`, where a piece holds no newline
    (a line longer than a chunk) or the last line has none; 0 when the whole file was read."""
    line_number = 1
    while True:
        block = bytearray(chunk_bytes)
        try:
            size = stream.readinto(block)
        except OSError as error:
            report.error(source, line_number, f"read failed: {error}; lines before this one were read")
            return 0
        if not size:
            return 0
        cut = block.rfind(b"\n", 0, size)
        if cut < 0:
            stream.seek(-size, io.SEEK_CUR)
            return line_number
        if cut + 1 < size:
            stream.seek(cut + 1 - size, io.SEEK_CUR)
        del block[cut + 1 :]
        count = count_lines(block)
        yield Chunk(line_number, block, count)
        line_number += count


def _chunks(
    stream: BinaryIO, source: str, report: ReadReport, chunk_bytes: int, line_number: int
) -> Iterator[Chunk]:
    """Chunks of any stream (compressed, piped), from line `line_number` on."""
    pending = b""
    skipping_long = False
    while True:
        try:
            block = _read_block(stream, chunk_bytes)
        except _Truncated as truncated:
            report.error(source, 0, "compressed file is truncated; the lines before the damage were read")
            block = truncated.data
            cut = block.rfind(b"\n")
            whole = pending + block[: cut + 1]
            if whole and not skipping_long:
                yield Chunk(line_number, whole, count_lines(whole))
            return
        except (OSError, zlib.error) as error:
            report.error(source, line_number, f"read failed: {error}; lines before this one were read")
            return
        if not block:
            break
        if skipping_long:
            newline = block.find(b"\n")
            if newline < 0:
                continue
            block = block[newline + 1 :]
            skipping_long = False
            line_number += 1
        cut = block.rfind(b"\n")
        if cut < 0:
            data = pending + block
            if len(data) > MAX_LINE_BYTES:
                report.bad_line(source, line_number, f"line longer than {MAX_LINE_BYTES >> 20} MiB skipped")
                pending = b""
                skipping_long = True
            else:
                pending = data
            continue
        # One copy at most: the block itself when it ends on a newline, else one join through a view.
        whole = (
            block
            if not pending and cut + 1 == len(block)
            else b"".join((pending, memoryview(block)[: cut + 1]))
        )
        pending = block[cut + 1 :]
        count = count_lines(whole)
        yield Chunk(line_number, whole, count)
        line_number += count
    if pending and not skipping_long:
        yield Chunk(line_number, pending + b"\n", 1)


class _Truncated(Exception):
    """A compressed stream ended early; `data` holds what was decompressed before the damage."""

    def __init__(self, data: bytes) -> None:
        super().__init__("truncated")
        self.data = data


def _read_block(stream: BinaryIO, size: int) -> bytes:
    """Reads up to `size` bytes in small steps, so a truncated gzip loses only its last step."""
    read1 = getattr(stream, "read1", None)
    if read1 is None or not isinstance(stream, gzip.GzipFile):
        try:
            return stream.read(size)
        except EOFError as error:
            raise _Truncated(b"") from error
    parts: list[bytes] = []
    total = 0
    while total < size:
        try:
            piece = read1(min(size - total, 1 << 20))
        except EOFError as error:
            raise _Truncated(b"".join(parts)) from error
        if not piece:
            break
        parts.append(piece)
        total += len(piece)
    return b"".join(parts)


def expand_paths(names: list[str]) -> list[str]:
    """Directories expand to the files inside them (sorted, recursively, hidden files left out)."""
    result: list[str] = []
    for name in names:
        path = Path(name)
        if name != "-" and path.is_dir():
            result.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            result.append(name)
    return result
