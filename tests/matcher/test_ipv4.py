"""The vectorised IPv4 parser must agree with the standard library on every value, odd ones included."""

from __future__ import annotations

import ipaddress
import random

import pyarrow as pa

from lionrock.matcher import ipv4


def reference(value: str | None) -> int | None:
    """What the parser must return: the address of a canonical dotted quad, else nothing."""
    if value is None:
        return None
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError:
        return None
    return int(address) if str(address) == value else None


def test_the_vectorised_parser_agrees_with_ipaddress_on_valid_odd_and_broken_values() -> None:
    rng = random.Random(7)
    values: list[str | None] = [
        f"{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"
        for _ in range(2000)
    ]
    values += [
        ".".join("0" * 4),
        "255.255.255.255",
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "01.2.3.4",
        "1.2.3.04",
        "1..2.3",
    ]
    values += ["1.2.3.4 ", " 1.2.3.4", "1.2.3.4x", "::1", "2001:db8::1", "", None, "a.b.c.d", "1.2.3.-4"]
    values += ["x" * 40, "123.123.123.1234", "9.9.9.9"]
    rng.shuffle(values)
    addresses, parsed = ipv4.parse(pa.array(values, type=pa.string()))
    for value, address, ok in zip(values, addresses.tolist(), parsed.tolist(), strict=True):
        expected = reference(value)
        assert ok == (expected is not None), value
        if ok:
            assert address == expected, value


def test_a_sliced_column_is_parsed_from_its_own_offset() -> None:
    column = pa.array(["junk", "1.2.3.4", "5.6.7.8"]).slice(1)
    addresses, parsed = ipv4.parse(column)
    assert parsed.tolist() == [True, True]
    assert addresses.tolist() == [0x01020304, 0x05060708]
