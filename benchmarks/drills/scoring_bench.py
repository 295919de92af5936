"""Benchmark: scoring sightings for an exercise — the evidence step and the scoreboard.

The target (issue 13): scoring 100,000 sightings for an exercise in at most 5 s. A throwaway database
(SQLite in a temporary data directory) holds one exercise with --teams teams, started and moved to the
artefact inject. The sightings (a third naming the team's own canaries, the rest other indicators) go
through services.evidence_record, the step the drills receiver runs inside the store's write for every
batch of sightings stored in an exercise collection; then the scoreboard is computed.

With --store the sightings take the whole path a team's tool takes: each team's players post them in
envelopes of --batch objects through intel's objects_add (what a TAXII POST's worker runs), whose write
calls the drills receiver. That time includes validating and storing the STIX objects (intel's cost,
also measured by benchmarks/intel/taxii_bench.py); the evidence step inside it is timed apart.

Prints wall time, CPU seconds and the load average.

Usage: uv run python benchmarks/drills/scoring_bench.py [--sightings 100000] [--teams 20] [--store]
"""

from __future__ import annotations

import argparse
import os
import resource
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

PLAYER_ROLES = (Role.DRILL_PARTICIPANT, Role.INTEL_STAKEHOLDER, Role.MONITORING_OPERATOR)
from lionrock.cyber.drills import selectors, services  # noqa: E402
from lionrock.cyber.drills.models import Canary, Capability  # noqa: E402
from lionrock.cyber.drills.services import evidence as evidence_module  # noqa: E402
from lionrock.cyber.intel import services as intel_services  # noqa: E402
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp  # noqa: E402

STAMP = "2026-12-05T01:00:00.000Z"


def _member(org: Organisation, email: str, *roles: str) -> User:
    user = User.objects.create_user(email=email, password=None)
    membership = Membership.objects.create(user=user, organisation=org)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in roles])
    return user


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _sighting(of: str) -> dict[str, object]:
    return {
        "type": "sighting", "spec_version": "2.1", "id": f"sighting--{uuid.uuid4()}", "created": STAMP,
        "modified": STAMP, "sighting_of_ref": of, "count": 1,
        "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sightings", type=int, default=100_000)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--store", action="store_true", help="post the sightings through intel's store")
    parser.add_argument("--batch", type=int, default=1000, help="objects per envelope with --store")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    office = Organisation.objects.create(slug="office", name_en="Office", name_zh="辦公室")
    planner = actor_for_user(_member(office, "planner@example.org", Role.DRILL_PLANNER))
    teams = [
        Organisation.objects.create(slug=f"t{n}", name_en=f"Team {n}", name_zh=f"隊{n}")
        for n in range(args.teams)
    ]
    players = {
        org.pk: actor_for_user(_member(org, f"player@{org.slug}.example.org", *PLAYER_ROLES)) for org in teams
    }
    exercise = services.exercise_create(
        actor=planner,
        organiser=office,
        template="phishing-c2-registry",
        teams=teams,
        starts_at=timezone.now(),
        lines_per_team=100,
    )
    services.exercise_start(actor=planner, exercise=exercise)
    services.exercise_shift(actor=planner, exercise=exercise, minutes=30)
    canaries = {org.pk: list(Canary.objects.filter(team__organisation=org, is_decoy=False)) for org in teams}
    per_team = args.sightings // args.teams
    now = timezone.now()
    refs = {
        org.pk: [
            own[n % len(own)].indicator_id if n % 3 == 0 else f"indicator--{uuid.uuid4()}"
            for n in range(per_team)
        ]
        for org in teams
        if (own := canaries[org.pk])
    }
    spent = [0.0]
    recorded = evidence_module.evidence_record

    def timed(**kwargs: object) -> int:
        began = time.perf_counter()
        try:
            return recorded(**kwargs)  # type: ignore[arg-type]
        finally:
            spent[0] += time.perf_counter() - began

    evidence_module.evidence_record = timed  # type: ignore[assignment]
    services.evidence_record = timed  # type: ignore[attr-defined]
    cpu, began = _cpu(), time.perf_counter()
    for org in teams:
        if args.store:
            batch = [_sighting(ref) for ref in refs[org.pk]]
            for at in range(0, len(batch), args.batch):
                intel_services.objects_add(
                    actor=players[org.pk], collection=exercise.collection,
                    objects=batch[at : at + args.batch], source="taxii", all_or_nothing=False,
                )  # fmt: skip
        else:
            services.evidence_record(
                exercise=exercise,
                organisation_id=org.pk,
                capability=Capability.DETECT,
                found=[(ref, now, f"s-{n}") for n, ref in enumerate(refs[org.pk])],
                by_indicator=True,
            )
    stored = time.perf_counter() - began
    began = time.perf_counter()
    board = selectors.scoreboard(actor=planner, exercise=exercise)
    scoreboard = time.perf_counter() - began
    cpu = _cpu() - cpu
    load = os.getloadavg()
    validated = sum(1 for team in board.teams for row in team.rows if row.validated_at)
    detected = sum(team.detected_canaries for team in board.teams)
    path = "stored through intel's objects_add" if args.store else "handed to the evidence step"
    print(f"{per_team * args.teams:,} sightings for {args.teams} teams, {path}: {stored:.2f} s")
    print(f"  of which the drills evidence step: {spent[0]:.2f} s")
    print(f"scoreboard ({validated} validated results, {detected} canaries detected): {scoreboard:.2f} s")
    print(
        f"total: {stored + scoreboard:.2f} s wall, {cpu:.2f} s CPU; scoring (evidence + scoreboard) "
        f"{spent[0] + scoreboard:.2f} s; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
