"""Benchmark: the analyst's browse and search page and the home panel, before and after the browse indexes.

Data: taxii_generate.py's objects (85% indicators, 10% ipv4-addr, 5% malware; TLP 30% GREEN, 58% AMBER,
10% CLEAR, 2% RED), in their own data directory (benchmarks/data/intel/browse/), then dressed once so the
filters have something to find:

* 20% of rows moved to a second collection the stakeholder has no grant on (its AMBER is hidden from it);
* 10% created by a third organisation (the "created by" filter);
* labels: 5% "phishing", 5% "botnet" and "banking", 0.5% "apt-hk";
* valid_until on 6% of indicators: a third in 3 days, a third in 20 days, a third expired 2 days ago;
* date_added moved so the newest object arrived an hour ago (the panel counts the last 7 days);
* the correlation index filled (value search), as seen_elsewhere_bench.py does.

The dressing is written into the JSON with the schema as it was before (intel migration 0001), then the
real migrations since run and are timed: that is what an upgrade of a store this size costs
(--time-upgrade times them again on a data set already built).

Timed, as a stakeholder (an ISP reading the collection through a grant), median of --runs after a
warm-up: each search the page offers through selectors.stix_objects_page (page ids, rows, capped
count), the home panel, and the whole page through the Django test client. Beside them the previous
query shapes (kept below: regular expressions over the JSON, a count of up to 10,001 rows, OFFSET
pages, the panel parsing up to 1,000 objects), run in the same process on the same data with the new
indexes dropped inside a transaction that is rolled back, so "before" is the schema as it was.

SQLite by default, PostgreSQL when DATABASE_URL is set. The planner's statistics are refreshed with
ANALYZE first; --no-statistics instead empties SQLite's (as on a server where nothing runs ANALYZE; run
without it again to restore them). Writes benchmarks/out/browse-<objects>-<database>.md and .json.

Usage: uv run python benchmarks/intel/browse_bench.py [--objects 100000] [--runs 15] [--baseline-runs 5]
       [--no-statistics] [--time-upgrade]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(HERE))

import taxii_generate  # noqa: E402

taxii_generate.DATA = ROOT / "benchmarks" / "data" / "intel" / "browse"

NEW_INDEXES = {
    "intel_stixobject": [
        "stix_added",
        "stix_type_added",
        "stix_tlp_added",
        "stix_org_added",
        "stix_valid_until",
        "stix_source_ref",
        "stix_target_ref",
        "stix_sighting_of",
    ],
    "intel_objectlabel": ["intel_label_added"],
}


def vendor() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"


# --- data -------------------------------------------------------------------------------------------------


def dress(world: dict[str, Any]) -> dict[str, Any]:
    """Spreads the generated rows over organisations, collections, labels and expiry (see module doc)."""
    from django.db import transaction
    from django.db.models import F, Value
    from django.db.models.functions import Mod, Replace

    from lionrock.core.accounts.access import actor_for_user
    from lionrock.core.accounts.models import Organisation, User
    from lionrock.cyber.intel import services
    from lionrock.cyber.intel.models import StixObject
    from lionrock.cyber.intel.tlp import Tlp

    analyst = actor_for_user(User.objects.get(email="analyst@bench.example"))
    cert = Organisation.objects.get(pk=world["cert"])
    private = services.collection_create(
        actor=analyst, owner=cert, alias="bench-private", title="CERT only", max_tlp=Tlp.RED
    )
    registry = Organisation.objects.create(
        slug="bench-registry", name_en="Bench Registry", kind="infrastructure"
    )
    rows = StixObject.objects.alias(m20=Mod("id", 20), m10=Mod("id", 10), m5=Mod("id", 5))
    rows200 = StixObject.objects.alias(m=Mod("id", 200))
    indicators50 = StixObject.objects.filter(type="indicator").alias(m=Mod("id", 50))
    now = datetime.now(UTC)

    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def with_labels(*labels: str) -> Replace:
        inserted = json.dumps({"labels": list(labels)}, separators=(",", ":"))[1:-1]
        return Replace("raw", Value('"object_marking_refs"'), Value(inserted + ',"object_marking_refs"'))

    def with_valid_until(moment: datetime) -> Replace:
        return Replace(
            "raw",
            Value('"pattern_type":"stix"'),
            Value(f'"pattern_type":"stix","valid_until":"{stamp(moment)}"'),
        )

    started = time.perf_counter()
    with transaction.atomic():
        rows.filter(m5=2).update(collection=private)
        rows.filter(m10=3).update(created_by_org=registry)
        rows.filter(m20=7).update(raw=with_labels("phishing"))
        rows.filter(m20=8).update(raw=with_labels("botnet", "banking"))
        rows200.filter(m=9).update(raw=with_labels("apt-hk"))
        indicators50.filter(m=11).update(raw=with_valid_until(now + timedelta(days=3)))
        indicators50.filter(m=12).update(raw=with_valid_until(now + timedelta(days=20)))
        indicators50.filter(m=13).update(raw=with_valid_until(now - timedelta(days=2)))
        newest = StixObject.objects.order_by("-date_added").values_list("date_added", flat=True)[0]
        # Half a millisecond on top: the generator's rows are whole milliseconds apart, so no shifted
        # row meets an unshifted one under the (collection, date_added) unique constraint.
        shift = now - timedelta(hours=1) - newest
        shift = timedelta(seconds=int(shift.total_seconds()), microseconds=500)
        StixObject.objects.update(date_added=F("date_added") + shift)
    return {"dress_s": round(time.perf_counter() - started, 1)}


def upgrade() -> dict[str, Any]:
    """Takes the intel schema back to 0001 (the JSON keeps everything) and times the migrations since."""
    from django.core.management import call_command
    from django.db.migrations.loader import MigrationLoader

    call_command("migrate", "intel", "0001", verbosity=0)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    seconds = round(time.perf_counter() - started, 1)
    [(_app, leaf)] = MigrationLoader(None).graph.leaf_nodes("intel")
    print(f"  intel migrations 0002 to {leaf}: {seconds} s", flush=True)
    return {"upgrade_s": seconds, "upgrade_to": leaf}


def prepare(objects: int, *, time_upgrade: bool) -> dict[str, Any]:
    """The generated, dressed and migrated data set for this size (built once, then reused)."""
    data_dir = taxii_generate.DATA / f"taxii-{objects}"
    marker = data_dir / f"browse-ready-{vendor()}.json"
    world = taxii_generate.generate(objects)
    from django.core.management import call_command
    from django.db import connection

    if marker.exists():
        built = json.loads(marker.read_text())
        if time_upgrade:
            built.update(upgrade())
            marker.write_text(json.dumps(built, indent=1))
        call_command("migrate", verbosity=0)
        return {**world, **built}
    print("  schema back to intel 0001, dressing the data", flush=True)
    call_command("migrate", "intel", "0001", verbosity=0)
    built = dress(world)
    built.update(upgrade())
    from seen_elsewhere_bench import backfill as values_backfill

    started = time.perf_counter()
    built["indexed_values"] = values_backfill()
    built["values_fill_s"] = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        # The dressing rewrote every row; PostgreSQL keeps the old versions until a vacuum.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    from lionrock.cyber.intel.models import ObjectLabel, StixObject

    built["stored"] = StixObject.objects.count()
    built["with_valid_until"] = StixObject.objects.exclude(valid_until=None).count()
    built["label_rows"] = ObjectLabel.objects.count()
    marker.write_text(json.dumps(built, indent=1))
    return {**world, **built}


# --- the previous query shapes (as selectors and views had them), kept for the baseline ------------------


def old_search(
    *,
    actor: Any,
    value: str = "",
    stix_type: str = "",
    label: str = "",
    organisation: str = "",
    collection: str = "",
    tlp: str = "",
    added_since: date | None = None,
    added_until: date | None = None,
    expiring_within_days: int | None = None,
    include_revoked: bool = False,
) -> Any:
    from lionrock.cyber.intel import selectors
    from lionrock.cyber.intel.correlation import value_key
    from lionrock.cyber.intel.models import ObservableValue
    from lionrock.cyber.intel.validation import ID_RE

    rows = selectors.stix_objects_visible(actor=actor).filter(is_latest=True)
    if not include_revoked:
        rows = rows.filter(revoked=False)
    text = value.strip()
    if text:
        normal = selectors.value_lookup_normalise(text)
        if normal is not None:
            keys = ObservableValue.objects.filter(key=value_key(*normal)).values("stix_object_id")
            rows = rows.filter(pk__in=keys)
        elif ID_RE.match(text):
            rows = rows.filter(stix_id=text)
        else:
            rows = rows.filter(raw__icontains=json.dumps(text, ensure_ascii=False)[1:-1])
    if stix_type:
        rows = rows.filter(type=stix_type)
    if label.strip():
        quoted = re.escape(json.dumps(label.strip(), ensure_ascii=False))
        rows = rows.filter(raw__regex=r'"labels"\s*:\s*\[[^\]]*' + quoted)
    if organisation:
        rows = rows.filter(created_by_org__slug=organisation)
    if collection:
        rows = rows.filter(collection__alias=collection)
    if tlp:
        rows = rows.filter(tlp=tlp)
    if added_since:
        rows = rows.filter(date_added__gte=selectors._day_start(added_since))
    if expiring_within_days is not None:
        today = datetime.now(UTC).date()
        days = "|".join((today + timedelta(days=n)).isoformat() for n in range(expiring_within_days + 1))
        rows = rows.filter(type="indicator", raw__regex=r'"valid_until"\s*:\s*"(' + days + ")T")
    return rows.select_related("collection", "created_by_org").order_by("-date_added")


def old_page(actor: Any, page: int = 1, **filters: Any) -> int:
    """The view's work before: a count of up to 10,001 matches, then an OFFSET page of 50, summarised."""
    from lionrock.cyber.intel import selectors

    rows = old_search(actor=actor, **filters)
    rows.order_by()[:10_001].count()
    summaries = [selectors.object_summarise(row) for row in rows[(page - 1) * 50 : page * 50]]
    return len(summaries)


def old_panel(actor: Any) -> tuple[int, int]:
    from django.utils import timezone

    from lionrock.cyber.intel import selectors

    since = timezone.now() - timedelta(days=7)
    new = (
        selectors.stix_objects_visible(actor=actor)
        .filter(is_latest=True, revoked=False, date_added__gte=since)
        .exclude(created_by_org_id__in=actor.organisation_ids)
        .order_by()[:1000]
        .count()
    )
    now = timezone.now()
    horizon = now + timedelta(days=7)
    expiring = 0
    for row in old_search(actor=actor, expiring_within_days=7)[:1000]:
        until = selectors.object_summarise(row).valid_until
        if until is not None and now <= until <= horizon:
            expiring += 1
    return new, expiring


# --- timing -----------------------------------------------------------------------------------------------


def timed(work: Callable[[], Any], runs: int) -> dict[str, Any]:
    """Median and p95 wall ms over runs after one warm-up, this process's CPU ms, the queries of one run.

    CPU time is this process only: with SQLite that is nearly all the work, with PostgreSQL the
    server's share is missing from it. On a shared machine wall time also counts waiting for others.
    """
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = work()
    samples, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        work()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "cpu_ms": round(statistics.median(cpu), 2),
        "queries": len(executed),
        "result": result if isinstance(result, int | tuple) else None,
    }


def cases(world: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("default page", {}),
        ("type = malware", {"stix_type": "malware"}),
        ("label = phishing (5%)", {"label": "phishing"}),
        ("label = apt-hk (0.5%)", {"label": "apt-hk"}),
        ("TLP = clear", {"tlp": "clear"}),
        ("created by bench-registry", {"organisation": "bench-registry"}),
        ("collection bench", {"collection": "bench"}),
        ("added since yesterday", {"added_since": (datetime.now(UTC) - timedelta(days=1)).date()}),
        ("expiring within 7 days", {"expiring_within_days": 7}),
        ("value (a domain)", {"value": world["sample_value"]}),
        ("free text (scans JSON)", {"value": "Benchmark family 4242"}),
    ]


def deep_cursor(actor: Any, offset: int) -> str:
    """The cursor that starts the page an analyst would reach after offset // 50 clicks on "Older"."""
    from lionrock.cyber.intel import selectors

    row = selectors.stix_objects_search(actor=actor).values_list("date_added", "pk")[offset - 1]
    return selectors._cursor(row[0], row[1])


def measure(world: dict[str, Any], runs: int, baseline_runs: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test import Client

    from lionrock.core.accounts.access import actor_for_user
    from lionrock.core.accounts.models import User
    from lionrock.cyber.intel import panels, selectors

    reader_user = User.objects.get(email="feed@bench.example")
    reader = actor_for_user(reader_user)
    analyst = actor_for_user(User.objects.get(email="analyst@bench.example"))
    results: dict[str, Any] = {"new": {}, "old": {}, "page": {}}

    def new_page(actor: Any, **filters: Any) -> int:
        return len(selectors.stix_objects_page(actor=actor, **filters).summaries)

    print("  new shapes", flush=True)
    for name, filters in cases(world):
        results["new"][name] = timed(lambda f=filters: new_page(reader, **f), runs)
    cursor = deep_cursor(reader, 5_000)
    results["new"]["page 101 (Older x 100)"] = timed(lambda: new_page(reader, older=cursor), runs)
    results["new"]["default page, as the analyst"] = timed(lambda: new_page(analyst), runs)
    results["new"]["home panel"] = timed(lambda: len(panels._intel_panel(reader).items), runs)  # type: ignore[union-attr]

    print("  whole page through the test client", flush=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader_user)
    for name, query in (
        ("/intel/", {}),
        ("/intel/?label=phishing", {"label": "phishing"}),
        ("/intel/?expiring=on", {"expiring": "on"}),
        ("/ (home, all panels)", None),
    ):
        url = "/" if query is None else "/intel/"

        def get(url: str = url, query: dict[str, str] | None = query) -> int:
            response = client.get(url, query or {})
            assert response.status_code == 200, response.status_code
            return len(response.content)

        results["page"][name] = timed(get, runs)

    print("  previous shapes, without the new indexes", flush=True)
    with transaction.atomic():
        with connection.cursor() as db:
            for names in NEW_INDEXES.values():
                for index in names:
                    db.execute(f"DROP INDEX {connection.ops.quote_name(index)}")
        for name, filters in cases(world):
            results["old"][name] = timed(lambda f=filters: old_page(reader, **f), baseline_runs)
        results["old"]["page 101 (Older x 100)"] = timed(lambda: old_page(reader, page=101), baseline_runs)
        results["old"]["default page, as the analyst"] = timed(lambda: old_page(analyst), baseline_runs)
        results["old"]["home panel"] = timed(lambda: old_panel(reader), baseline_runs)
        transaction.set_rollback(True)
    return results


def report(world: dict[str, Any], results: dict[str, Any], machine: dict[str, Any]) -> str:
    lines = [
        f"# Browse benchmark: {world['stored']:,} stored object versions, {machine['database']}",
        "",
        f"{machine['cpus']} CPUs, Python {machine['python']}, {machine['platform']}; run {machine['when']};",
        f"load average at the start {machine['load']} (shared machine: figures are pessimistic).",
        f"Statistics: {machine['statistics']}. Upgrade of this store: intel migrations 0002 to "
        f"{world.get('upgrade_to', '?')} took {world.get('upgrade_s', '?')} s "
        f"({world.get('label_rows', 0):,} label rows, "
        f"{world.get('with_valid_until', 0):,} valid_until values).",
        "",
        "Wall ms: median (p95); CPU: this process's median CPU ms (see timed()); queries of one run.",
        "",
        "| as a stakeholder | before: wall ms, CPU (queries) | now: wall ms (p95), CPU (queries) | faster |",
        "|---|---:|---:|---:|",
    ]
    for name, new in results["new"].items():
        old = results["old"].get(name)
        ratio = f"{old['median_ms'] / new['median_ms']:,.0f}x" if old and new["median_ms"] else "-"
        shown_old = f"{old['median_ms']:,.1f}, {old['cpu_ms']:,.1f} ({old['queries']})" if old else "-"
        lines.append(
            f"| {name} | {shown_old} | {new['median_ms']:,.1f} ({new['p95_ms']:,.1f}), {new['cpu_ms']:,.1f} "
            f"({new['queries']}) | {ratio} |"
        )
    lines += ["", "| whole page (test client, stakeholder) | wall ms (p95) | CPU ms | queries |"]
    lines += ["|---|---:|---:|---:|"]
    for name, entry in results["page"].items():
        lines.append(
            f"| {name} | {entry['median_ms']:,.1f} ({entry['p95_ms']:,.1f}) | {entry['cpu_ms']:,.1f} "
            f"| {entry['queries']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--objects", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--no-statistics", dest="statistics", action="store_false")
    parser.add_argument("--time-upgrade", action="store_true", help="time the intel migrations again")
    args = parser.parse_args()
    os.environ.setdefault("LIONROCK_REQUIRE_MFA", "0")
    os.environ.setdefault("LIONROCK_ALLOWED_HOSTS", "localhost")
    world = prepare(args.objects, time_upgrade=args.time_upgrade)
    from django.db import connection

    from lionrock.cyber.intel.models import ObservableValue

    world["sample_value"] = (
        ObservableValue.objects.filter(kind="domain").order_by("pk").values_list("value", flat=True)[1234]
    )
    with connection.cursor() as cursor:
        if args.statistics:
            cursor.execute("ANALYZE")
            statistics_note = "fresh (ANALYZE before timing)"
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_stat1")
            statistics_note = "none (sqlite_stat1 emptied, as where nothing runs ANALYZE)"
        else:
            statistics_note = "as autovacuum left them"
    connection.close()
    results = measure(world, args.runs, args.baseline_runs)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": " ".join(f"{value:.1f}" for value in os.getloadavg()),
        "database": connection.vendor,
        "statistics": statistics_note,
    }
    text = report(world, results, machine)
    OUT.mkdir(parents=True, exist_ok=True)
    stem = f"browse-{args.objects}-{connection.vendor}" + ("" if args.statistics else "-nostats")
    (OUT / f"{stem}.md").write_text(text)
    (OUT / f"{stem}.json").write_text(
        json.dumps(
            {"machine": machine, "world": {k: v for k, v in world.items() if k != "token"}, **results},
            indent=1,
            default=str,
        )
    )
    print(text)


if __name__ == "__main__":
    main()
