"""One signed-in page, in process: its queries, its time, and (with pyinstrument) where the time goes.

Runs against a data directory (a copy: pages may write sessions), with the Django test client signed in as
one account; prints the page's status, query count, the medians of --runs requests after a warm-up (wall
ms, this process's CPU ms, and the ms spent executing its queries: on PostgreSQL, the round trips),
the slowest queries of one request, and a pyinstrument profile of --profile-runs requests.

Usage:
  cp -r /tmp/demo-scale /tmp/demo-scale-profile
  uv run --with pyinstrument python benchmarks/web/page_profile.py --data-dir /tmp/demo-scale-profile \
      --persona analyst@lionrock.test --path /intel/ [--path /...] [--runs 5] [--profile-runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--persona", required=True)
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile-runs", type=int, default=0)
    parser.add_argument("--queries", type=int, default=5, help="how many of the slowest queries to print")
    args = parser.parse_args()
    os.environ["LIONROCK_DATA_DIR"] = str(args.data_dir)
    os.environ["LIONROCK_REQUIRE_MFA"] = "0"
    os.environ.setdefault("LIONROCK_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lionrock.config.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lionrock.core.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=args.persona))
    waited = [0.0]

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waited[0] += time.perf_counter() - started

    for path in args.path:
        client.get(path)  # warm-up
        samples, cpu, in_queries = [], [], []
        with connection.execute_wrapper(timed):
            for _ in range(args.runs):
                waited[0] = 0.0
                started, cpu_started = time.perf_counter(), time.process_time()
                answer = client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                in_queries.append(waited[0] * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(
            f"{path}: {answer.status_code}, {len(queries)} queries, "
            f"median {statistics.median(samples):.1f} ms (of {args.runs}), "
            f"CPU {statistics.median(cpu):.1f} ms, in queries {statistics.median(in_queries):.2f} ms"
        )
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[: args.queries]
        for query in slowest:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}")
        if args.profile_runs:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.profile_runs):
                client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
