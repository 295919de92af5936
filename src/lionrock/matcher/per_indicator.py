"""What the compiled index holds per indicator besides its value: validity stamps and warninglist flags,
both compact (a million indicators in a few megabytes) and storable as plain arrays."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


class Stamps:
    """Validity stamps of every indicator (microseconds), looked up by indicator number.

    Feeds use few distinct times, so the stamps are usually kept as a small table and a one- or two-byte
    code per indicator: 1-2 MB for a million indicators instead of 8, and a run that looks up the
    validity of scattered indicators touches that many fewer pages of the mapped index.
    """

    __slots__ = ("codes", "table")

    def __init__(self, codes: npt.NDArray[Any], table: I64 | None = None) -> None:
        self.codes = codes
        self.table = table

    @classmethod
    def of(cls, stamps: I64) -> Stamps:
        """The compact form of a full array of stamps, where it is smaller."""
        if len(stamps) and int(stamps.min()) == int(stamps.max()):  # one time for all: no sorting
            return cls(np.zeros(len(stamps), dtype=np.uint8), stamps[:1].copy())
        table, codes = np.unique(stamps, return_inverse=True)
        if len(table) <= 1 << 8:
            return cls(codes.astype(np.uint8), table)
        if len(table) <= 1 << 16:
            return cls(codes.astype(np.uint16), table)
        return cls(stamps)

    def __getitem__(self, numbers: I64) -> I64:
        picked: I64 = self.codes[numbers] if self.table is None else self.table[self.codes[numbers]]
        return picked

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def nbytes(self) -> int:
        """Bytes held."""
        return int(self.codes.nbytes + (0 if self.table is None else self.table.nbytes))

    def arrays(self, name: str) -> dict[str, npt.NDArray[Any]]:
        """The arrays to store under `name` (see `from_arrays`)."""
        if self.table is None:
            return {name: self.codes}
        return {f"{name}.codes": self.codes, f"{name}.table": self.table}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, npt.NDArray[Any]], name: str) -> Stamps:
        """What `arrays` stored; raises `ValueError` when a code points outside its table."""
        if name in arrays:
            return cls(arrays[name].astype(np.int64, copy=False))
        codes, table = arrays[f"{name}.codes"], arrays[f"{name}.table"].astype(np.int64, copy=False)
        if codes.dtype not in (np.dtype(np.uint8), np.dtype(np.uint16)):
            raise ValueError(f"{name} codes of type {codes.dtype}")
        size = int(np.iinfo(codes.dtype).max) + 1
        if len(table) > size:
            raise ValueError(f"{name} table larger than its codes can point to")
        # Padded so that any code has an entry, without reading the codes (they stay unread in the file).
        return cls(codes, np.concatenate([table, np.zeros(size - len(table), dtype=np.int64)]))


@dataclass(frozen=True, slots=True)
class Flags:
    """The warninglisted indicators, compactly: their numbers (ascending), for each the list (an index
    into `names`) and the value the list names. A million indicators may have tens of thousands."""

    numbers: npt.NDArray[np.int64]
    lists: npt.NDArray[np.int32]
    names: list[str]
    values: list[str]

    @classmethod
    def of(cls, flags: Mapping[int, tuple[str, str]]) -> Flags:
        """From a mapping of indicator number to (list name, value)."""
        numbers = sorted(flags)
        names = sorted({name for name, _ in flags.values()})
        code = {name: k for k, name in enumerate(names)}
        return cls(
            np.array(numbers, dtype=np.int64),
            np.array([code[flags[n][0]] for n in numbers], dtype=np.int32),
            names,
            [flags[n][1] for n in numbers],
        )

    def name(self, number: int) -> str | None:
        """The list's name for indicator `number`, or None."""
        at = int(np.searchsorted(self.numbers, number))
        if at < len(self.numbers) and int(self.numbers[at]) == number:
            return self.names[int(self.lists[at])]
        return None

    def __len__(self) -> int:
        return len(self.numbers)
