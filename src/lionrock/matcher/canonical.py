"""Canonical forms of indicator and observed values, so that equal things compare equal.

Both sides of a match go through the same functions: an indicator written `EVIL.com.` and a DNS query
logged as `evil.COM` must meet on `evil.com`. Every function returns ``None`` for a value that is not of
its kind, rather than raising, because feeds and logs are full of such values and a bad one is never fatal.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

import idna

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_HEX = re.compile(r"[0-9a-f]+")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# Already canonical (no leading zeros, no spaces): by far the most common address text, kept as is.
_DOTTED_QUAD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}\Z")
_HASH_LENGTHS = {32: "md5", 40: "sha1", 64: "sha256"}
_UNRESERVED = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
_ANGLE = re.compile(r"<([^<>]*)>")
_NAME = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$")


def ip(value: str) -> str | None:
    """Canonical text of an address: IPv6 compressed and lower-case, IPv4-mapped IPv6 folded to IPv4."""
    if _DOTTED_QUAD.match(value):
        return value
    parsed = ip_object(value)
    return None if parsed is None else str(parsed)


def ip_object(value: str) -> IPAddress | None:
    """Parses an address the way logs write it (brackets, zone ids, IPv4-mapped IPv6 folded)."""
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if "%" in text:
        text = text.split("%", 1)[0]
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def network(value: str) -> IPNetwork | None:
    """Parses a CIDR block; host bits set (`10.1.2.3/8`) are cleared rather than refused, as feeds do that."""
    text = value.strip()
    if "/" not in text:
        return None
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    if isinstance(net, ipaddress.IPv6Network) and net.prefixlen >= 96:
        mapped = net.network_address.ipv4_mapped
        if mapped is not None:
            return ipaddress.IPv4Network((int(mapped), net.prefixlen - 96))
    return net


def domain(value: str) -> str | None:
    """Lower-case, one trailing dot stripped, IDNA to punycode; ``None`` if it cannot be a host name."""
    text = value.strip()
    if text.endswith("."):
        text = text[:-1]
    if not text or len(text) > 253 or any(c in text for c in " /:@\t\\"):
        return None
    if text.isascii():
        text = text.lower()
    else:
        try:
            text = idna.encode(text, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    if not _NAME.match(text):
        return None
    return text


def host(value: str) -> tuple[str, str] | None:
    """Splits a host as logged (`Evil.com:8080`, `[::1]:80`, `1.2.3.4`) into ("ip"|"domain", canonical)."""
    text = value.strip()
    if text.startswith("["):
        end = text.find("]")
        if end > 0:
            address = ip(text[1:end])
            return None if address is None else ("ip", address)
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    address = ip(text)
    if address is not None:
        return ("ip", address)
    name = domain(text)
    return None if name is None else ("domain", name)


def file_hash(value: str) -> str | None:
    """Lower-case hex of an MD5, SHA-1 or SHA-256 digest."""
    text = value.strip().lower()
    if len(text) in _HASH_LENGTHS and _HEX.fullmatch(text):
        return text
    return None


def email(value: str) -> str | None:
    """Lower-case address; takes the address out of `Name <a@b>` as mail headers carry it."""
    text = value.strip()
    bracketed = _ANGLE.search(text)
    if bracketed:
        text = bracketed.group(1).strip()
    if not _EMAIL.match(text):
        return None
    local, _, dom = text.rpartition("@")
    canonical_domain = domain(dom)
    if canonical_domain is None:
        return None
    return f"{local.lower()}@{canonical_domain}"


def _decode_unreserved(text: str) -> str:
    """Percent-decodes only unreserved characters, which RFC 3986 says are equivalent either way."""

    def replace(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED_CHARS else "%" + match.group(1).upper()

    return _UNRESERVED.sub(replace, text)


def _resolve_dots(path: str) -> str:
    """Removes `.` and `..` segments (RFC 3986 section 5.2.4) so `/a/../b` and `/b` are one URL."""
    if not path:
        return "/"
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1:
                output.pop()
        elif segment != ".":
            output.append(segment)
    if path.endswith(("/.", "/..")):
        output.append("")
    resolved = "/".join(output)
    return resolved if resolved.startswith("/") else "/" + resolved


def url(value: str) -> str | None:
    """Canonical URL: `scheme://host[:port]/path[?query]`, or `host[:port]/path[?query]` without a scheme.

    The scheme is kept when the value has one, so that an `https://` indicator never meets plaintext HTTP;
    a value written without a scheme stays without one (and is parsed as `http` for its default port).
    Scheme and host are lower-cased, a default port dropped, `.`/`..` resolved, unreserved characters
    percent-decoded.
    """
    text = value.strip()
    if not text:
        return None
    has_scheme = "://" in text
    if not has_scheme:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    hostname = parts.hostname
    if not hostname or not _SCHEME.match(scheme):
        return None
    canonical_host = ip(hostname)
    if canonical_host is not None and ":" in canonical_host:
        canonical_host = f"[{canonical_host}]"
    if canonical_host is None:
        canonical_host = domain(unquote(hostname))
    if canonical_host is None:
        return None
    netloc = canonical_host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    path = _resolve_dots(_decode_unreserved(parts.path))
    query = _decode_unreserved(parts.query)
    rest = f"{netloc}{path}" + (f"?{query}" if query else "")
    return f"{scheme}://{rest}" if has_scheme else rest


def without_scheme(canonical_url: str) -> str:
    """A canonical URL with its scheme taken off (the form a scheme-less indicator is kept in)."""
    _, separator, rest = canonical_url.partition("://")
    return rest if separator else canonical_url


def url_keys(value: str) -> list[str]:
    """The canonical forms a URL seen in a log is compared under; empty if it is not a URL.

    With a scheme (`https://a.example/x`, which a reader writes when its log knows the scheme), the URL
    meets indicators with that same scheme and indicators written without one. Without a scheme (the log
    cannot tell, e.g. an access log's request path), it meets `http://`, `https://` and scheme-less
    indicators alike, since any of them may be what was requested.
    """
    full = url(value)
    if full is None:
        return []
    if "://" in value:
        return [full, without_scheme(full)]
    plain = "http://" + full
    # Only an explicit port (80 or 443) makes the https form differ from the prefixed one.
    text = value.strip()
    secure = url("https://" + text) if ":" in text.split("/", 1)[0] else "https://" + full
    return [full, plain] if secure is None else [full, plain, secure]


def ip_port(address: str, port: int | str) -> str | None:
    """`1.2.3.4:443` or `[2001:db8::1]:443`: the key an IP-and-port indicator and a flow meet on."""
    canonical = ip(address)
    try:
        number = int(port)
    except (TypeError, ValueError):
        return None
    if canonical is None or not 0 <= number <= 65535:
        return None
    return f"[{canonical}]:{number}" if ":" in canonical else f"{canonical}:{number}"
