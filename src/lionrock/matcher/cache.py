"""The compiled-index cache: indicators parsed and compiled once, reused while they have not changed.

Loading a million indicators means parsing hundreds of megabytes of JSON and a million patterns; the
compiled index they become is a few flat arrays. So the index is stored in the cache directory under a
key made of the content of every indicator file (and their names, and the matcher's own code), and a
later run over the same files maps the arrays back from that file instead (only the pages a run uses
are read). Any change to a file, or to the matcher,
gives another key; a damaged or unreadable cache file is ignored and rebuilt, never trusted. The
warninglist flags of an index are kept beside it, keyed by the installed lists as well.

The directory is `--cache-dir`, else `$LIONROCK_MATCH_CACHE`, else `$XDG_CACHE_HOME/lionrock/match`
(`~/.cache/lionrock/match`). The newest few indexes are kept, older ones removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mmap
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from lionrock.matcher.index import CompiledIndex
from lionrock.matcher.per_indicator import Flags

FORMAT = "2"
_MAGIC = b"LIONROCK-MATCH-INDEX\n"
_SUFFIX = ".idx"
_ALIGN = 64
KEEP = 3
_ENVIRONMENT = "LIONROCK_MATCH_CACHE"
_READ_BYTES = 8 << 20
_DIGESTS = "digests.json"
_DIGESTS_KEPT = 1000
_SETTLED_NS = 1_000_000_000


def default_directory() -> Path:
    """`$LIONROCK_MATCH_CACHE`, else the user's cache directory (`$XDG_CACHE_HOME` or ~/.cache)."""
    explicit = os.environ.get(_ENVIRONMENT)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lionrock" / "match"


def _code_digest() -> bytes:
    """The matcher's own source: a new version may read indicators differently, so it gets new keys."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def sources_key(files: list[Path], directory: Path | None = None) -> str:
    """The cache key of an index compiled from these files, in this order (raises `OSError` if one
    cannot be read).

    Each file counts by its content. Hashing hundreds of megabytes costs about a second, so with a cache
    `directory` the digest of each file is remembered beside its size, inode, and modification and
    change times, and a file whose facts are all unchanged is not read again (as git and make decide).
    The change time cannot be set back by hand; a file changed within a second of being remembered is
    not remembered (its times may not yet tell two writes apart), so it is read again next time.
    """
    remembered = _read_digests(directory) if directory is not None else {}
    fresh: dict[str, list[int | str]] = {}
    digest = hashlib.blake2b(FORMAT.encode() + _code_digest(), digest_size=20)
    for path in files:
        name = str(path.resolve())
        facts = _stat_facts(path)
        known = remembered.get(name)
        unchanged = known is not None and known[:-1] == facts
        content = str(known[-1]) if known is not None and unchanged else _content_digest(path)
        if max(int(facts[2]), int(facts[3])) < time.time_ns() - _SETTLED_NS:
            fresh[name] = [*facts, content]
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0" + content.encode() + b"\0")
    if directory is not None and any(remembered.get(name) != entry for name, entry in fresh.items()):
        _write_digests(directory, {**remembered, **fresh})
    return digest.hexdigest()


def _stat_facts(path: Path) -> list[int | str]:
    facts = path.stat()
    return [facts.st_size, facts.st_ino, facts.st_mtime_ns, facts.st_ctime_ns, facts.st_dev]


def _content_digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    with path.open("rb") as stream:
        while block := stream.read(_READ_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _read_digests(directory: Path) -> dict[str, list[int | str]]:
    try:
        document = json.loads((directory / _DIGESTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {str(k): v for k, v in document.items() if isinstance(v, list) and len(v) == 6}


def _write_digests(directory: Path, digests: dict[str, list[int | str]]) -> None:
    if len(digests) > _DIGESTS_KEPT:
        digests = dict(list(digests.items())[-_DIGESTS_KEPT:])
    try:
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, scratch = tempfile.mkstemp(prefix=".digests-", suffix=".json", dir=directory)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(digests, stream)
        Path(scratch).replace(directory / _DIGESTS)
    except OSError:
        return


@dataclass(frozen=True, slots=True)
class Cached:
    """An index read from the cache, with what the loading of its sources reported."""

    index: CompiledIndex
    extra: dict[str, Any]


def load(directory: Path, key: str) -> Cached | None:
    """The index stored under `key`, or `None` when there is none or it cannot be trusted.

    The arrays are mapped from the file, not read: a run touches only the pages it uses (the values its
    logs can hold, and the ids and validity of the indicators that hit), so memory stays with the log.
    """
    path = directory / f"index-{key}{_SUFFIX}"
    if not path.is_file():
        return None
    try:
        arrays, facts = _map(path)
        if facts.get("key") != key:
            raise ValueError("stored under another key")
        index = CompiledIndex.restore(arrays, facts["index"])
        extra = facts.get("extra", {})
    except Exception:  # noqa: BLE001 - a damaged cache file is dropped and rebuilt, never trusted
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used, for eviction
    return Cached(index, extra if isinstance(extra, dict) else {})


def _map(path: Path) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any]]:
    """The arrays and facts of a stored index, the arrays as read-only views of the mapped file.

    Layout: `_MAGIC`, the length of a JSON header (8 bytes, little-endian), the header (facts, and per
    array its dtype, shape and offset), then each array at a 64-byte aligned offset. Any array that would
    reach past the end of the file makes the whole file untrusted (`ValueError`).
    """
    with path.open("rb") as stream:
        mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mmap, "MADV_RANDOM"):
        # Hits touch the ids and validity of scattered indicators: read ahead, each would map in its
        # neighbours' pages too.
        mapped.madvise(mmap.MADV_RANDOM)
    size = len(mapped)
    if mapped[: len(_MAGIC)] != _MAGIC:
        raise ValueError("not a compiled index")
    length = int.from_bytes(mapped[len(_MAGIC) : len(_MAGIC) + 8], "little")
    start = len(_MAGIC) + 8
    if start + length > size:
        raise ValueError("header cut")
    header = json.loads(bytes(mapped[start : start + length]).decode("utf-8"))
    arrays: dict[str, npt.NDArray[Any]] = {}
    for name, dtype_text, shape, offset in header.pop("arrays"):
        dtype = np.dtype(dtype_text)
        count = int(np.prod(shape)) if shape else 1
        if dtype.hasobject or offset < start + length or offset + count * dtype.itemsize > size:
            raise ValueError(f"array {name} out of bounds")
        arrays[name] = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset).reshape(shape)
    return arrays, header


def store(directory: Path, key: str, index: CompiledIndex, extra: dict[str, Any]) -> None:
    """Stores an index under `key` (written aside, then moved into place); the oldest beyond `KEEP` go.

    A cache that cannot be written is not an error: the next run compiles again.
    """
    arrays, facts = index.snapshot()
    layout: list[list[Any]] = []
    offset = 0
    for name, array in arrays.items():
        layout.append([name, array.dtype.str, list(array.shape), offset])
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    document = {"key": key, "index": facts, "extra": extra, "arrays": layout}
    header = json.dumps(document).encode("utf-8")
    # The offsets above are relative to the data; the header's own length moves them all by one amount.
    base = -(-(len(_MAGIC) + 8 + len(header) + 64 + 24 * len(layout)) // _ALIGN) * _ALIGN
    for entry in layout:
        entry[3] += base
    header = json.dumps(document).encode("utf-8")
    assert len(_MAGIC) + 8 + len(header) <= base, "header grew past its room"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, scratch = tempfile.mkstemp(prefix=".index-", suffix=_SUFFIX, dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(_MAGIC + len(header).to_bytes(8, "little") + header)
                for (_, _, _, at), array in zip(layout, arrays.values(), strict=True):
                    stream.write(b"\0" * (at - stream.tell()))
                    stream.write(np.ascontiguousarray(array).tobytes())
            Path(scratch).replace(directory / f"index-{key}{_SUFFIX}")
        finally:
            Path(scratch).unlink(missing_ok=True)
        _evict(directory)
    except OSError:
        return


def _evict(directory: Path) -> None:
    stored = sorted(
        (p for p in directory.glob("index-*") if p.suffix in (_SUFFIX, ".npz")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in stored[KEEP:] + [p for p in stored if p.suffix != _SUFFIX]:
        stale.unlink(missing_ok=True)
        for flags in directory.glob(f"{stale.stem}.flags-*.json"):
            flags.unlink(missing_ok=True)


def load_flags(directory: Path, key: str, lists_key: str) -> Flags | None:
    """The warninglist flags stored for an index under these lists, or `None`."""
    path = directory / f"index-{key}.flags-{lists_key}.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        numbers = np.array(document["numbers"], dtype=np.int64)
        lists = np.array(document["lists"], dtype=np.int32)
        names = [str(name) for name in document["names"]]
        values = [str(value) for value in document["values"]]
        if not len(numbers) == len(lists) == len(values) or bool(np.any(np.diff(numbers) <= 0)):
            return None
        if len(lists) and (int(lists.min()) < 0 or int(lists.max()) >= len(names)):
            return None
        return Flags(numbers, lists, names, values)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def store_flags(directory: Path, key: str, lists_key: str, flags: Flags) -> None:
    """Keeps the warninglist flags of an index beside it (written aside, then moved into place)."""
    path = directory / f"index-{key}.flags-{lists_key}.json"
    document = {
        "numbers": flags.numbers.tolist(),
        "lists": flags.lists.tolist(),
        "names": flags.names,
        "values": flags.values,
    }
    try:
        for stale in directory.glob(f"index-{key}.flags-*.json"):
            stale.unlink(missing_ok=True)
        descriptor, scratch = tempfile.mkstemp(prefix=".flags-", suffix=".json", dir=directory)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(document, stream)
        Path(scratch).replace(path)
    except OSError:
        return
