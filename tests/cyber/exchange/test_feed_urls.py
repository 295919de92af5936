"""Which TAXII servers a feed may reach (LIONROCK_FEED_ALLOWED_HOSTS), without a network: names resolve
through a fake resolver."""

import ipaddress

import pytest

from lionrock.cyber.exchange.feed_urls import FeedUrlRefused, HostPolicy, feed_url_check

PUBLIC = "151.101.1.69"


def check(url: str, *allowed: str, resolves_to: str = PUBLIC) -> None:
    def resolver(host: str, port: int) -> list:
        return [ipaddress.ip_address(resolves_to)]

    feed_url_check(url, hosts=HostPolicy.parse(allowed), resolver=resolver)


def refusal(url: str, *allowed: str, resolves_to: str = PUBLIC) -> str:
    with pytest.raises(FeedUrlRefused) as refused:
        check(url, *allowed, resolves_to=resolves_to)
    return str(refused.value)


def test_by_default_any_public_https_server_is_allowed():
    check("https://taxii.partner.example/api1/collections/abc/", "*")


def test_a_host_off_the_list_is_refused_with_the_setting_to_change():
    message = refusal("https://taxii.elsewhere.example/", "taxii.partner.example")
    assert "taxii.elsewhere.example" in message and "LIONROCK_FEED_ALLOWED_HOSTS" in message


def test_a_wildcard_admits_names_under_the_domain_only():
    check("https://taxii.partner.example/", "*.partner.example")
    check("https://a.b.partner.example/", "*.partner.example")
    for url in ("https://partner.example/", "https://evilpartner.example/", "https://partner.example.evil/"):
        refusal(url, "*.partner.example")


def test_names_on_the_list_match_whatever_their_case_or_trailing_dot():
    check("https://TAXII.Partner.Example./x/", "taxii.partner.example")


def test_plain_http_is_refused_except_for_a_loopback_server_named_on_the_list():
    assert "https://" in refusal("http://taxii.partner.example/", "taxii.partner.example")
    refusal("http://127.0.0.1:8000/", "*", resolves_to="127.0.0.1")
    check("http://127.0.0.1:8000/taxii2/", "127.0.0.1", resolves_to="127.0.0.1")
    check("http://localhost:8000/taxii2/", "localhost", resolves_to="127.0.0.1")
    refusal("http://10.1.2.3/", "10.1.2.3", resolves_to="10.1.2.3")


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # cloud metadata
        "127.0.0.1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "100.100.100.200",  # shared address space (a cloud's metadata service lives here)
        "0.0.0.0",  # noqa: S104
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_a_name_resolving_to_a_private_loopback_or_link_local_address_is_refused(address):
    message = refusal("https://taxii.partner.example/", "*", "*.partner.example", resolves_to=address)
    assert "private, loopback or link-local" in message


def test_an_address_typed_in_the_url_is_checked_as_well():
    refusal("https://169.254.169.254/latest/meta-data/", "*", resolves_to="169.254.169.254")
    refusal("https://[::1]:8443/", "*", resolves_to="::1")


def test_a_host_named_on_the_list_may_be_on_a_private_network():
    check("https://taxii.gov.internal/", "taxii.gov.internal", resolves_to="10.20.30.40")
    check("https://10.20.30.40/", "10.20.30.40", resolves_to="10.20.30.40")


def test_credentials_in_the_url_are_refused():
    assert "authentication fields" in refusal("https://user:secret@taxii.partner.example/", "*")


def test_other_schemes_and_nonsense_are_refused():
    for url in ("ftp://taxii.partner.example/", "file:///etc/passwd", "https://", "https://host:99999/"):
        refusal(url, "*")


def test_a_name_that_does_not_resolve_yet_is_left_to_the_poll():
    def unresolvable(host: str, port: int) -> list:
        raise OSError("Name or service not known")

    feed_url_check("https://new.partner.example/", hosts=HostPolicy.parse(["*"]), resolver=unresolvable)
    with pytest.raises(FeedUrlRefused, match="could not be resolved"):
        feed_url_check(
            "https://new.partner.example/",
            hosts=HostPolicy.parse(["*"]),
            resolver=unresolvable,
            must_resolve=True,
        )


def test_an_empty_list_allows_no_feed_at_all():
    refusal("https://taxii.partner.example/")
