"""Benchmark: making and storing each team's drill artefacts (Zeek conn/dns/http, Suricata EVE, access log).

The target (issue 13): 1,000,000 log lines for each of 20 teams in at most 60 s on the 2-core machine.
The path users take: a throwaway database (SQLite in a temporary data directory) holds one exercise with
--teams teams and --lines lines per team, planned from a template (its canaries and decoys planted as in
any drill); the exercise starts and its clock moves to the artefact inject, whose delivery queues the
job that makes every team's zip (teams in a process pool, one worker per core) and stores it through the
file store. The time measured is that delivery and the job (the queue runs it at once here). Prints the
wall time, CPU seconds (this process and its workers) and the load average, and each stored archive's
size; --check unzips one archive and counts its lines.

Usage: uv run python benchmarks/drills/artefacts_bench.py [--teams 20] [--lines 1000000] [--check]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
import zipfile

os.environ.setdefault("LIONROCK_DATA_DIR", tempfile.mkdtemp(prefix="lionrock-drill-artefacts-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lionrock.config.settings")
os.environ.setdefault("LIONROCK_TASKS_IMMEDIATE", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from lionrock.core.accounts.access import actor_for_user  # noqa: E402
from lionrock.core.accounts.models import Membership, MembershipRole, Organisation, User  # noqa: E402
from lionrock.core.accounts.roles import Role  # noqa: E402
from lionrock.core.files import store  # noqa: E402
from lionrock.core.files.models import Attachment  # noqa: E402
from lionrock.cyber.drills import services  # noqa: E402
from lionrock.cyber.drills.models import Inject  # noqa: E402


def _cpu() -> float:
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--check", action="store_true", help="unzip one archive and count its lines")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    office = Organisation.objects.create(slug="office", name_en="Office", name_zh="辦公室")
    user = User.objects.create_user(email="planner@example.org", password=None)
    membership = Membership.objects.create(user=user, organisation=office)
    MembershipRole.objects.create(membership=membership, role=Role.DRILL_PLANNER)
    planner = actor_for_user(user)
    teams = [
        Organisation.objects.create(slug=f"team-{n}", name_en=f"Team {n}", name_zh=f"隊{n}")
        for n in range(args.teams)
    ]
    exercise = services.exercise_create(
        actor=planner,
        organiser=office,
        template="phishing-c2-registry",
        teams=teams,
        starts_at=timezone.now(),
        lines_per_team=args.lines,
    )
    services.exercise_start(actor=planner, exercise=exercise)
    artefact = exercise.injects.filter(channel=Inject.Channel.ARTEFACT).order_by("offset_minutes").first()
    minutes = artefact.offset_minutes if artefact else 30
    cpu, began = _cpu(), time.perf_counter()
    services.exercise_shift(actor=planner, exercise=exercise, minutes=minutes)
    took, cpu = time.perf_counter() - began, _cpu() - cpu
    load = os.getloadavg()
    stored = list(Attachment.objects.filter(original_name__startswith=f"exercise-{exercise.pk}-"))
    size = sum(a.size for a in stored)
    print(f"stored {len(stored)} archives, {size / 1e6:,.1f} MB in all ({args.lines:,} lines per team)")
    if args.check and stored:
        with zipfile.ZipFile(store.blob_path(stored[0].area, stored[0].stored_name)) as archive:
            lines = sum(archive.read(name).count(b"\n") for name in archive.namelist())
        print(f"{stored[0].original_name}: {lines:,} lines")
    print(
        f"total: {args.teams} teams x {args.lines:,} lines in {took:.2f} s wall, {cpu:.1f} s CPU "
        f"on {os.cpu_count()} cores; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
