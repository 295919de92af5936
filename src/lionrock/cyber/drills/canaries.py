"""Canary and decoy values: unique per team, reproducible from the exercise's seed, realistic to look at.

A canary is what a team must find (an indicator in the exercise collection, addressed to that team only);
a decoy is a near miss of one of its canaries (one character or one label away) that appears in the same
logs but is in no collection: a team that reports it is guessing, and it counts as a false positive.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

# Words that make the names look like the infrastructure attackers rent; the hex part makes them unique.
_WORDS = ("cdn", "update", "sync", "static", "api", "login", "portal", "assets", "mail", "secure")
_ZONES = ("hk-cdnsync.net", "gov-portal-hk.com", "mtr-info-hk.org", "evote-hk.info", "games-ticket-hk.com")


@dataclass(frozen=True)
class PlannedValue:
    kind: str  # "domain", "address" or "url", as the matcher names them
    value: str
    is_decoy: bool


def _rng(seed: str, *parts: object) -> random.Random:
    digest = hashlib.sha256("\x00".join([seed, *map(str, parts)]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _domain(rng: random.Random) -> str:
    return f"{rng.choice(_WORDS)}-{rng.getrandbits(24):06x}.{rng.choice(_ZONES)}"


def _address(rng: random.Random) -> str:
    # Public address space that no MISP warninglist the matcher ships covers (cloud, VPN and datacentre
    # lists cover most of the others): a warninglisted canary would be suppressed by `lionrock match` and
    # could never be detected. tests/cyber/drills/test_canaries.py screens a large sample to keep it so.
    return f"90.{rng.randint(16, 120)}.{rng.randint(0, 255)}.{rng.randint(2, 253)}"


def _near_miss(kind: str, value: str, rng: random.Random) -> str:
    """One character (hex digit) or one octet away: close enough to tempt a careless analyst."""
    if kind == "address":
        octets = value.split(".")
        octets[3] = str((int(octets[3]) % 252) + 2 if octets[3] != "253" else 2)
        return ".".join(octets)
    head, _, tail = value.partition("-")
    hex_part, dot, rest = tail.partition(".")
    flipped = f"{(int(hex_part[:6], 16) ^ (1 << rng.randint(0, 23))):06x}"
    return f"{head}-{flipped}{hex_part[6:]}{dot}{rest}"


def values_plan(
    *, seed: str, team: str, inject: int, canaries: dict[str, int], decoys: int, taken: set[str]
) -> list[PlannedValue]:
    """The canaries (by kind: how many) and decoys for one team and one inject; `taken` keeps them unique
    across the whole exercise (it is updated)."""
    rng = _rng(seed, team, inject)
    planned: list[PlannedValue] = []
    for kind in ("domain", "url", "address"):
        for _n in range(canaries.get(kind, 0)):
            while True:
                if kind == "domain":
                    value = _domain(rng)
                elif kind == "url":
                    page = rng.choice(("gate", "check", "beacon", "upd"))
                    value = f"http://{_domain(rng)}/{page}.php?id={rng.getrandbits(32):08x}"
                else:
                    value = _address(rng)
                if value not in taken:
                    break
            taken.add(value)
            planned.append(PlannedValue(kind, value, False))
    originals = [p for p in planned if p.kind != "url"] or planned
    for number in range(decoys):
        if not originals:
            break
        source = originals[number % len(originals)]
        kind = source.kind if source.kind != "url" else "domain"
        base = source.value if source.kind != "url" else source.value.split("/")[2]
        value = _near_miss(kind, base, rng)
        while value in taken:
            value = _near_miss(kind, base, rng)
        taken.add(value)
        planned.append(PlannedValue(kind, value, True))
    return planned
