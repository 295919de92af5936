"""`lionrock match --jobs N`: parsing and matching spread over N worker processes, output unchanged.

The main process cuts each log into pieces: for Zeek TSV, segments of raw lines with the header in force
(cutting looks only at header lines, so it is cheap); for every other format, the batches its reader
makes. Workers parse and match the pieces; the compiled index reaches them by `fork`, shared with the
main process rather than copied or sent. Results are taken back strictly in the order of the pieces,
with the counts each piece added, so the hits, their order and the summary are exactly those of
`--jobs 1`. At most two pieces per worker are in flight, so memory stays bounded on any size of log.

On a platform without `fork`, or with `--jobs 1`, matching runs in the main process as before.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from typing import TypeAlias

import pyarrow as pa

from lionrock.matcher import zeek
from lionrock.matcher.counts import MatchReport
from lionrock.matcher.index import CompiledIndex
from lionrock.matcher.matching import HIT_SCHEMA, match_batch
from lionrock.matcher.readers import open_log, read_log
from lionrock.matcher.source import ReadReport

_IN_FLIGHT_PER_JOB = 2

# The index of the run, set before the workers are forked so that they inherit it.
_INDEX: CompiledIndex | None = None
_WARNINGLISTS = True

Piece: TypeAlias = zeek.Segment | pa.RecordBatch
Result: TypeAlias = tuple[pa.Table, ReadReport, MatchReport]


WorkerFailed = BrokenExecutor
"""Raised while matching a log when a worker process stopped (killed, out of memory)."""


def available() -> bool:
    """Whether worker processes can inherit the index here (they need `fork`)."""
    return "fork" in multiprocessing.get_all_start_methods()


def _start_worker(jobs: int) -> None:
    # Arrow's own threads would compete with the other workers for the same cores.
    pa.set_cpu_count(max(1, (os.cpu_count() or 1) // jobs))
    pa.set_io_thread_count(1)


def _work(piece: Piece) -> Result:
    assert _INDEX is not None
    reads, matches = ReadReport(), MatchReport()
    batches = piece.batches(reads) if isinstance(piece, zeek.Segment) else iter((piece,))
    tables = [match_batch(_INDEX, batch, matches, warninglists=_WARNINGLISTS) for batch in batches]
    hits = pa.concat_tables(tables) if tables else HIT_SCHEMA.empty_table()
    return hits, reads, matches


class Workers:
    """A pool of worker processes that match pieces of logs against one compiled index."""

    def __init__(self, index: CompiledIndex, jobs: int, *, warninglists: bool) -> None:
        global _INDEX, _WARNINGLISTS  # inherited by the forked workers
        _INDEX, _WARNINGLISTS = index, warninglists
        self.jobs = jobs
        # An executor, not a multiprocessing.Pool: a worker that dies (killed, out of memory) makes the
        # waiting call raise BrokenProcessPool instead of waiting forever for its result.
        self._pool = ProcessPoolExecutor(
            jobs,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(jobs,),
        )

    def close(self) -> None:
        """Stops the workers; pieces not started yet are dropped."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def match_log(
        self, name: str, reads: ReadReport, matches: MatchReport, fmt: str = "auto"
    ) -> Iterator[pa.Table]:
        """The hit tables of one log, in the order `match_batches(read_log(...))` gives them.

        Reading problems and match counts are added to `reads` and `matches` piece by piece, in order.
        """
        pending: deque[Future[Result]] = deque()
        limit = self.jobs * _IN_FLIGHT_PER_JOB
        for piece in _pieces(name, reads, fmt):
            pending.append(self._pool.submit(_work, piece))
            while len(pending) >= limit:
                yield _take(pending.popleft().result(), reads, matches)
        while pending:
            yield _take(pending.popleft().result(), reads, matches)


def _pieces(name: str, reads: ReadReport, fmt: str) -> Iterator[Piece]:
    opened = open_log(name, reads, fmt)
    if opened is None:
        yield from read_log(name, reads, fmt)
        return
    stream, source = opened
    try:
        yield from zeek.tsv_segments(stream, source, reads)
    finally:
        if name != "-":
            stream.close()


def _take(result: Result, reads: ReadReport, matches: MatchReport) -> pa.Table:
    hits, piece_reads, piece_matches = result
    merge_reads(reads, piece_reads)
    merge_matches(matches, piece_matches)
    return hits


def merge_reads(into: ReadReport, part: ReadReport) -> None:
    """Adds what reading one piece reported, as if it had been read in place."""
    into.events.update(part.events)
    for problem in part.problems:
        into.bad_line(problem.source, problem.line, problem.reason)
    into.bad_lines += part.bad_lines - len(part.problems)
    for notice in part.notices:
        into.notice(notice.source, notice.line, notice.reason)
    into.errors.extend(part.errors)
    into.files += part.files


def merge_matches(into: MatchReport, part: MatchReport) -> None:
    """Adds what matching one piece counted."""
    into.events += part.events
    into.hits.update(part.hits)
    into.suppressed.update(part.suppressed)
    into.suppressed_indicators.update(part.suppressed_indicators)
    into.outside_validity += part.outside_validity
    into.slow_candidates += part.slow_candidates
    into.slow_hits += part.slow_hits
