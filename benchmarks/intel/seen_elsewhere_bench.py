"""Benchmark: "seen elsewhere" for one value at 100,000 and 1,000,000 stored objects (target <= 10 ms).

Runs on the databases made by taxii_generate.py. Their rows were bulk-loaded without the correlation
index, so the first run fills it from the stored JSON with the store's own correlation.values_of (once).
Side by side, the same question answered without the index, the way a store that keeps only the JSON must
answer it: a substring search of every object visible to the reader (LIKE '%value%'), which also returns
false hits (11.2.3.45 for 1.2.3.4) that the index never does.

Usage: uv run python benchmarks/intel/seen_elsewhere_bench.py --objects 1000000 [--lookups 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from taxii_generate import django_setup


def backfill() -> int:
    from lionrock.cyber.intel.correlation import value_key, values_of
    from lionrock.cyber.intel.models import ObservableValue, StixObject

    if ObservableValue.objects.exists():
        return ObservableValue.objects.count()
    batch: list[ObservableValue] = []
    for pk, raw in StixObject.objects.values_list("pk", "raw").iterator(chunk_size=5000):
        for kind, value in values_of(json.loads(raw)):
            row = ObservableValue(stix_object_id=pk, kind=kind, value=value, key=value_key(kind, value))
            batch.append(row)
        if len(batch) >= 20000:
            ObservableValue.objects.bulk_create(batch)
            batch = []
    ObservableValue.objects.bulk_create(batch)
    return ObservableValue.objects.count()


def timed(fn, repeats: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--baseline-lookups", type=int, default=5)
    args = parser.parse_args()
    django_setup(args.objects)
    from django.db import connection

    from lionrock.core.accounts.access import actor_for_user
    from lionrock.core.accounts.models import User
    from lionrock.cyber.intel import selectors
    from lionrock.cyber.intel.models import ObservableValue, StixObject

    started = time.perf_counter()
    values = backfill()
    fill_seconds = time.perf_counter() - started
    reader = actor_for_user(User.objects.get(email="feed@bench.example"))
    rng = random.Random(7)
    keys = list(ObservableValue.objects.order_by("?").values_list("kind", "value")[: args.lookups])
    rng.shuffle(keys)

    def indexed(kind: str, value: str) -> int:
        return len(list(selectors.value_appearances(actor=reader, kind=kind, value=value)))

    latencies, hits = [], []
    for kind, value in keys:
        started = time.perf_counter()
        hits.append(indexed(kind, value))
        latencies.append((time.perf_counter() - started) * 1000)
    absent = timed(lambda: indexed("domain", "never-seen.example"), 20)

    baseline, baseline_hits = [], []
    visible = selectors.stix_objects_visible(actor=reader)
    for _kind, value in keys[: args.baseline_lookups]:
        started = time.perf_counter()
        rows = visible.filter(raw__contains=value).values_list("pk")[:100]
        baseline_hits.append(len(list(rows)))
        baseline.append((time.perf_counter() - started) * 1000)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]

    report = {
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}",
        "load_average": os.getloadavg(),
        "database": connection.vendor,
        "objects": StixObject.objects.count(),
        "indexed_values": values,
        "index_fill_seconds": round(fill_seconds, 1),
        "lookups": len(latencies),
        "indexed_median_ms": round(statistics.median(latencies), 2),
        "indexed_p95_ms": round(p95(latencies), 2),
        "absent_value_median_ms": round(statistics.median(absent), 2),
        "mean_hits": round(statistics.mean(hits), 2),
        "baseline_substring_median_ms": round(statistics.median(baseline), 1),
        "baseline_lookups": len(baseline),
        "speed_up": round(statistics.median(baseline) / statistics.median(latencies), 1),
    }
    out = Path(__file__).resolve().parents[1] / "out"
    out.mkdir(exist_ok=True)
    (out / f"seen-elsewhere-{args.objects}.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
