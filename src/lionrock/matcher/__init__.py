"""Finds shared indicators in stakeholders' logs: pure Python and Arrow, no Django.

Load indicators (`load_indicators`), compile them (`compile_indicators`), read logs into normalised Arrow
batches (`read_log`) and match any iterator of such batches (`match_batches`); hits come back as Arrow
tables that `write_jsonl` and `sightings_bundle` turn into output.

Nothing heavy is imported with the package itself: the web server reads `lionrock.matcher.patterns`
for every indicator it stores, and should not carry Arrow and NumPy in every process for that. The names
below are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lionrock.matcher.batches import Column, make_batch
    from lionrock.matcher.counts import MatchReport
    from lionrock.matcher.index import CompiledIndex, compile_indicators
    from lionrock.matcher.indicators import IndicatorCollection, load_path, load_text
    from lionrock.matcher.matching import HIT_SCHEMA, match_batch, match_batches
    from lionrock.matcher.output import SightingTally, sightings_bundle, write_jsonl
    from lionrock.matcher.readers import UnknownFormat, detect, read_log
    from lionrock.matcher.refang import refang
    from lionrock.matcher.source import ReadReport

_HOMES = {
    "Column": "batches",
    "make_batch": "batches",
    "CompiledIndex": "index",
    "compile_indicators": "index",
    "IndicatorCollection": "indicators",
    "load_path": "indicators",
    "load_indicators": "indicators",
    "load_text": "indicators",
    "HIT_SCHEMA": "matching",
    "MatchReport": "counts",
    "match_batch": "matching",
    "match_batches": "matching",
    "SightingTally": "output",
    "sightings_bundle": "output",
    "write_jsonl": "output",
    "UnknownFormat": "readers",
    "detect": "readers",
    "read_log": "readers",
    "refang": "refang",
    "ReadReport": "source",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{home}")
    value = getattr(module, "load_path" if name == "load_indicators" else name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    load_indicators = load_path


__all__ = [
    "HIT_SCHEMA",
    "Column",
    "CompiledIndex",
    "IndicatorCollection",
    "MatchReport",
    "ReadReport",
    "SightingTally",
    "UnknownFormat",
    "compile_indicators",
    "detect",
    "load_indicators",
    "load_text",
    "make_batch",
    "match_batch",
    "match_batches",
    "read_log",
    "refang",
    "sightings_bundle",
    "write_jsonl",
]
