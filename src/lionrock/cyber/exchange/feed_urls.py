"""Which remote TAXII servers a feed may reach: the operator's allow-list, HTTPS, and no private networks.

A feed makes the server itself send requests to an address an analyst typed. Without limits that is a
way into whatever the server can reach and the analyst cannot (server-side request forgery): the cloud
metadata service at 169.254.169.254, an admin interface on 127.0.0.1, hosts on the agency's network.
So, from LIONROCK_FEED_ALLOWED_HOSTS (docs/operators/configuration.md):

* the URL must be https://, without a user name or password in it;
* its host must be on the list: a name (taxii.partner.example), every name under a domain
  (*.partner.example), an address (192.0.2.10), or * for any host;
* every address the host resolves to must be public (not private, loopback, link-local, shared,
  reserved or multicast) unless the host itself is written on the list: an operator who lists
  taxii.internal.example or 10.1.2.3 has decided that one is trusted; a wildcard decides nothing;
* plain http:// only for a loopback host written on the list (a test server, the demo).

The check runs when a feed is created or changed and again at each poll, where the connection goes to
the address that was checked (a name that resolves differently a second later gains nothing) and every
redirect is checked as a new URL.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from lionrock.core.errors import ValidationFailed

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[Address]]


class FeedUrlRefused(ValidationFailed):
    """A feed URL outside what the operator allows; the message says which rule and what to do."""


@dataclass(frozen=True)
class HostPolicy:
    """LIONROCK_FEED_ALLOWED_HOSTS, parsed."""

    any_host: bool
    named: frozenset[str]
    domains: tuple[str, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> HostPolicy:
        named: set[str] = set()
        domains: list[str] = []
        any_host = False
        for entry in entries:
            host = _host_normalise(entry)
            if host == "*":
                any_host = True
            elif host.startswith("*."):
                domains.append(host[1:])
            elif host:
                named.add(host)
        return cls(any_host=any_host, named=frozenset(named), domains=tuple(domains))

    def allows(self, host: str) -> bool:
        return self.any_host or host in self.named or host.endswith(self.domains)

    def trusts(self, host: str) -> bool:
        """Written on the list by name or address: its private or loopback addresses are accepted."""
        return host in self.named


def policy() -> HostPolicy:
    return HostPolicy.parse(settings.LIONROCK_FEED_ALLOWED_HOSTS)


def _host_normalise(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return address.is_global and not address.is_multicast


def _is_loopback(host: str) -> bool:
    literal = _literal(host)
    return host == "localhost" or (literal is not None and literal.is_loopback)


@dataclass(frozen=True)
class Target:
    """A URL that passed the checks that need no DNS: scheme, credentials, host on the list."""

    url: str
    host: str
    port: int


def url_check(url: str, *, hosts: HostPolicy | None = None) -> Target:
    """Scheme, user information and the host against the allow-list; raises FeedUrlRefused."""
    hosts = hosts or policy()
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FeedUrlRefused(_("The feed URL is not a valid URL.")) from exc
    host = _host_normalise(parts.hostname or "")
    if parts.scheme not in ("https", "http") or not host:
        raise FeedUrlRefused(_("The feed URL must start with https:// and name a server."))
    if parts.username is not None or parts.password is not None:
        raise FeedUrlRefused(
            _("Put the user name and password in the feed's authentication fields, not in the URL.")
        )
    if not hosts.allows(host):
        raise FeedUrlRefused(
            _(
                "%(host)s is not among the TAXII servers this Lionrock may poll. Ask the operator to add "
                "it to LIONROCK_FEED_ALLOWED_HOSTS."
            )
            % {"host": host}
        )
    if parts.scheme == "http" and not (hosts.trusts(host) and _is_loopback(host)):
        raise FeedUrlRefused(
            _(
                "The feed URL must start with https://; plain http:// is accepted only for a loopback "
                "server named in LIONROCK_FEED_ALLOWED_HOSTS."
            )
        )
    return Target(url=url.strip(), host=host, port=port or (443 if parts.scheme == "https" else 80))


def address_check(host: str, address: Address, *, hosts: HostPolicy | None = None) -> None:
    """Refuses a private, loopback, link-local or otherwise non-public address unless the host is listed."""
    hosts = hosts or policy()
    if _is_public(address) or hosts.trusts(host):
        return
    raise FeedUrlRefused(
        _(
            "%(host)s is at %(address)s, a private, loopback or link-local address. Feeds reach such "
            "addresses only when the operator names the host in LIONROCK_FEED_ALLOWED_HOSTS."
        )
        % {"host": host, "address": address}
    )


def resolve(host: str, port: int) -> list[Address]:
    """Every address the host name (or literal) stands for, in the order the system gives them."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    found: list[Address] = []
    for *_rest, sockaddr in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def feed_url_check(
    url: str, *, hosts: HostPolicy | None = None, resolver: Resolver = resolve, must_resolve: bool = False
) -> Target:
    """The whole check, DNS included, for a feed being saved.

    A name that does not resolve now passes unless must_resolve: DNS may be down when a feed is saved,
    and every poll checks again before connecting.
    """
    hosts = hosts or policy()
    target = url_check(url, hosts=hosts)
    try:
        addresses = resolver(target.host, target.port)
    except OSError as exc:
        if must_resolve:
            raise FeedUrlRefused(_("%(host)s could not be resolved.") % {"host": target.host}) from exc
        return target
    for address in addresses:
        address_check(target.host, address, hosts=hosts)
    return target


def checked_addresses(host: str, port: int, *, hosts: HostPolicy | None = None) -> list[Address]:
    """The addresses a poll may connect to for this host, each checked; raises if any is refused."""
    hosts = hosts or policy()
    addresses = resolve(host, port)
    if not addresses:
        raise FeedUrlRefused(_("%(host)s could not be resolved.") % {"host": host})
    for address in addresses:
        address_check(host, address, hosts=hosts)
    return addresses
