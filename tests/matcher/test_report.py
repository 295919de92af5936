"""The run's summary of warninglisted indicators, as the report lists them."""

from __future__ import annotations

import random

from lionrock.matcher.counts import MatchReport
from lionrock.matcher.report import suppression_summary, suppressions
from tests.matcher.factories import index_of


def test_the_summary_names_per_list_the_most_hit_indicators_exactly_as_the_full_listing_orders_them() -> None:
    rng = random.Random(7)
    values = [f"198.51.{k // 250}.{k % 250 + 1}" for k in range(600)]
    index = index_of(*values)
    lists = ["resolvers", "cdn", "tranco"]
    flagged = {n: (rng.choice(lists), values[n]) for n in rng.sample(range(600), 300)}
    flagged[599] = ("a list of one", values[599])
    index.flag_warninglisted(flagged)
    matches = MatchReport()
    for number in rng.sample(sorted(flagged), 40):
        matches.suppressed_indicators[number] += rng.choice([1, 1, 2, 3, 7])
    matches.suppressed_indicators[600 + 5] += 0  # a number no list names counts nowhere

    full = suppressions(index, matches)
    summary = suppression_summary(index, matches, 10)

    assert [s.name for s in summary] == [entry.name for entry in full]
    for short, entry in zip(summary, full, strict=True):
        assert (short.count, short.hits) == (len(entry.indicators), entry.hits)
        assert short.top == sorted(entry.indicators, key=lambda item: -item.hits)[:10]


def test_a_run_with_no_warninglisted_indicators_summarises_no_lists() -> None:
    assert suppression_summary(index_of("192.0.2.1"), MatchReport(), 10) == []
