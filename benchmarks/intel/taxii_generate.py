"""Data generator for the TAXII benchmark: one collection of N stored STIX object versions.

The rows are bulk-loaded straight into the intel tables with bulk_create, bypassing objects_add: loading a
million objects through validation would take longer than the benchmark and measures something else (the
POST benchmark measures ingest). Everything else (organisations, people, the collection, its grant, the
token) is made through the platform's own services or models as a deployment would have them.

Shape of the data, seeded so each run is identical: 85% indicators (domain and IPv4 patterns), 10% ipv4-addr
observables, 5% malware; TLP 30% GREEN, 58% AMBER, 10% CLEAR, 2% RED (the RED ones invisible to the
stakeholder who reads); 5% of indicators have a second, later version. date_added is strictly increasing,
1 ms apart, as objects_add writes it.

Usage: python benchmarks/intel/taxii_generate.py --objects 100000   (SQLite under benchmarks/data/intel/)
       DATABASE_URL=postgres://... python benchmarks/intel/taxii_generate.py --objects 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data" / "intel"
BASE = datetime(2025, 1, 1, tzinfo=UTC)
GREEN, AMBER, CLEAR, RED = (
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
)


def django_setup(objects: int) -> Path:
    """Points the settings at this size's own data directory (or DATABASE_URL) and starts Django."""
    data_dir = DATA / f"taxii-{objects}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LIONROCK_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("LIONROCK_TASKS_IMMEDIATE", "1")
    os.environ.setdefault("LIONROCK_REQUIRE_MFA", "0")
    os.environ.setdefault("LIONROCK_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lionrock.config.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    return data_dir


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def make_object(rng: random.Random, n: int) -> tuple[dict[str, Any], str]:
    """One STIX object and its TLP level, deterministic for n."""
    roll = rng.random()
    created = BASE + timedelta(seconds=n)
    tlp_roll = rng.random()
    tlp, marking = (
        ("green", GREEN)
        if tlp_roll < 0.30
        else ("amber", AMBER)
        if tlp_roll < 0.88
        else ("clear", CLEAR)
        if tlp_roll < 0.98
        else ("red", RED)
    )
    if roll < 0.85:
        if rng.random() < 0.5:
            pattern = f"[domain-name:value = 'host{n}.bench{n % 997}.example']"
        else:
            pattern = f"[ipv4-addr:value = '10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}']"
        obj: dict[str, Any] = {
            "type": "indicator",
            "spec_version": "2.1",
            "id": f"indicator--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "created": stamp(created),
            "modified": stamp(created),
            "name": f"Benchmark indicator {n}",
            "indicator_types": ["malicious-activity"],
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": stamp(created),
            "object_marking_refs": [marking],
        }
    elif roll < 0.95:
        obj = {
            "type": "ipv4-addr",
            "spec_version": "2.1",
            "id": f"ipv4-addr--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "value": f"192.0.{(n >> 8) & 255}.{n & 255}",
            "object_marking_refs": [marking],
        }
    else:
        obj = {
            "type": "malware",
            "spec_version": "2.1",
            "id": f"malware--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            "created": stamp(created),
            "modified": stamp(created),
            "name": f"Benchmark family {n}",
            "is_family": True,
            "object_marking_refs": [marking],
        }
    return obj, tlp


def canonical(obj: dict[str, Any]) -> str:
    """The same JSON text intel's objects_add stores."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def world_make(objects: int) -> dict[str, Any]:
    """Organisations, people, the collection and a stakeholder token; returned for the benchmark."""
    from lionrock.core.accounts import services as account_services
    from lionrock.core.accounts.access import actor_for_user
    from lionrock.core.accounts.models import Membership, MembershipRole, Organisation, User
    from lionrock.core.accounts.roles import Role
    from lionrock.cyber.intel import services as intel_services

    cert = Organisation.objects.create(slug="bench-cert", name_en="Bench CERT", kind="cert")
    isp = Organisation.objects.create(slug="bench-isp", name_en="Bench ISP", kind="infrastructure")
    people = {}
    for email, org, role in (
        ("analyst@bench.example", cert, Role.INTEL_ANALYST),
        ("feed@bench.example", isp, Role.INTEL_STAKEHOLDER),
    ):
        user = User.objects.create(email=email, full_name=email.split("@")[0])
        membership = Membership.objects.create(user=user, organisation=org)
        MembershipRole.objects.create(membership=membership, role=role)
        people[email] = actor_for_user(user)
    analyst, feed = people["analyst@bench.example"], people["feed@bench.example"]
    collection = intel_services.collection_create(
        actor=analyst, owner=cert, alias="bench", title="Benchmark indicators", max_tlp="red"
    )
    intel_services.collection_grant_set(
        actor=analyst, collection=collection, organisation=isp, can_read=True, can_write=True
    )
    _token, secret = account_services.token_create(
        actor=feed,
        organisation=isp,
        name="benchmark",
        scopes=["intel:read", "intel:write"],
        expires_in_days=366,
    )
    return {
        "collection": str(collection.id),
        "token": secret,
        "cert": cert.pk,
        "analyst": analyst.user.pk if analyst.user else None,
    }


def generate(objects: int) -> dict[str, Any]:
    """Builds (once) the database for this size; returns what the benchmark needs to query it."""
    data_dir = django_setup(objects)
    marker = data_dir / f"taxii-world-{'postgresql' if os.environ.get('DATABASE_URL') else 'sqlite'}.json"
    if marker.exists():
        return json.loads(marker.read_text())  # type: ignore[no-any-return]
    from django.core.management import call_command
    from django.db import connection, transaction

    from lionrock.cyber.intel.models import StixObject

    call_command("migrate", verbosity=0)
    world = world_make(objects)
    rng = random.Random(objects)
    started = time.perf_counter()
    batch: list[StixObject] = []
    samples: list[str] = []
    second_versions = 0
    n = 0
    moment = BASE
    common = {
        "collection_id": world["collection"],
        "created_by_org_id": world["cert"],
        "created_by_user_id": world["analyst"],
        "source": "benchmark",
    }

    def flush() -> None:
        with transaction.atomic():
            StixObject.objects.bulk_create(batch, batch_size=2000)
        batch.clear()

    pending_updates: list[tuple[dict[str, Any], str]] = []
    while n < objects:
        obj, tlp = make_object(rng, n)
        created = datetime.fromisoformat(obj.get("created", stamp(BASE)).replace("Z", "+00:00"))
        is_latest = True
        if obj["type"] == "indicator" and rng.random() < 0.05 and n + 1 < objects:
            is_latest = False
            pending_updates.append((obj, tlp))
        batch.append(
            StixObject(
                stix_id=obj["id"],
                type=obj["type"],
                created=created,
                modified=created,
                date_added=moment,
                is_latest=is_latest,
                tlp=tlp,
                raw=canonical(obj),
                **common,
            )
        )
        if obj["type"] == "indicator" and tlp != "red" and n % max(1, objects // 20) == 0:
            samples.append(obj["id"])
        n += 1
        moment += timedelta(milliseconds=1)
        # A few objects later, the second version of an earlier indicator arrives.
        if pending_updates and rng.random() < 0.5 and n < objects:
            old, old_tlp = pending_updates.pop()
            newer = {
                **old,
                "modified": stamp(BASE + timedelta(seconds=objects + n)),
                "name": old["name"] + " v2",
            }
            batch.append(
                StixObject(
                    stix_id=newer["id"],
                    type="indicator",
                    created=datetime.fromisoformat(newer["created"].replace("Z", "+00:00")),
                    modified=datetime.fromisoformat(newer["modified"].replace("Z", "+00:00")),
                    date_added=moment,
                    is_latest=True,
                    tlp=old_tlp,
                    raw=canonical(newer),
                    **common,
                )
            )
            second_versions += 1
            n += 1
            moment += timedelta(milliseconds=1)
        if len(batch) >= 20000:
            flush()
            print(f"  {n:>9,} rows  {time.perf_counter() - started:6.1f} s", flush=True)
    # Indicators still waiting for their second version keep their first as the latest.
    if pending_updates:
        StixObject.objects.filter(stix_id__in=[old["id"] for old, _ in pending_updates]).update(
            is_latest=True
        )
    flush()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE intel_stixobject")
    world.update(
        objects=objects,
        second_versions=second_versions,
        samples=samples,
        load_seconds=round(time.perf_counter() - started, 1),
        database=connection.vendor,
    )
    marker.write_text(json.dumps(world, indent=1))
    return world


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=100_000)
    args = parser.parse_args()
    world = generate(args.objects)
    print(json.dumps({k: v for k, v in world.items() if k != "token"}, indent=1))


if __name__ == "__main__":
    main()
