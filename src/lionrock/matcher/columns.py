"""A log column flattened to one value per position, remembering the batch row each position came from.

List columns (several addresses in one event) flatten to one position per element; the fast path and the
slow path both match positions and map hits back to rows through ``rows``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(slots=True)
class Flat:
    """A column flattened to one value per position, with the batch row each position came from."""

    values: pa.Array
    rows: npt.NDArray[np.int64]


def flatten(column: pa.Array) -> Flat:
    """The column's values, one per position; a list column gives one position per element."""
    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        parents = pc.list_parent_indices(column).to_numpy().astype(np.int64)
        return Flat(pc.list_flatten(column), parents)
    return Flat(column, np.arange(len(column), dtype=np.int64))
