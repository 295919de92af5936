"""Small builders for matcher tests: indicators, batches and log files made in the test, never copied."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from lionrock.matcher import Column, compile_indicators, load_text, make_batch
from lionrock.matcher.index import CompiledIndex

T0 = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z in microseconds


def stix_indicator(pattern: str, **extra: Any) -> dict[str, Any]:
    """One STIX 2.1 indicator object around a pattern."""
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": "2023-01-01T00:00:00Z",
        "modified": "2023-01-01T00:00:00Z",
        "pattern": pattern,
        "pattern_type": "stix",
        "valid_from": "2023-01-01T00:00:00Z",
    }
    obj.update(extra)
    return obj


def bundle(*objects: dict[str, Any]) -> str:
    """A STIX bundle as JSON text."""
    return json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)})


def index_of(*values: str) -> CompiledIndex:
    """An index over a plain list of values."""
    return compile_indicators(load_text("\n".join(values) + "\n", "test-list"))


def index_of_patterns(*objects: dict[str, Any]) -> CompiledIndex:
    """An index over STIX indicator objects."""
    return compile_indicators(load_text(bundle(*objects), "test-bundle"))


def batch(
    columns: dict[str, tuple[str, list[Any]] | tuple[str, list[Any], str]], times: list[int] | None = None
) -> Any:
    """A normalised batch from {name: (role, values[, paired address column])}."""
    size = len(next(iter(columns.values()))[1])
    built = {
        name: Column(spec[0], spec[1], spec[2] if len(spec) > 2 else None) for name, spec in columns.items()
    }
    return make_batch(
        source="test.log",
        fmt="test",
        times=times if times is not None else [T0] * size,
        lines=list(range(1, size + 1)),
        columns=built,
    )


ZEEK_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t{path}\n"
    "#fields\t{fields}\n#types\t{types}\n"
)


def zeek_log(path: Path, log_path: str, fields: list[str], rows: list[list[str]], close: bool = True) -> Path:
    """Writes a Zeek TSV log; header lines are 7, so row i (0-based) is on line 8 + i."""
    text = ZEEK_HEADER.format(
        path=log_path, fields="\t".join(fields), types="\t".join("string" for _ in fields)
    )
    text += "".join("\t".join(row) + "\n" for row in rows)
    if close:
        text += "#close\t2024-01-01-00-00-00\n"
    path.write_text(text)
    return path
