"""The indicators of a run: read from their sources (or the compiled-index cache), compiled, screened.

A source is a file, a directory of files or a TAXII collection URL. A source that holds no indicators is
skipped and listed; one that cannot be read at all stops the run (`None`), since matching without
indicators that were meant to be used would report a false all-clear. Files (not TAXII collections) are
cached as a compiled index keyed by their content, see `lionrock.matcher.cache`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from lionrock.matcher import cache, taxii
from lionrock.matcher.index import CompiledIndex, compile_indicators
from lionrock.matcher.indicators import IndicatorCollection, NotIndicators, load_path
from lionrock.matcher.per_indicator import Flags
from lionrock.matcher.source import Problem, expand_paths


@dataclass(slots=True)
class Prepared:
    """A run's compiled index, the sources skipped because they hold no indicators, the objects of other
    types the sources held (counted by type), and whether the index came from the cache."""

    index: CompiledIndex
    skipped: list[Problem] = field(default_factory=list)
    other_objects: dict[str, int] = field(default_factory=dict)
    cached: bool = False


def _names(sources: list[str]) -> list[tuple[str, bool]]:
    """Each source as (name, is a TAXII URL); directories expanded to their files."""
    names: list[tuple[str, bool]] = []
    for source in sources:
        if taxii.is_collection_url(source):
            names.append((source, True))
        else:
            names.extend((name, False) for name in expand_paths([source]))
    return names


def _read(names: list[tuple[str, bool]], err: IO[str]) -> tuple[IndicatorCollection, list[Problem]] | None:
    merged = IndicatorCollection()
    skipped: list[Problem] = []
    for name, url in names:
        try:
            collection = taxii.fetch(name) if url else load_path(Path(name))
        except NotIndicators as error:
            skipped.append(Problem(name, 0, str(error)))
            continue
        except (OSError, ValueError, RuntimeError) as error:
            print(f"lionrock match: cannot load indicators from {name}: {error}", file=err)
            return None
        except Exception as error:  # noqa: BLE001 - TAXII client errors come in many types
            print(f"lionrock match: cannot load indicators from {name}: {error}", file=err)
            return None
        if len(names) == 1:
            merged = collection  # one source: nothing to renumber, so no copy of a million entries
        else:
            merged.extend(collection)
    return merged, skipped


def prepare(
    sources: list[str], *, cache_dir: Path | None, screen_warninglists: bool, err: IO[str]
) -> Prepared | None:
    """The compiled (and warninglist-screened) indicators of `sources`; `None` if one is unreadable."""
    names = _names(sources)
    key: str | None = None
    prepared: Prepared | None = None
    if cache_dir is not None and not any(url for _, url in names):
        try:
            key = cache.sources_key([Path(name) for name, _ in names], cache_dir)
        except OSError:
            key = None  # reading the sources below says which one and why
        hit = cache.load(cache_dir, key) if key else None
        if hit is not None:
            prepared = Prepared(
                hit.index,
                [Problem(str(s), 0, str(r)) for s, r in hit.extra.get("skipped", [])],
                {str(k): int(v) for k, v in hit.extra.get("other_objects", {}).items()},
                cached=True,
            )
    if prepared is None:
        read = _read(names, err)
        if read is None:
            return None
        collection, skipped = read
        prepared = Prepared(compile_indicators(collection), skipped, dict(collection.other_objects))
        del collection, read  # the parsed values are no longer needed once compiled
        if key is not None and cache_dir is not None:
            extra: dict[str, Any] = {
                "skipped": [[p.source, p.reason] for p in prepared.skipped],
                "other_objects": prepared.other_objects,
            }
            cache.store(cache_dir, key, prepared.index, extra)
    if screen_warninglists and len(prepared.index):
        prepared.index.flag_warninglisted(_flags(prepared.index, cache_dir, key))
    return prepared


def _flags(index: CompiledIndex, cache_dir: Path | None, key: str | None) -> Flags:
    from lionrock.matcher import warninglists

    lists_key = warninglists.current_key()
    if cache_dir is not None and key is not None:
        stored = cache.load_flags(cache_dir, key, lists_key)
        if stored is not None:
            return stored
    flags = Flags.of(warninglists.screen(index, cache_dir))
    if cache_dir is not None and key is not None:
        cache.store_flags(cache_dir, key, lists_key, flags)
    return flags
