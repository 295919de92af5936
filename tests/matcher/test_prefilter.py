"""Slow-path patterns are evaluated only on the events that could match them, and never miss one."""

from __future__ import annotations

import pytest

from lionrock.matcher import match_batch
from lionrock.matcher.counts import MatchReport
from lionrock.matcher.prefilter import regex_literal, requirement

from .factories import batch, index_of_patterns, stix_indicator


@pytest.mark.parametrize(
    ("expression", "literal"),
    [
        ("^http://evil\\.example/", "http://evil.example/"),
        ("^login-.*\\.com$", "login-"),
        ("paypal.*\\.(ru|cn)$", "paypal"),
        ("^abcd?ef", "abc"),
        ("^[a-z]{12,}\\.top$", ".top"),
        ("evil|good", None),
        ("\\x41bc", None),
    ],
)
def test_the_literal_every_match_must_contain_is_found_or_none_is_claimed(
    expression: str, literal: str | None
) -> None:
    assert regex_literal(expression) == literal


def test_an_or_keeps_every_alternative_and_an_and_the_most_selective_one() -> None:
    either = requirement("[domain-name:value = 'a.example' OR domain-name:value LIKE '%.duckdns.org']")
    assert either is not None
    assert either.values == (("domain", "a.example"),)
    assert [text for _, text in either.substrings] == [".duckdns.org"]
    both = requirement("[domain-name:value = 'a.example' AND domain-name:value LIKE '%.duckdns.org']")
    assert both is not None and both.values and not both.substrings
    assert requirement("[domain-name:value = 'a.example' OR domain-name:value != 'b.example']") is None


def run(pattern: str, names: list[str]) -> tuple[list[int], MatchReport]:
    report = MatchReport()
    table = match_batch(
        index_of_patterns(stix_indicator(pattern)), batch({"query": ("domain", names)}), report
    )
    return table.column("line").to_pylist(), report


def test_a_like_pattern_is_evaluated_only_on_names_holding_its_literal() -> None:
    lines, report = run(
        "[domain-name:value LIKE '%.duckdns.org']", ["x.DuckDNS.org", "good.example", "a.org"]
    )
    assert lines == [1]
    assert report.slow_candidates == 1


def test_an_expression_is_tested_on_names_as_the_evaluator_sees_them() -> None:
    names = ["ABCDEFGHIJKLMN.TOP.", "short.top", "abcdefghijklmn.top.example"]
    lines, report = run("[domain-name:value MATCHES '^[a-z]{12,}\\\\.(top|xyz)$']", names)
    assert lines == [1]
    assert report.slow_candidates == 1


def test_a_value_and_an_expression_in_one_or_both_find_their_events() -> None:
    pattern = "[domain-name:value = 'a.example' OR domain-name:value MATCHES '^dga[0-9]+\\\\.example$']"
    lines, report = run(pattern, ["a.example", "dga42.example", "good.test"])
    assert lines == [1, 2]
    assert report.slow_candidates == 2


def test_names_the_tests_cannot_judge_are_still_evaluated() -> None:
    lines, _ = run("[domain-name:value LIKE 'xn--%']", ["bücher.example", "plain.example"])
    assert lines == [1]
