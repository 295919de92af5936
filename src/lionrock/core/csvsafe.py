"""CSV cells that a spreadsheet shows as text: every CSV Lionrock writes goes through here.

A cell starting with =, +, -, @, a tab or a carriage return is run as a formula by Excel, LibreOffice
and Google Sheets (`=HYPERLINK(...)` in an indicator's name becomes a live link, or worse). Such a cell
is written with a leading apostrophe, which the spreadsheet shows as text and does not run (OWASP's
advice on CSV injection). Numbers pass unchanged; text that does not start so is left exactly as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

__all__ = ["FORMULA_STARTS", "cell_neutralise", "csv_line", "csv_writer"]


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def cell_neutralise(value: Any) -> Any:
    """The cell as a spreadsheet should show it: text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    """csv.writer whose rows are neutralised cell by cell (writerow and writerows, as csv.writer has)."""

    def __init__(self, stream: _Writable, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, cells: Iterable[Any]) -> Any:
        return self._writer.writerow([cell_neutralise(cell) for cell in cells])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for cells in rows:
            self.writerow(cells)


def csv_writer(stream: _Writable, **options: Any) -> _SafeWriter:
    """A CSV writer for a response or file whose every text cell is neutralised."""
    return _SafeWriter(stream, **options)


def csv_line(cells: Iterable[Any]) -> str:
    """One neutralised CSV line ending in a newline, for streamed exports."""
    buffer = io.StringIO()
    csv_writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()
