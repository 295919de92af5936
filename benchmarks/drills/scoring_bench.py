"""Benchmark: scoring sightings for an exercise — the evidence step and the scoreboard.

The target (issue 13): scoring 100,000 sightings for an exercise in at most 5 s. A throwaway database
(SQLite in a temporary data directory) holds one exercise with --teams teams. The sightings (a third
naming the team's own canaries, the rest other indicators) go through services.evidence_record, the
step the drills receiver runs inside the store's write for every batch of sightings stored in an
exercise collection; then the scoreboard is computed. Storing the STIX objects themselves is intel's
cost and is measured by benchmarks/intel/taxii_bench.py.

Usage: uv run python benchmarks/drills/scoring_bench.py [--sightings 100000] [--teams 20]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid

os.environ.setdefault("LIONROCK_DATA_DIR", tempfile.mkdtemp(prefix="lionrock-drill-score-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lionrock.config.settings")
os.environ.setdefault("LIONROCK_TASKS_IMMEDIATE", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from lionrock.core.accounts.access import actor_for_user  # noqa: E402
from lionrock.core.accounts.models import Membership, MembershipRole, Organisation, User  # noqa: E402
from lionrock.core.accounts.roles import Role  # noqa: E402
from lionrock.cyber.drills import selectors, services  # noqa: E402
from lionrock.cyber.drills.models import Canary, Capability  # noqa: E402


def _member(org: Organisation, email: str, *roles: str) -> User:
    user = User.objects.create_user(email=email, password=None)
    membership = Membership.objects.create(user=user, organisation=org)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in roles])
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sightings", type=int, default=100_000)
    parser.add_argument("--teams", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    office = Organisation.objects.create(slug="office", name_en="Office", name_zh="辦公室")
    planner = actor_for_user(_member(office, "planner@example.org", Role.DRILL_PLANNER))
    teams = [
        Organisation.objects.create(slug=f"t{n}", name_en=f"Team {n}", name_zh=f"隊{n}")
        for n in range(args.teams)
    ]
    exercise = services.exercise_create(
        actor=planner,
        organiser=office,
        template="phishing-c2-registry",
        teams=teams,
        starts_at=timezone.now(),
    )
    services.exercise_start(actor=planner, exercise=exercise)
    services.exercise_shift(actor=planner, exercise=exercise, minutes=30)
    canaries = {org.pk: list(Canary.objects.filter(team__organisation=org, is_decoy=False)) for org in teams}
    per_team = args.sightings // args.teams
    now = timezone.now()
    began = time.perf_counter()
    for org in teams:
        own = canaries[org.pk]
        found = [
            (own[n % len(own)].indicator_id if n % 3 == 0 else f"indicator--{uuid.uuid4()}", now, f"s-{n}")
            for n in range(per_team)
        ]
        services.evidence_record(
            exercise=exercise,
            organisation_id=org.pk,
            capability=Capability.DETECT,
            found=found,
            by_indicator=True,
        )
    evidence = time.perf_counter() - began
    began = time.perf_counter()
    board = selectors.scoreboard(actor=planner, exercise=exercise)
    scoreboard = time.perf_counter() - began
    validated = sum(1 for team in board.teams for row in team.rows if row.validated_at)
    print(f"evidence from {per_team * args.teams:,} sightings for {args.teams} teams: {evidence:.2f} s")
    print(f"scoreboard ({validated} validated results): {scoreboard:.2f} s")
    print(f"total: {evidence + scoreboard:.2f} s")


if __name__ == "__main__":
    main()
