"""Matching semantics: the hits a stakeholder can trust, and the near misses it must never see."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from lionrock.matcher import match_batch, match_batches
from lionrock.matcher.counts import MatchReport
from lionrock.matcher.matching import HIT_SCHEMA

from .factories import T0, batch, index_of, index_of_patterns, stix_indicator


def hits(index: Any, columns: dict[str, Any], times: list[int] | None = None) -> list[dict[str, Any]]:
    return match_batch(index, batch(columns, times)).to_pylist()


def test_a_domain_matches_itself_and_its_subdomains() -> None:
    found = hits(index_of("evil.com"), {"query": ("domain", ["evil.com", "a.b.evil.com"])})
    assert [(h["observed"], h["value"], h["line"]) for h in found] == [
        ("evil.com", "evil.com", 1),
        ("a.b.evil.com", "evil.com", 2),
    ]


def test_a_domain_never_matches_a_name_that_merely_ends_with_its_text() -> None:
    assert hits(index_of("evil.com"), {"query": ("domain", ["notevil.com", "evil.com.cn", "evil.co"])}) == []


def test_mixed_case_and_a_trailing_dot_in_the_log_still_match() -> None:
    found = hits(index_of("evil.com"), {"query": ("domain", ["WWW.EvIl.CoM."])})
    assert found[0]["observed"] == "WWW.EvIl.CoM."


def test_an_idn_logged_in_unicode_matches_its_punycode_indicator() -> None:
    assert len(hits(index_of("xn--bcher-kva.example"), {"query": ("domain", ["www.bücher.example"])})) == 1


def test_an_address_never_matches_inside_a_longer_address() -> None:
    found = hits(index_of("1.2.3.4"), {"id.resp_h": ("ip", ["11.2.3.45", "1.2.3.40", "1.2.3.4"])})
    assert [h["line"] for h in found] == [3]


def test_cidr_blocks_contain_their_first_and_last_address_and_nothing_beyond() -> None:
    addresses = ["10.1.0.0", "10.1.0.255", "10.0.255.255", "10.1.1.0"]
    found = hits(index_of("10.1.0.0/24"), {"id.resp_h": ("ip", addresses)})
    assert [h["observed"] for h in found] == ["10.1.0.0", "10.1.0.255"]


def test_the_longest_matching_prefix_is_the_one_reported() -> None:
    found = hits(
        index_of("10.0.0.0/8", "10.1.0.0/16", "10.1.2.3"), {"h": ("ip", ["10.1.2.3", "10.1.9.9", "10.9.9.9"])}
    )
    assert [(h["observed"], h["value"]) for h in found] == [
        ("10.1.2.3", "10.1.2.3"),
        ("10.1.9.9", "10.1.0.0/16"),
        ("10.9.9.9", "10.0.0.0/8"),
    ]


def test_ipv6_matches_whatever_notation_the_log_uses() -> None:
    logged = ["2001:DB8:0:0:0:0:0:1", "2001:0db8::0001", "[2001:db8::1]", "2001:db8::2"]
    found = hits(index_of("2001:db8::1"), {"src": ("ip", logged)})
    assert [h["line"] for h in found] == [1, 2, 3]


def test_ipv6_blocks_contain_addresses() -> None:
    found = hits(index_of("2001:db8:1::/48"), {"src": ("ip", ["2001:db8:1:ffff::9", "2001:db8:2::1"])})
    assert [h["line"] for h in found] == [1]


def test_an_address_and_port_indicator_needs_both_to_match() -> None:
    index = index_of_patterns(
        stix_indicator("[network-traffic:dst_ref.value = '5.6.7.8' AND network-traffic:dst_port = 4444]")
    )
    columns = {
        "id.resp_h": ("ip", ["5.6.7.8", "5.6.7.8", "5.6.7.9"]),
        "id.resp_p": ("port", ["4444", "4445", "4444"], "id.resp_h"),
    }
    found = hits(index, columns)
    assert [(h["line"], h["observed"], h["field"]) for h in found] == [
        (1, "5.6.7.8:4444", "id.resp_h:id.resp_p")
    ]


def test_ports_that_are_not_numbers_leave_their_rows_out_and_the_rest_still_match() -> None:
    index = index_of_patterns(
        stix_indicator("[network-traffic:dst_ref.value = '5.6.7.8' AND network-traffic:dst_port = 4444]")
    )
    columns = {
        "id.resp_h": ("ip", ["5.6.7.8", "5.6.7.8", "5.6.7.8", "5.6.7.8"]),
        "id.resp_p": ("port", ["-", "4444", "99999999999", "http"], "id.resp_h"),
    }
    assert [(h["line"], h["observed"]) for h in hits(index, columns)] == [(2, "5.6.7.8:4444")]


def test_an_indicator_counts_only_from_valid_from_until_before_valid_until() -> None:
    obj = stix_indicator(
        "[ipv4-addr:value = '1.2.3.4']", valid_from="2024-01-01T00:00:00Z", valid_until="2024-01-02T00:00:00Z"
    )
    day = 86_400_000_000
    found = hits(index_of_patterns(obj), {"h": ("ip", ["1.2.3.4"] * 3)}, times=[T0 - 1, T0, T0 + day])
    assert [h["line"] for h in found] == [2]


def test_values_in_columns_without_a_role_are_never_matched() -> None:
    columns = {"host": ("host", ["good.org"]), "user_agent": ("", ["Mozilla (evil.com)"])}
    assert hits(index_of("evil.com"), columns) == []


def test_an_http_host_with_a_port_matches_as_a_domain() -> None:
    assert len(hits(index_of("evil.com"), {"host": ("host", ["www.evil.com:8080"])})) == 1


def test_a_url_is_compared_with_its_scheme_where_the_log_knows_it() -> None:
    found = hits(
        index_of("http://evil.com/a/b.php"),
        {
            "url": (
                "url",
                ["HTTP://EVIL.com:80/a/b.php", "https://evil.com/a/b.php", "http://evil.com/a/c.php"],
            )
        },
    )
    assert [h["line"] for h in found] == [1]


def test_an_https_indicator_never_hits_plaintext_http() -> None:
    found = hits(index_of("https://evil.com/login"), {"url": ("url", ["http://evil.com/login"])})
    assert found == []


def test_a_url_logged_without_a_scheme_meets_indicators_of_either_scheme() -> None:
    index = index_of("http://evil.com/a", "https://evil.com/b", "evil.com/c")
    found = hits(index, {"url": ("url", ["evil.com/a", "evil.com/b", "evil.com/c", "evil.com/d"])})
    assert [(h["line"], h["value"]) for h in found] == [
        (1, "http://evil.com/a"),
        (2, "https://evil.com/b"),
        (3, "evil.com/c"),
    ]


def test_an_indicator_without_a_scheme_meets_every_scheme() -> None:
    found = hits(index_of("evil.com/c"), {"url": ("url", ["http://evil.com/c", "https://evil.com/c"])})
    assert [h["line"] for h in found] == [1, 2]


def test_hashes_match_in_any_case_and_emails_inside_display_names() -> None:
    digest = "d41d8cd98f00b204e9800998ecf8427e"
    index = index_of(digest, "bad@evil.com")
    columns = {"md5": ("hash", [digest.upper(), None]), "from": ("email", [None, "Bad <BAD@evil.com>"])}
    assert [h["field"] for h in hits(index, columns)] == ["md5", "from"]


def test_set_valued_fields_match_each_member_and_report_it() -> None:
    found = hits(index_of("6.6.6.6"), {"answers": ("host", [["cname.good.org", "6.6.6.6"], None])})
    assert [(h["line"], h["observed"]) for h in found] == [(1, "6.6.6.6")]


def test_warninglisted_indicators_are_suppressed_and_counted_unless_switched_off() -> None:
    index = index_of("8.8.8.8")
    index.flag_warninglisted({0: ("public resolvers", "8.8.8.8")})
    report = MatchReport()
    assert match_batch(index, batch({"h": ("ip", ["8.8.8.8"])}), report).num_rows == 0
    assert report.suppressed == {"public resolvers": 1}
    assert report.suppressed_indicators == {0: 1}
    assert match_batch(index, batch({"h": ("ip", ["8.8.8.8"])}), warninglists=False).num_rows == 1


def test_the_slow_path_evaluates_patterns_the_index_cannot_express() -> None:
    index = index_of_patterns(stix_indicator("[domain-name:value MATCHES '^dga[0-9]+\\\\.example$']"))
    report = MatchReport()
    table = match_batch(index, batch({"query": ("domain", ["dga42.example", "good.example"])}), report)
    assert table.column("line").to_pylist() == [1]
    assert report.slow_hits == 1


def test_the_slow_path_checks_only_events_holding_a_literal_of_the_pattern() -> None:
    pattern = "[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value != '9.9.9.9']"
    report = MatchReport()
    index = index_of_patterns(stix_indicator(pattern))
    table = match_batch(index, batch({"h": ("ip", ["1.2.3.4", "4.3.2.1", "5.5.5.5"])}), report)
    assert table.num_rows == 1
    assert report.slow_candidates == 1


def test_matching_works_over_any_iterator_of_batches() -> None:
    batches = iter([batch({"h": ("ip", ["1.2.3.4"])}), batch({"h": ("ip", ["4.4.4.4", "1.2.3.4"])})])
    tables = list(match_batches(index_of("1.2.3.4"), batches))
    assert [t.num_rows for t in tables] == [1, 1]
    assert all(t.schema == HIT_SCHEMA for t in tables)


def test_a_large_column_of_addresses_is_matched_exactly_by_the_vectorised_parser() -> None:
    addresses = [f"{a}.{b}.7.9" for a in range(1, 250) for b in (0, 9, 99, 255)] + [
        "300.1.1.1",
        "01.2.3.4",
        "-",
    ]
    found = hits(index_of("9.9.7.9", "200.0.0.0/8"), {"h": ("ip", addresses)})
    assert sorted({h["observed"] for h in found}) == [
        "200.0.7.9",
        "200.255.7.9",
        "200.9.7.9",
        "200.99.7.9",
        "9.9.7.9",
    ]


def test_events_without_a_time_still_match_and_report_no_time() -> None:
    table = match_batch(index_of("1.2.3.4"), batch({"h": ("ip", ["1.2.3.4"])}, times=[None]))  # type: ignore[list-item]
    assert table.column("time").to_pylist() == [None]
    assert isinstance(table, pa.Table)


def test_each_hit_carries_the_id_of_its_own_indicator_whatever_the_shape_of_the_id() -> None:
    usual = stix_indicator("[domain-name:value = 'evil.com']")
    unusual = stix_indicator("[ipv4-addr:value = '45.83.12.66']", id="indicator--not-a-uuid")
    capital = stix_indicator("[domain-name:value = 'bad.net']")
    capital["id"] = capital["id"].upper().replace("INDICATOR--", "indicator--")
    found = hits(
        index_of_patterns(usual, unusual, capital),
        {
            "query": ("domain", ["evil.com", "bad.net", "x.evil.com", "good.org"]),
            "answer": ("ip", ["45.83.12.66", "-", "45.83.12.66", "-"]),
        },
    )
    ids = {(h["observed"], h["indicator"]) for h in found}
    assert ids == {
        ("evil.com", usual["id"]),
        ("x.evil.com", usual["id"]),
        ("bad.net", capital["id"].lower()),
        ("45.83.12.66", "indicator--not-a-uuid"),
    }


def test_ascii_names_match_exactly_as_the_careful_path_for_any_name_matches_them() -> None:
    index = index_of("evil.com", "b.example.org", "xn--bcher-kva.example", "com.evil.com")
    names = ["EVIL.com", "a.Evil.COM.", "evil.com..", "", ".", None, "notevil.com", "x.EVIL.com.",
             "B.Example.Org", "www.xn--BCHER-kva.example.", "com.evil.com", "..evil.com", "evil.com.cn",
             "Com.Evil.Com."]  # fmt: skip
    # One name that is not ASCII sends the whole column through the careful path (IDNA for each name).
    careful = hits(index, {"query": ("domain", [*names, "bücher.example"])})
    fast = hits(index, {"query": ("domain", names)})
    assert fast == [h for h in careful if h["observed"] != "bücher.example"]
    assert {h["observed"] for h in fast} == {"EVIL.com", "a.Evil.COM.", "x.EVIL.com.", "B.Example.Org",
                                            "www.xn--BCHER-kva.example.", "com.evil.com", "..evil.com",
                                            "Com.Evil.Com."}  # fmt: skip


def test_the_ids_of_many_indicators_at_once_are_each_indicators_own() -> None:
    odd = stix_indicator("[ipv4-addr:value = '45.83.12.66']", id="indicator--not-a-uuid")
    objects = [stix_indicator(f"[domain-name:value = 'n{k}.example']") for k in range(40)] + [odd]
    index = index_of_patterns(*objects)
    numbers = np.array([40, 3, 0, 39, 3, 17], dtype=np.int64)
    assert index.stix_ids(numbers) == [index.stix_id(n) for n in numbers.tolist()]
    assert sorted(index.stix_ids(np.arange(41, dtype=np.int64))) == sorted(o["id"] for o in objects)


def test_a_host_column_matched_at_once_gives_the_hits_of_its_rows_matched_one_by_one() -> None:
    index = index_of(
        "203.0.113.7", "203.0.113.0/24", "203.0.0.0/16", "198.51.100.9", "198.51.100.9", "evil.com",
        "2001:db8::1", "10.0.0.0/8",
    )  # fmt: skip
    rows: list[Any] = [
        ["203.0.113.7", "198.51.100.9"], ["192.0.2.1"], None, ["evil.com", "203.0.113.7"],
        ["a.evil.com:443", "[2001:db8::1]:53", "10.1.2.3"], ["203.0.113.99", "203.0.113.7", "203.0.9.9"],
        ["198.51.100.9"], [None, "203.0.113.7"], ["10.9.9.9", "203.0.113.7"],
    ]  # fmt: skip
    columns = {"answers": ("host", rows)}
    together = hits(index, columns)
    one_by_one = []
    for line, row in enumerate(rows, start=1):
        for hit in hits(index, {"answers": ("host", [row])}):
            one_by_one.append({**hit, "line": line})
    assert together == one_by_one
    assert len(together) > 10
