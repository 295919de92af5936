"""An exact semi-join of a Zeek TSV log's columns against a plain list of values, with Polars or DuckDB.

The comparison cli_bench.py runs beside `lionrock match`: the same plain indicator list and the same log,
read by the engine in a fresh process; a row is counted when one of the named columns equals one of the
values exactly (no CIDR, no subdomains, no case or IPv6 forms, no validity: the matcher's semantics are
more than this, so this is a lower bound on what the work costs). Prints the count of matching rows last
on stderr.

With `--write`, the matching rows are written to standard output as JSON lines (`ts` and the named
columns), as the matcher writes its hits, instead of only being counted: the same output work.

Usage: python benchmarks/matcher/semijoin.py [--write] polars|duckdb VALUES.txt LOG COLUMN [COLUMN ...]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def _header(log: Path) -> tuple[list[str], int]:
    """The log's field names and the number of header lines before the first row."""
    fields: list[str] = []
    with log.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream):
            if line.startswith("#fields\t"):
                fields = line.rstrip("\n").split("\t")[1:]
            elif not line.startswith("#"):
                return fields, number
    return fields, 0


def _polars_scans(values: Path, log: Path, selected: list[str]) -> tuple[Any, Any]:
    """The indicator values and the log's `selected` columns (as text, numbered by row), both lazy."""
    import polars as pl

    fields, _ = _header(log)
    wanted = pl.scan_csv(values, has_header=False, new_columns=["value"], quote_char=None).select("value")
    frame = pl.scan_csv(
        log,
        separator="\t",
        comment_prefix="#",
        has_header=False,
        new_columns=fields,
        schema_overrides={name: pl.String for name in fields},
        quote_char=None,
    ).select(selected)
    return wanted, frame.with_row_index("row")


def polars_rows(values: Path, log: Path, columns: list[str]) -> int:
    import polars as pl

    wanted, frame = _polars_scans(values, log, columns)
    matched = pl.concat(
        [frame.join(wanted, left_on=name, right_on="value", how="semi").select("row") for name in columns]
    )
    return int(matched.unique().select(pl.len()).collect().item())


def polars_write(values: Path, log: Path, columns: list[str]) -> int:
    """The rows where any of `columns` equals a value, written as JSON lines (`ts` and the columns)."""
    import polars as pl

    wanted, frame = _polars_scans(values, log, ["ts", *columns])
    matched = (
        pl.concat([frame.join(wanted, left_on=name, right_on="value", how="semi") for name in columns])
        .unique("row")
        .sort("row")
        .drop("row")
        .collect()
    )
    matched.write_ndjson(sys.stdout.buffer)
    return matched.height


def duckdb_write(values: Path, log: Path, columns: list[str]) -> int:
    """As `polars_write`, with DuckDB: the rows written to standard output as JSON lines."""
    import duckdb

    fields, skip = _header(log)
    spec = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in fields) + "}"
    connection = duckdb.connect()
    wanted = f"SELECT value FROM read_csv('{values}', header=false, columns={{'value': 'VARCHAR'}}, quote='', escape='', delim='\\t')"  # noqa: E501, S608
    connection.execute(f"CREATE TABLE wanted AS {wanted}")
    where = " OR ".join(f'"{name}" IN (SELECT value FROM wanted)' for name in columns)  # noqa: S608
    picked = ", ".join(f'"{name}"' for name in ["ts", *columns])
    rows = f"SELECT {picked} FROM read_csv('{log}', delim='\\t', header=false, skip={skip}, comment='#', quote='', escape='', columns={spec}) WHERE {where}"  # noqa: E501, S608
    sys.stdout.flush()
    written = connection.execute(f"COPY ({rows}) TO '/dev/stdout' (FORMAT JSON)").fetchone()
    return int(written[0]) if written else 0


def duckdb_rows(values: Path, log: Path, columns: list[str]) -> int:
    import duckdb

    # Names come from the command line and the log's own header: a benchmark over its own files.

    fields, skip = _header(log)
    spec = "{" + ", ".join(f"'{name}': 'VARCHAR'" for name in fields) + "}"
    connection = duckdb.connect()
    wanted = f"SELECT value FROM read_csv('{values}', header=false, columns={{'value': 'VARCHAR'}}, quote='', escape='', delim='\\t')"  # noqa: E501, S608
    connection.execute(f"CREATE TABLE wanted AS {wanted}")
    where = " OR ".join(f'"{name}" IN (SELECT value FROM wanted)' for name in columns)  # noqa: S608
    rows = f"SELECT count(*) FROM read_csv('{log}', delim='\\t', header=false, skip={skip}, comment='#', quote='', escape='', columns={spec}) WHERE {where}"  # noqa: E501, S608
    row = connection.execute(rows).fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    arguments = sys.argv[1:]
    write = arguments[:1] == ["--write"]
    engine, values, log, *columns = arguments[1:] if write else arguments
    if write:
        count = (polars_write if engine == "polars" else duckdb_write)(Path(values), Path(log), columns)
    else:
        count = (polars_rows if engine == "polars" else duckdb_rows)(Path(values), Path(log), columns)
    print(count, file=sys.stderr)


if __name__ == "__main__":
    main()
