"""Generates the matcher benchmark's data: a mixed indicator set and Zeek conn, dns and http logs.

Background traffic never touches an indicator (indicator addresses live in 1.0.0.0-99.255.255.255 and
background addresses in 100.0.0.0 and up; indicator and background domains use disjoint top-level
domains). Into it the generator plants, at known lines, the cases that matter and writes the exact
expected answer (`labels.json`: file, line, indicator id) next to them:

* hits: exact address, address inside a CIDR block at both edges, IPv6 in another notation, address and
  port, domain and subdomains, mixed case, trailing dot, IDN written in Unicode, URL from host + uri,
  DNS answers;
* near misses that must not hit: `notevil.com` beside `evil.com`, `evil.com.cn`, `11.2.3.45` beside
  `1.2.3.4`, the address just outside a block, the right address on the wrong port, a domain only in the
  User-Agent, values of expired and of revoked indicators.

Usage: python benchmarks/matcher/generate.py OUTDIR [--indicators N] [--conn N] [--dns N] [--http N]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import string
import uuid
from dataclasses import dataclass, field
from pathlib import Path

EPOCH_2024 = 1_704_067_200.0
_LETTERS = string.ascii_lowercase + string.digits
_BAD_TLDS = ("com", "net", "xyz", "top", "info")
_GOOD_TLDS = ("hk", "org", "io", "edu", "gov.hk")
_BAD_FIRST_OCTETS = [n for n in range(1, 60) if n != 10]
_IDN = ("bücher", "münchen", "香港", "δοκιμή", "пример", "café")

CONN_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "service",
    "duration",
    "orig_bytes",
    "resp_bytes",
    "conn_state",
    "local_orig",
    "local_resp",
    "missed_bytes",
    "history",
    "orig_pkts",
    "orig_ip_bytes",
    "resp_pkts",
    "resp_ip_bytes",
    "tunnel_parents",
]
DNS_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "proto",
    "trans_id",
    "rtt",
    "query",
    "qclass",
    "qclass_name",
    "qtype",
    "qtype_name",
    "rcode",
    "rcode_name",
    "AA",
    "TC",
    "RD",
    "RA",
    "Z",
    "answers",
    "TTLs",
    "rejected",
]
HTTP_FIELDS = [
    "ts",
    "uid",
    "id.orig_h",
    "id.orig_p",
    "id.resp_h",
    "id.resp_p",
    "trans_depth",
    "method",
    "host",
    "uri",
    "referrer",
    "version",
    "user_agent",
    "request_body_len",
    "response_body_len",
    "status_code",
    "status_msg",
]


@dataclass
class Indicators:
    """The generated indicators: STIX objects, plain values for grep, and handles on planted ones."""

    objects: list[dict[str, object]] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    ips: list[tuple[str, str]] = field(default_factory=list)
    ip6: list[tuple[str, str]] = field(default_factory=list)
    cidrs: list[tuple[str, str]] = field(default_factory=list)
    domains: list[tuple[str, str]] = field(default_factory=list)
    idn: list[tuple[str, str]] = field(default_factory=list)
    urls: list[tuple[str, str]] = field(default_factory=list)
    ipports: list[tuple[str, str, int]] = field(default_factory=list)
    expired: list[tuple[str, str]] = field(default_factory=list)
    revoked: list[tuple[str, str]] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)


def _label(rng: random.Random, low: int = 6, high: int = 12) -> str:
    return "".join(rng.choices(_LETTERS, k=rng.randint(low, high)))


def _bad_ip(rng: random.Random) -> str:
    # 10.x is the background's internal network, so no indicator may live there.
    return (
        f"{rng.choice(_BAD_FIRST_OCTETS)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    )


def _good_ip(rng: random.Random) -> str:
    return f"{rng.randint(100, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _indicator(
    value_pattern: str, *, valid_until: str | None = None, revoked: bool = False
) -> dict[str, object]:
    obj: dict[str, object] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": "2023-01-01T00:00:00.000Z",
        "modified": "2023-01-01T00:00:00.000Z",
        "pattern": value_pattern,
        "pattern_type": "stix",
        "valid_from": "2023-01-01T00:00:00Z",
    }
    if valid_until:
        obj["valid_until"] = valid_until
    if revoked:
        obj["revoked"] = True
    return obj


def make_indicators(count: int, rng: random.Random) -> Indicators:
    """A mixed set: 35% IPv4, 5% IPv6, 5% CIDR, 30% domains, 10% URLs, 14% hashes, 1% address and port.

    Addresses live in 1-59.x (not 10.x), blocks in 60-99.x, so that the labels stay exact.
    """
    out = Indicators()
    seen: set[str] = set()

    def add(kind: str, value: str, pattern: str, **extra: object) -> str:
        obj = _indicator(pattern, **extra)  # type: ignore[arg-type]
        out.objects.append(obj)
        out.values.append(value)
        return str(obj["id"])

    shares = [
        ("ip", 0.35),
        ("ip6", 0.05),
        ("cidr", 0.05),
        ("domain", 0.30),
        ("url", 0.10),
        ("hash", 0.14),
        ("ipport", 0.01),
    ]
    for kind, share in shares:
        for _ in range(int(count * share)):
            if kind == "ip":
                value = _bad_ip(rng)
                if value in seen:
                    continue
                seen.add(value)
                out.taken.add(value)
                out.ips.append((add(kind, value, f"[ipv4-addr:value = '{value}']"), value))
            elif kind == "ip6":
                value = str(ipaddress.IPv6Address((0x2001_0DB8 << 96) | rng.getrandbits(96)))
                out.ip6.append((add(kind, value, f"[ipv6-addr:value = '{value}']"), value))
            elif kind == "cidr":
                # Blocks get their own 8192-address slot in 60.0.0.0/6+, so none overlaps another and the
                # address after each block's end belongs to no block: the labels stay exact.
                length = rng.choice((20, 22, 24, 26, 28, 30))
                net = ipaddress.IPv4Network(((60 << 24) + len(out.cidrs) * 8192, length))
                value = str(net)
                out.cidrs.append((add(kind, value, f"[ipv4-addr:value ISSUBSET '{value}']"), value))
            elif kind == "domain":
                value = f"{_label(rng)}.{rng.choice(_BAD_TLDS)}"
                if value in seen:
                    continue
                seen.add(value)
                out.domains.append((add(kind, value, f"[domain-name:value = '{value}']"), value))
            elif kind == "url":
                host = f"{_label(rng)}.{rng.choice(_BAD_TLDS)}"
                path = f"/{_label(rng, 3, 8)}/{_label(rng, 4, 10)}.php"
                value = f"http://{host}{path}"
                out.urls.append((add(kind, value, f"[url:value = '{value}']"), value))
            elif kind == "hash":
                digest = f"{rng.getrandbits(256):064x}"
                add(kind, digest, f"[file:hashes.'SHA-256' = '{digest}']")
            elif kind == "ipport":
                address, port = _bad_ip(rng), rng.choice((4444, 8443, 1337, 6667))
                pattern = (
                    f"[network-traffic:dst_ref.value = '{address}' AND network-traffic:dst_port = {port}]"
                )
                out.ipports.append((add(kind, f"{address}:{port}", pattern), address, port))
    for name in _IDN:
        unicode_name = f"{name}-{_label(rng, 4, 6)}.com"
        puny = unicode_name.encode("idna").decode()
        out.idn.append((add("domain", puny, f"[domain-name:value = '{puny}']"), unicode_name))
    for _ in range(50):
        value = _bad_ip(rng)
        out.expired.append(
            (add("ip", value, f"[ipv4-addr:value = '{value}']", valid_until="2023-06-01T00:00:00Z"), value)
        )
        value = _bad_ip(rng)
        out.revoked.append((add("ip", value, f"[ipv4-addr:value = '{value}']", revoked=True), value))
    return out


def _header(path: str, fields: list[str]) -> str:
    return (
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
        f"#path\t{path}\n#open\t2024-01-01-00-00-00\n#fields\t" + "\t".join(fields) + "\n"
        "#types\t" + "\t".join("string" for _ in fields) + "\n"
    )


HEADER_LINES = 8


class Planter:
    """Chooses, line by line, background or a planted case, and records the expected answer."""

    def __init__(self, rng: random.Random, rate: float) -> None:
        self.rng = rng
        self.rate = rate
        self.labels: list[tuple[str, int, str]] = []
        self.near_misses: list[tuple[str, int, str]] = []

    def plant(self) -> bool:
        return self.rng.random() < self.rate


def write_conn(path: Path, count: int, ind: Indicators, planter: Planter, rng: random.Random) -> None:
    """Zeek conn log: background flows to 100.0.0.0+ with planted address cases."""
    internal = [f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}" for _ in range(2000)]
    external = [_good_ip(rng) for _ in range(200_000)]
    name = path.name
    with path.open("w") as out:
        out.write(_header("conn", CONN_FIELDS))
        lines: list[str] = []
        ts = EPOCH_2024
        for i in range(count):
            line_number = HEADER_LINES + i + 1
            ts += 0.0005
            orig = internal[int(rng.paretovariate(1.2)) % len(internal)]
            resp = external[int(rng.paretovariate(0.8)) % len(external)]
            port = rng.choice((443, 443, 443, 80, 53, 22, 8080))
            if planter.plant():
                resp, port = _plant_conn(ind, planter, rng, name, line_number, port)
            lines.append(
                f"{ts:.6f}\tC{rng.getrandbits(56):014x}\t{orig}\t{rng.randint(1024, 65535)}\t{resp}\t{port}\ttcp\t-\t"  # noqa: E501
                f"{rng.random():.6f}\t{rng.randint(0, 9999)}\t{rng.randint(0, 99999)}\tSF\t-\t-\t0\tShADadFf\t"  # noqa: E501
                f"{rng.randint(1, 99)}\t{rng.randint(40, 9999)}\t{rng.randint(1, 99)}\t{rng.randint(40, 99999)}\t-\n"  # noqa: E501
            )
            if len(lines) >= 100_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
        out.write("#close\t2024-01-01-01-00-00\n")


def _plant_conn(
    ind: Indicators, p: Planter, rng: random.Random, name: str, line: int, port: int
) -> tuple[str, int]:
    case = rng.randrange(9)
    if case == 0:
        stix_id, value = rng.choice(ind.ips)
        p.labels.append((name, line, stix_id))
        return value, port
    if case == 1:
        stix_id, value = rng.choice(ind.cidrs)
        net = ipaddress.IPv4Network(value)
        edge = net.network_address if rng.random() < 0.5 else net.broadcast_address
        p.labels.append((name, line, stix_id))
        return str(edge), port
    if case == 2:
        stix_id, value = rng.choice(ind.cidrs)
        outside = ipaddress.IPv4Network(value).broadcast_address + 1
        p.near_misses.append((name, line, f"just outside {value}"))
        return str(outside), port
    if case == 3:
        stix_id, value = rng.choice(ind.ip6)
        p.labels.append((name, line, stix_id))
        return ipaddress.IPv6Address(value).exploded.upper(), port
    if case == 4:
        stix_id, address, wanted = rng.choice(ind.ipports)
        p.labels.append((name, line, stix_id))
        return address, wanted
    if case == 5:
        stix_id, address, wanted = rng.choice(ind.ipports)
        p.near_misses.append((name, line, f"{address} on another port"))
        return address, wanted + 1
    if case == 6:
        stix_id, value = rng.choice(ind.ips)
        octets = value.split(".")
        near = f"1{octets[0]}.{octets[1]}.{octets[2]}.{octets[3]}5"
        if int(octets[0]) < 10 and int(octets[3]) < 25 and near not in ind.taken:
            p.near_misses.append((name, line, f"{near} beside {value}"))
            return near, port
        p.labels.append((name, line, stix_id))
        return value, port
    if case == 7:
        stix_id, value = rng.choice(ind.expired)
        p.near_misses.append((name, line, f"expired {value}"))
        return value, port
    stix_id, value = rng.choice(ind.revoked)
    p.near_misses.append((name, line, f"revoked {value}"))
    return value, port


def write_dns(path: Path, count: int, ind: Indicators, planter: Planter, rng: random.Random) -> None:
    """Zeek dns log: background names under other TLDs, planted name cases."""
    names = [f"{_label(rng, 3, 6)}.{_label(rng)}.{rng.choice(_GOOD_TLDS)}" for _ in range(100_000)]
    answers = [_good_ip(rng) for _ in range(50_000)]
    name = path.name
    with path.open("w") as out:
        out.write(_header("dns", DNS_FIELDS))
        lines: list[str] = []
        ts = EPOCH_2024
        for i in range(count):
            line_number = HEADER_LINES + i + 1
            ts += 0.0005
            query = names[int(rng.paretovariate(0.7)) % len(names)]
            answer = answers[int(rng.paretovariate(0.7)) % len(answers)]
            if planter.plant():
                query, answer = _plant_dns(ind, planter, rng, name, line_number, query, answer)
            lines.append(
                f"{ts:.6f}\tD{rng.getrandbits(56):014x}\t10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}\t"
                f"{rng.randint(1024, 65535)}\t10.0.0.53\t53\tudp\t{rng.randint(0, 65535)}\t0.0{rng.randint(1, 9)}\t"  # noqa: E501
                f"{query}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t{answer}\t300.000000\tF\n"
            )
            if len(lines) >= 100_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
        out.write("#close\t2024-01-01-01-00-00\n")


def _plant_dns(
    ind: Indicators, p: Planter, rng: random.Random, name: str, line: int, query: str, answer: str
) -> tuple[str, str]:
    case = rng.randrange(9)
    stix_id, value = rng.choice(ind.domains)
    if case == 0:
        p.labels.append((name, line, stix_id))
        return value, answer
    if case == 1:
        p.labels.append((name, line, stix_id))
        return f"{_label(rng, 2, 5)}.{_label(rng, 2, 5)}.{value}", answer
    if case == 2:
        p.labels.append((name, line, stix_id))
        return "".join(c.upper() if rng.random() < 0.5 else c for c in f"www.{value}"), answer
    if case == 3:
        p.labels.append((name, line, stix_id))
        return f"{value}.", answer
    if case == 4:
        p.near_misses.append((name, line, f"not{value} beside {value}"))
        return f"not{value}", answer
    if case == 5:
        p.near_misses.append((name, line, f"{value}.cn beside {value}"))
        return f"{value}.cn", answer
    if case == 6:
        idn_id, unicode_name = rng.choice(ind.idn)
        p.labels.append((name, line, idn_id))
        return unicode_name, answer
    if case == 7:
        ip_id, ip_value = rng.choice(ind.ips)
        p.labels.append((name, line, ip_id))
        return query, f"{answer},{ip_value}"
    ip_id, ip_value = rng.choice(ind.expired)
    p.near_misses.append((name, line, f"expired {ip_value} in answers"))
    return query, ip_value


def write_http(path: Path, count: int, ind: Indicators, planter: Planter, rng: random.Random) -> None:
    """Zeek http log: URL hits from host + uri; a bad domain only in the User-Agent must not hit."""
    hosts = [f"www.{_label(rng)}.{rng.choice(_GOOD_TLDS)}" for _ in range(5000)]
    name = path.name
    with path.open("w") as out:
        out.write(_header("http", HTTP_FIELDS))
        ts = EPOCH_2024
        for i in range(count):
            line_number = HEADER_LINES + i + 1
            ts += 0.001
            host, uri, agent = rng.choice(hosts), f"/{_label(rng, 3, 9)}", "Mozilla/5.0"
            if planter.plant():
                if rng.random() < 0.5:
                    stix_id, value = rng.choice(ind.urls)
                    rest = value.split("://", 1)[1]
                    host, uri = rest.split("/", 1)[0], "/" + rest.split("/", 1)[1]
                    planter.labels.append((name, line_number, stix_id))
                else:
                    stix_id, value = rng.choice(ind.domains)
                    agent = f"Mozilla/5.0 (compatible; {value})"
                    planter.near_misses.append((name, line_number, f"{value} only in the User-Agent"))
            out.write(
                f"{ts:.6f}\tH{rng.getrandbits(56):014x}\t10.0.0.{rng.randint(1, 254)}\t{rng.randint(1024, 65535)}\t"  # noqa: E501
                f"{_good_ip(rng)}\t80\t1\tGET\t{host}\t{uri}\t-\t1.1\t{agent}\t0\t{rng.randint(0, 99999)}\t200\tOK\n"  # noqa: E501
            )
        out.write("#close\t2024-01-01-01-00-00\n")


def generate(outdir: Path, indicators: int, conn: int, dns: int, http: int, seed: int = 20240101) -> None:
    """Writes indicators.json, values.txt, conn.log, dns.log, http.log and labels.json into `outdir`."""
    rng = random.Random(seed)
    outdir.mkdir(parents=True, exist_ok=True)
    ind = make_indicators(indicators, rng)
    with (outdir / "indicators.json").open("w") as out:
        out.write(f'{{"type": "bundle", "id": "bundle--{uuid.uuid4()}", "objects": [\n')
        out.write(",\n".join(json.dumps(obj, separators=(",", ":")) for obj in ind.objects))
        out.write("\n]}\n")
    (outdir / "values.txt").write_text("\n".join(ind.values) + "\n")
    planter = Planter(rng, rate=0.001)
    write_conn(outdir / "conn.log", conn, ind, planter, rng)
    write_dns(outdir / "dns.log", dns, ind, planter, rng)
    write_http(outdir / "http.log", http, ind, planter, rng)
    labels = {
        "hits": [{"source": s, "line": n, "indicator": i} for s, n, i in planter.labels],
        "near_misses": [{"source": s, "line": n, "case": c} for s, n, c in planter.near_misses],
        "indicators": len(ind.objects),
        "events": {"conn.log": conn, "dns.log": dns, "http.log": http},
        "header_lines": HEADER_LINES,
    }
    (outdir / "labels.json").write_text(json.dumps(labels, indent=1))


def main() -> None:
    """Command-line entry: sizes default to the issue's targets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--indicators", type=int, default=1_000_000)
    parser.add_argument("--conn", type=int, default=2_000_000)
    parser.add_argument("--dns", type=int, default=2_000_000)
    parser.add_argument("--http", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20240101)
    args = parser.parse_args()
    generate(args.outdir, args.indicators, args.conn, args.dns, args.http, args.seed)


if __name__ == "__main__":
    main()
