"""An exact semi-join of a Zeek TSV log's value columns against a plain list of values, with Polars or DuckDB.

The comparison cli_bench.py runs beside `lionrock match`: the same plain indicator list and the same log,
read by the engine in a fresh process. A row counts when one of the named columns equals one of the
values exactly, or, for a column named `NAME:set` (a Zeek set or vector such as dns `answers`), when any
element of it does, the cell split on the log's `#set_separator`. Zeek's unset (`-`) and empty
(`(empty)`) cells are nulls and match nothing, as the matcher reads them. Each row counts once, however
many of its values match.

What it does not do: no subdomains, no CIDR blocks, no case, trailing-dot or IPv6 forms, no URL
normalisation, no validity or warninglists. The matcher does all of these on the same columns, so this is
a lower bound on what the work costs.

Each engine does it the way it runs it fastest while staying exact. Polars: the log scanned once and
numbered by row, one semi-join per column (a set column split and exploded first), the row numbers of all
of them made unique (to write the rows, those numbers taken from the scan). DuckDB: a row kept when a
plain column is `IN` the values; with a set column, the log read once, numbered by row and kept for the
query, and a row also kept when its number is among those of its unnested elements found in the values.
Prints the count of matching rows last on stderr.

With `--write`, the matching rows are written to standard output as JSON lines (`ts` and the named
columns, a set as its cell's text), as the matcher writes its hits, instead of only being counted: the
same output work. Polars writes them in the log's order, and so does DuckDB when it has numbered the rows
(a log with a set column); on a log without one (conn) DuckDB writes them in the order its parallel scan
finds them.

Usage: python benchmarks/matcher/semijoin.py [--write] polars|duckdb VALUES.txt LOG COLUMN[:set] [...]
"""

# The SQL is assembled from column names given on the command line and read from the log's own header:
# a benchmark over its own files, not a query built from untrusted input.
# ruff: noqa: S608

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class _Log:
    """What the Zeek header says about the data lines after it."""

    fields: list[str] = field(default_factory=list)
    set_separator: str = ","
    nulls: list[str] = field(default_factory=lambda: ["-", "(empty)"])


@dataclass(frozen=True)
class _Column:
    name: str
    is_set: bool

    @classmethod
    def parse(cls, text: str) -> _Column:
        name, _, kind = text.partition(":")
        return cls(name, kind == "set")


def _header(log: Path) -> _Log:
    """The log's field names, set separator and null markers, from the header before the first row."""
    found = _Log()
    unset, empty = "-", "(empty)"
    with log.open(encoding="utf-8") as stream:
        for line in stream:
            if not line.startswith("#"):
                break
            key, _, rest = line.rstrip("\n").partition("\t")
            if key == "#fields":
                found.fields = rest.split("\t")
            elif key == "#set_separator":
                found.set_separator = rest
            elif key == "#unset_field":
                unset = rest
            elif key == "#empty_field":
                empty = rest
    found.nulls = [unset, empty]
    return found


def _polars_scans(values: Path, log: Path, selected: list[str]) -> tuple[Any, Any, _Log]:
    """The indicator values and the log's `selected` columns (as text, numbered by row), both lazy."""
    import polars as pl

    header = _header(log)
    wanted = (
        pl.scan_csv(values, has_header=False, new_columns=["value"], separator="\t", quote_char=None)
        .select("value")
        .filter(pl.col("value").str.len_bytes() > 0)
    )
    frame = pl.scan_csv(
        log,
        separator="\t",
        comment_prefix="#",
        has_header=False,
        new_columns=header.fields,
        schema_overrides={name: pl.String for name in header.fields},
        null_values=header.nulls,
        quote_char=None,
    ).select(selected)
    return wanted, frame.with_row_index("row"), header


def _polars_matched_rows(wanted: Any, frame: Any, columns: list[_Column], separator: str) -> Any:
    """The numbers of the rows where a column, or an element of a set column (split and exploded),
    equals a value, each row once; lazy."""
    import polars as pl

    parts = []
    for column in columns:
        cells = frame.select("row", column.name)
        if column.is_set:
            split = pl.col(column.name).str.split(separator)
            cells = cells.with_columns(split).explode(column.name, empty_as_null=True)
        parts.append(cells.join(wanted, left_on=column.name, right_on="value", how="semi").select("row"))
    return pl.concat(parts).unique()


def polars_rows(values: Path, log: Path, columns: list[_Column]) -> int:
    import polars as pl

    wanted, frame, header = _polars_scans(values, log, [column.name for column in columns])
    matched = _polars_matched_rows(wanted, frame, columns, header.set_separator)
    return int(matched.select(pl.len()).collect().item())


def polars_write(values: Path, log: Path, columns: list[_Column]) -> int:
    """The rows where any of `columns` matches, written as JSON lines (`ts` and the columns)."""
    wanted, frame, header = _polars_scans(values, log, ["ts", *[column.name for column in columns]])
    rows = _polars_matched_rows(wanted, frame, columns, header.set_separator)
    # The matching rows taken whole from the one scan of the log by their number: cheaper than carrying
    # every column through the exploded answers (0.07 against 0.08 CPU s at 200,000 dns lines).
    written = frame.join(rows, on="row", how="semi").sort("row").drop("row").collect()
    written.write_ndjson(sys.stdout.buffer)
    return int(written.height)


def _duckdb_query(values: Path, log: Path, columns: list[_Column], shown: list[str]) -> tuple[Any, str]:
    """A connection holding the values, and the query of the log's matching rows: their `shown`
    columns, or their count when `shown` is empty."""
    import duckdb

    header = _header(log)
    spec = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in header.fields) + "}"
    nulls = "[" + ", ".join(f"'{marker}'" for marker in header.nulls) + "]"
    connection = duckdb.connect()
    wanted = f"SELECT value FROM read_csv('{values}', header=false, columns={{'value': 'VARCHAR'}}, quote='', escape='', delim='\\t') WHERE value <> ''"  # noqa: E501
    connection.execute(f"CREATE TABLE wanted AS {wanted}")
    source = f"read_csv('{log}', delim='\\t', header=false, comment='#', auto_detect=false, quote='', escape='', columns={spec}, nullstr={nulls})"  # noqa: E501
    quoted = ", ".join(f'"{name}"' for name in shown)
    picked = f"SELECT {quoted}" if shown else "SELECT count(*)"
    tests = [f'"{column.name}" IN (SELECT value FROM wanted)' for column in columns if not column.is_set]
    sets = [column.name for column in columns if column.is_set]
    if not sets:  # each row tested on its own columns: no need to number them
        return connection, f"{picked} FROM {source} WHERE {' OR '.join(tests)}"
    # The log read once, numbered by row and kept; a row matches on a set column when its number is
    # among those of the unnested elements found in the values.
    separator = header.set_separator.replace("'", "''")
    for name in sets:
        elements = f"SELECT row, unnest(string_split(\"{name}\", '{separator}')) AS element FROM log"
        tests.append(f"row IN (SELECT row FROM ({elements}) WHERE element IN (SELECT value FROM wanted))")
    kept = ", ".join(f'"{name}"' for name in dict.fromkeys([*shown, *(c.name for c in columns)]))
    return connection, (
        f"WITH log AS MATERIALIZED (SELECT row_number() OVER () AS row, {kept} FROM {source}) "
        f"{picked} FROM log WHERE {' OR '.join(tests)}" + (" ORDER BY row" if shown else "")
    )


def duckdb_rows(values: Path, log: Path, columns: list[_Column]) -> int:
    connection, query = _duckdb_query(values, log, columns, [])
    row = connection.execute(query).fetchone()
    return int(row[0]) if row else 0


def duckdb_write(values: Path, log: Path, columns: list[_Column]) -> int:
    """As `polars_write`, with DuckDB: the rows written to standard output as JSON lines."""
    connection, query = _duckdb_query(values, log, columns, ["ts", *[column.name for column in columns]])
    sys.stdout.flush()
    written = connection.execute(f"COPY ({query}) TO '/dev/stdout' (FORMAT JSON)").fetchone()
    return int(written[0]) if written else 0


def main() -> None:
    arguments = sys.argv[1:]
    write = arguments[:1] == ["--write"]
    engine, values, log, *names = arguments[1:] if write else arguments
    columns = [_Column.parse(name) for name in names]
    if write:
        count = (polars_write if engine == "polars" else duckdb_write)(Path(values), Path(log), columns)
    else:
        count = (polars_rows if engine == "polars" else duckdb_rows)(Path(values), Path(log), columns)
    print(count, file=sys.stderr)


if __name__ == "__main__":
    main()
