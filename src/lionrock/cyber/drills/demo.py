"""Demo drills: one played before the 15th National Games (scored, with findings and its report) and one
planned before the Legislative Council election. Running it again changes nothing.

The finished drill's evidence is recorded at the times it arrived during the drill (the demo cannot wait
for them); everything else goes through the same services as a real drill.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.drills import services
from lionrock.cyber.drills.models import Canary, Capability, Exercise, Expectation

GAMES_DRILL = "National Games readiness drill 2025"
ELECTION_DRILL = "Legislative Council election drill 2025"
ELECTION_TEAMS = ("victoria-broadband", "electoral-systems", "kowloon-telecom")
# Hong Kong time, as UTC.
GAMES_START = datetime(2025, 10, 28, 1, 0, tzinfo=UTC)
ELECTION_START = datetime(2025, 12, 2, 1, 0, tzinfo=UTC)

# (team, minutes after the artefact inject to detect, to report, to share; None: not done)
RESULTS = {
    "victoria-broadband": (12, 22, 25),
    "kowloon-telecom": (41, None, None),
    "harbour-ix": (None, None, None),
    "major-events": (18, 35, 50),
}


def drills_demo_build(*, quiet: bool) -> None:
    if Exercise.objects.filter(name_en__in=[GAMES_DRILL, ELECTION_DRILL]).exists():
        return
    analyst = User.objects.filter(email="analyst@lionrock.test").first()
    if analyst is None:
        return
    planner = actor_for_user(analyst)
    office = Organisation.objects.get(slug="dpo")
    teams = list(Organisation.objects.filter(slug__in=RESULTS).order_by("slug"))
    games = services.exercise_create(
        actor=planner,
        organiser=office,
        template="ddos-major-event",
        teams=teams,
        starts_at=GAMES_START,
        name_en=GAMES_DRILL,
        name_zh="全國運動會應變演習2025",
        lines_per_team=5000,
    )
    _play(planner, games)
    services.exercise_create(
        actor=planner,
        organiser=office,
        template="defacement-election",
        teams=list(Organisation.objects.filter(slug__in=ELECTION_TEAMS)),
        starts_at=ELECTION_START,
        name_en=ELECTION_DRILL,
        name_zh="立法會選舉演習2025",
        lines_per_team=5000,
    )
    if not quiet:
        print("Demo: a scored drill before the National Games and a planned one before the election.")


def _play(planner: Actor, exercise: Exercise) -> None:
    start = GAMES_START
    services.exercise_start(actor=planner, exercise=exercise, now=start)
    for offset in sorted(set(exercise.injects.values_list("offset_minutes", flat=True))):
        services.injects_deliver_due(exercise=exercise, now=start + timedelta(minutes=offset))
    artefact = exercise.injects.get(number=2)
    delivered = start + timedelta(minutes=artefact.offset_minutes)
    for team in exercise.teams.select_related("organisation"):
        detect, reported, share = RESULTS[team.organisation.slug]
        canaries = list(Canary.objects.filter(team=team, inject=artefact, is_decoy=False))
        steps = ((Capability.DETECT, detect), (Capability.REPORT, reported), (Capability.SHARE, share))
        for capability, minutes in steps:
            if minutes is None or not canaries:
                continue
            moment = delivered + timedelta(minutes=minutes)
            services.evidence_record(
                exercise=exercise,
                organisation_id=team.organisation_id,
                capability=capability,
                found=[(_ref(canaries[0], capability), moment, f"demo-{capability}")],
                by_indicator=capability == Capability.DETECT,
            )
        if team.organisation.slug == "kowloon-telecom":
            decoy = Canary.objects.filter(team=team, is_decoy=True).first()
            if decoy is not None:
                services.evidence_record(
                    exercise=exercise,
                    organisation_id=team.organisation_id,
                    capability=Capability.SHARE,
                    found=[(decoy.key, delivered + timedelta(minutes=33), "demo-share")],
                )
    statement = Expectation.objects.get(inject__exercise=exercise, capability=Capability.COMMUNICATE)
    for slug, score, comment in (
        ("victoria-broadband", 50, "Holding statement in both languages within 20 minutes."),
        ("major-events", 35, "Statement published after 55 minutes; clear, but late."),
    ):
        services.manual_score_set(
            actor=planner,
            exercise=exercise,
            expectation=statement,
            team=exercise.teams.get(organisation__slug=slug),
            score=score,
            comment=comment,
        )
    services.exercise_end(actor=planner, exercise=exercise, now=start + timedelta(minutes=240))
    services.exercise_lessons_set(
        actor=planner,
        exercise=exercise,
        lessons="Detection was fast where the matcher runs on a schedule; reporting waited for a person. "
        "One team reported a decoy: it matched on the zone, not the exact name.",
    )
    owners = {
        org.slug: org for org in Organisation.objects.filter(slug__in=["harbour-ix", "kowloon-telecom"])
    }
    services.finding_add(
        actor=planner,
        exercise=exercise,
        text="Harbour IX did not run the matcher on the delivered logs.",
        improvement="Schedule lionrock match on the exercise collection and watched log directories.",
        owner=owners["harbour-ix"],
        due=date(2026, 1, 31),
    )
    services.finding_add(
        actor=planner,
        exercise=exercise,
        text="Kowloon Telecom shared a near-miss domain (a decoy).",
        improvement="Share exact values from sightings, not look-alike names from the same zone.",
        owner=owners["kowloon-telecom"],
        due=date(2026, 2, 28),
    )


def _ref(canary: Canary, capability: str) -> str:
    return canary.indicator_id if capability == Capability.DETECT else canary.key
