"""Canonical forms: the two sides of a match must meet on one spelling."""

from __future__ import annotations

from lionrock.matcher import canonical
from lionrock.matcher.refang import refang


def test_domains_are_lower_cased_and_lose_one_trailing_dot() -> None:
    assert canonical.domain("WWW.Evil.COM.") == "www.evil.com"


def test_unicode_domains_become_punycode() -> None:
    assert canonical.domain("bücher.example") == "xn--bcher-kva.example"


def test_text_that_cannot_be_a_host_name_is_not_a_domain() -> None:
    assert canonical.domain("a b.com") is None
    assert canonical.domain("evil..com") is None


def test_ipv6_written_in_full_and_in_upper_case_is_the_compressed_address() -> None:
    assert canonical.ip("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1"


def test_ipv4_mapped_ipv6_folds_to_ipv4() -> None:
    assert canonical.ip("::ffff:1.2.3.4") == "1.2.3.4"


def test_a_cidr_block_with_host_bits_set_is_cleared_not_refused() -> None:
    assert str(canonical.network("10.1.2.3/8")) == "10.0.0.0/8"


def test_urls_keep_their_scheme_lower_cased_drop_the_default_port_and_resolve_dot_segments() -> None:
    assert canonical.url("HTTP://Evil.COM:80/a/./b/../c?x=1") == "http://evil.com/a/c?x=1"
    assert canonical.url("https://evil.com:443/x") == "https://evil.com/x"


def test_a_url_written_without_a_scheme_stays_without_one() -> None:
    assert canonical.url("Evil.com/a/c?x=1") == "evil.com/a/c?x=1"


def test_urls_keep_a_port_that_is_not_the_default() -> None:
    assert canonical.url("https://evil.com:8443/x") == "https://evil.com:8443/x"
    assert canonical.url("http://evil.com:443/x") == "http://evil.com:443/x"


def test_percent_encoded_unreserved_characters_are_decoded_and_others_kept() -> None:
    assert canonical.url("http://evil.com/%7Euser/%2F") == "http://evil.com/~user/%2F"


def test_a_logged_url_with_a_scheme_is_compared_with_that_scheme_and_without_one() -> None:
    assert canonical.url_keys("http://evil.com/x") == ["http://evil.com/x", "evil.com/x"]


def test_a_logged_url_without_a_scheme_is_compared_as_http_https_and_scheme_less() -> None:
    assert canonical.url_keys("evil.com/x") == ["evil.com/x", "http://evil.com/x", "https://evil.com/x"]
    assert canonical.url_keys("evil.com:443/x") == [
        "evil.com:443/x",
        "http://evil.com:443/x",
        "https://evil.com/x",
    ]


def test_an_email_address_is_taken_out_of_a_display_name() -> None:
    assert canonical.email('"Bad Actor" <Bad@Evil.COM>') == "bad@evil.com"


def test_hashes_are_lower_case_hex_of_a_known_length() -> None:
    assert canonical.file_hash("D41D8CD98F00B204E9800998ECF8427E") == "d41d8cd98f00b204e9800998ecf8427e"
    assert canonical.file_hash("abc") is None


def test_host_with_port_is_split_into_a_name_or_an_address() -> None:
    assert canonical.host("Evil.com:8080") == ("domain", "evil.com")
    assert canonical.host("[2001:db8::1]:443") == ("ip", "2001:db8::1")


def test_defanged_values_are_refanged() -> None:
    assert refang("hxxps://evil[.]com/x") == "https://evil.com/x"
    assert refang("1.2.3[.]4") == "1.2.3.4"
    assert refang("bad[@]evil(.)com") == "bad@evil.com"


def test_values_that_were_never_defanged_pass_unchanged() -> None:
    assert refang("http://[2001:db8::1]/") == "http://[2001:db8::1]/"
