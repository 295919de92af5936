"""Asset values: checking what a participant registers, and matching observed values against assets."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lionrock.core.errors import ValidationFailed

_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def asset_normalise(kind: str, value: str) -> str:
    """The canonical form of an asset value, or ValidationFailed saying what is wrong with it."""
    text = value.strip().lower().rstrip(".")
    if kind in ("domain", "host"):
        if not _HOST_RE.match(text):
            raise ValidationFailed(_("“%(value)s” is not a domain or host name.") % {"value": value[:100]})
        return text
    if kind in ("ipv4", "ipv6"):
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            network = None
        if network is None or network.version != (4 if kind == "ipv4" else 6):
            raise ValidationFailed(
                _("“%(value)s” is not an %(kind)s address or range.")
                % {"value": value[:100], "kind": "IPv4" if kind == "ipv4" else "IPv6"}
            )
        return str(network)
    if kind == "asn":
        digits = text.removeprefix("as")
        if not digits.isdigit() or not 0 < int(digits) < 2**32:
            raise ValidationFailed(_("“%(value)s” is not an AS number.") % {"value": value[:100]})
        return f"AS{int(digits)}"
    raise ValidationFailed(_("Choose the kind of asset from the list."))


@dataclass
class AssetIndex:
    """An event's assets, ready to test observed values against."""

    names: set[str] = field(default_factory=set)
    networks: list[IpNetwork] = field(default_factory=list)

    @classmethod
    def build(cls, assets: Iterable[tuple[str, str]]) -> AssetIndex:
        index = cls()
        for kind, value in assets:
            if kind in ("domain", "host"):
                index.names.add(value)
            elif kind in ("ipv4", "ipv6"):
                index.networks.append(ipaddress.ip_network(value, strict=False))
        return index

    def matches(self, kind: str, value: str) -> bool:
        """True when an address lies in a registered range, or a name is a registered domain or below one."""
        if kind == "ip":
            if not self.networks:
                return False
            try:
                if "/" not in value:
                    single = ipaddress.ip_address(value)
                    return any(single in network for network in self.networks)
                address = ipaddress.ip_network(value, strict=False)
            except ValueError:
                return False
            return any(
                address.version == network.version and address.subnet_of(network)  # type: ignore[arg-type]
                for network in self.networks
            )
        if kind == "domain":
            labels = value.split(".")
            return any(".".join(labels[i:]) in self.names for i in range(len(labels) - 1))
        if kind == "url":
            host = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
            return self.matches("domain", host) or self.matches("ip", host)
        return False
