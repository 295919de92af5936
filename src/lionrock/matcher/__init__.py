"""Finds shared indicators in stakeholders' logs: pure Python and Arrow, no Django.

Load indicators (`load_indicators`), compile them (`compile_indicators`), read logs into normalised Arrow
batches (`read_log`) and match any iterator of such batches (`match_batches`); hits come back as Arrow
tables that `write_jsonl` and `sightings_bundle` turn into output.
"""

from lionrock.matcher.batches import Column, make_batch
from lionrock.matcher.index import CompiledIndex, compile_indicators
from lionrock.matcher.indicators import IndicatorCollection, load_path, load_text
from lionrock.matcher.matching import HIT_SCHEMA, MatchReport, match_batch, match_batches
from lionrock.matcher.output import SightingTally, sightings_bundle, write_jsonl
from lionrock.matcher.readers import UnknownFormat, detect, read_log
from lionrock.matcher.refang import refang
from lionrock.matcher.source import ReadReport

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
