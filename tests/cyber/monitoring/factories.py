"""Small Zeek logs and monitoring operators for the tests."""

from __future__ import annotations

import time

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from tests.core.accounts.factories import member_make

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
DNS_TYPES = [
    "time",
    "string",
    "addr",
    "port",
    "addr",
    "port",
    "enum",
    "count",
    "interval",
    "string",
    "count",
    "string",
    "count",
    "string",
    "count",
    "string",
    "bool",
    "bool",
    "bool",
    "bool",
    "count",
    "vector[string]",
    "vector[interval]",
    "bool",
]


def zeek_dns_log(queries: list[str], *, ts: float | None = None) -> bytes:
    """A Zeek DNS log in TSV form, one query per line, timestamped an hour ago unless told otherwise."""
    ts = time.time() - 3600 if ts is None else ts
    lines = [
        "#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tdns",
        "#fields\t" + "\t".join(DNS_FIELDS), "#types\t" + "\t".join(DNS_TYPES),
    ]  # fmt: skip
    for number, query in enumerate(queries):
        row = [
            f"{ts + number:.6f}",
            f"C{number}",
            "192.0.2.10",
            "53000",
            "198.51.100.53",
            "53",
            "udp",
            "1",
            "0.01",
            query,
            "1",
            "C_INTERNET",
            "1",
            "A",
            "0",
            "NOERROR",
            "F",
            "F",
            "T",
            "T",
            "0",
            "-",
            "-",
            "F",
        ]
        lines.append("\t".join(row))
    return ("\n".join(lines) + "\n").encode()


def operator_make(organisation: Organisation) -> Actor:
    membership = member_make([Role.INTEL_STAKEHOLDER, Role.MONITORING_OPERATOR], organisation=organisation)
    return actor_for_user(membership.user)
