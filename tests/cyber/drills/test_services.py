"""Planning, the clock, scoring and the refusals of bad input: each refused, each leaving nothing changed."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import store
from lionrock.core.files.models import Attachment
from lionrock.cyber.drills import clock, downloads, selectors, services
from lionrock.cyber.drills.models import Canary, Delivery, Evidence, Exercise, Inject
from lionrock.cyber.drills.scoring import decayed
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.monitoring import selectors as monitoring_selectors
from lionrock.cyber.taxii.protocol import TAXII_MEDIA_TYPE
from tests.core.accounts.factories import OrganisationFactory
from tests.cyber.drills.factories import bearer, exercise_make, world_make
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db


def _sighting(indicator_id: str) -> dict[str, object]:
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": "2026-12-05T01:00:00.000Z",
        "modified": "2026-12-05T01:00:00.000Z",
        "sighting_of_ref": indicator_id,
        "count": 1,
    }


def test_an_exercise_from_a_template_plants_unique_canaries_for_each_team_and_their_indicators() -> None:
    world = world_make()
    exercise = exercise_make(world)
    canaries = list(Canary.objects.filter(exercise=exercise))
    values = [c.value for c in canaries]
    assert len(values) == len(set(values))
    assert {c.team.organisation for c in canaries} == {world.team_a, world.team_b}
    assert any(c.is_decoy for c in canaries)
    indicator_ids = {c.indicator_id for c in canaries if not c.is_decoy}
    stored = set(StixObject.objects.filter(collection=exercise.collection).values_list("stix_id", flat=True))
    assert indicator_ids == stored  # decoys are in no collection
    assert exercise.template == "phishing-c2-registry" and exercise.template_version == 1
    assert exercise.collection is not None and exercise.collection.is_exercise


def test_team_a_never_sees_team_b_canaries_over_taxii_or_its_scores() -> None:
    world = world_make()
    exercise = exercise_make(world)
    client = Client()
    url = reverse("taxii:collection", args=[str(exercise.collection_id)]) + "objects/"
    headers = {**bearer(world.player_a, "intel:read"), "Accept": TAXII_MEDIA_TYPE}
    seen = {obj["id"] for obj in client.get(url, headers=headers).json().get("objects", [])}
    own = set(
        Canary.objects.filter(team__organisation=world.team_a, is_decoy=False).values_list(
            "indicator_id", flat=True
        )
    )
    assert seen == own
    board = selectors.scoreboard(actor=world.player_a, exercise=exercise)
    assert [b.team.organisation for b in board.teams] == [world.team_a]
    with pytest.raises(NotFound):
        selectors.team_get(actor=world.player_a, exercise=exercise, organisation="team-b")
    with pytest.raises(NotFound):
        selectors.canaries_of(actor=world.player_a, exercise=exercise, team=board.teams[0].team)


def test_nothing_of_an_exercise_appears_in_real_search_or_the_monitoring_dashboard(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    canary = Canary.objects.filter(team__organisation=world.team_a, is_decoy=False).first()
    assert canary is not None
    from lionrock.cyber.intel import services as intel_services

    with django_capture_on_commit_callbacks(execute=True):  # evidence follows the store's commit
        intel_services.objects_add(
            actor=world.player_a, collection=exercise.collection, objects=[_sighting(canary.indicator_id)]
        )
    for actor in (world.player_a, world.planner):
        assert not intel_selectors.stix_objects_search(actor=actor, value=canary.value).exists()
        assert (
            not intel_selectors.stix_objects_visible(actor=actor)
            .filter(collection=exercise.collection)
            .exists()
        )
        assert monitoring_selectors.indicators_sighted(actor=actor) == []
    assert (
        not intel_selectors.collections_visible(actor=world.player_a)
        .filter(pk=exercise.collection_id)
        .exists()
    )
    assert Evidence.objects.filter(canary=canary, capability="detect").exists()


def test_the_clock_does_not_run_while_paused_and_injects_wait() -> None:
    world = world_make()
    exercise = exercise_make(world)
    start = timezone.now() - timedelta(hours=2)
    services.exercise_start(actor=world.planner, exercise=exercise, now=start)
    services.exercise_pause(actor=world.planner, exercise=exercise, now=start + timedelta(minutes=10))
    services.exercise_resume(actor=world.planner, exercise=exercise, now=start + timedelta(minutes=70))
    assert clock.elapsed(exercise, start + timedelta(minutes=80)) == timedelta(minutes=20)
    delivered = services.injects_deliver_due(exercise=exercise, now=start + timedelta(minutes=85))
    assert {d.inject.number for d in delivered} == set()  # minute 25 of the clock: inject 2 is at 30
    assert {d.inject.number for d in Delivery.objects.filter(inject__exercise=exercise)} == {1}
    services.injects_deliver_due(exercise=exercise, now=start + timedelta(minutes=91))
    assert {d.inject.number for d in Delivery.objects.filter(inject__exercise=exercise)} == {1, 2}


def test_a_score_decays_after_the_deadline_to_nothing_at_twice_the_deadline() -> None:
    deadline = timedelta(minutes=30)
    assert decayed(100, timedelta(minutes=30), deadline) == 100
    assert decayed(100, timedelta(minutes=45), deadline) == 50
    assert decayed(100, timedelta(minutes=60), deadline) == 0


def test_an_inject_after_the_end_is_refused_and_the_timeline_is_unchanged() -> None:
    world = world_make()
    exercise = exercise_make(world)
    before = Inject.objects.filter(exercise=exercise).count()
    with pytest.raises(ValidationFailed, match="after the end"):
        services.inject_add(actor=world.planner, exercise=exercise, offset_minutes=999, title_en="Late")
    assert Inject.objects.filter(exercise=exercise).count() == before


def test_an_inject_for_a_team_not_in_the_exercise_is_refused() -> None:
    world = world_make()
    exercise = exercise_make(world)
    stranger = OrganisationFactory(name_en="Charlie Cloud")
    before = Inject.objects.filter(exercise=exercise).count()
    with pytest.raises(ValidationFailed, match="does not take part"):
        services.inject_add(
            actor=world.planner, exercise=exercise, offset_minutes=10, title_en="Check", targets=[stranger]
        )
    assert Inject.objects.filter(exercise=exercise).count() == before


def test_a_sighting_for_an_exercise_that_has_ended_is_refused_with_a_clear_message_over_taxii() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_end(actor=world.planner, exercise=exercise)
    canary = Canary.objects.filter(team__organisation=world.team_a, is_decoy=False).first()
    assert canary is not None
    url = reverse("taxii:collection", args=[str(exercise.collection_id)]) + "objects/"
    headers = {**bearer(world.player_a, "intel:read", "intel:write"), "Accept": TAXII_MEDIA_TYPE}
    before = StixObject.objects.filter(collection=exercise.collection).count()
    status = (
        Client()
        .post(
            url,
            json.dumps({"objects": [_sighting(canary.indicator_id)]}),
            content_type=TAXII_MEDIA_TYPE,
            headers=headers,
        )
        .json()
    )
    assert status["failure_count"] == 1
    assert "has ended" in status["failures"][0]["message"]
    assert StixObject.objects.filter(collection=exercise.collection).count() == before
    assert not Evidence.objects.exists()


def test_an_artefact_download_by_another_team_is_not_found_and_before_delivery_is_refused() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    with pytest.raises(ValidationFailed, match="No artefact"):
        downloads.artefacts_archive(actor=world.player_a, exercise=exercise, organisation="team-a")
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    with pytest.raises(NotFound):
        downloads.artefacts_archive(actor=world.player_b, exercise=exercise, organisation="team-a")
    response = Client().get(
        f"/api/drills/exercises/{exercise.pk}/teams/team-a/artefacts",
        headers=bearer(world.player_b, "drills:read"),
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        selectors.exercise_get(actor=world.outsider, pk=exercise.pk)


def test_a_teams_stored_archive_is_not_found_through_the_file_door_by_another_team() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    theirs = downloads.artefacts_archive(actor=world.player_a, exercise=exercise, organisation="team-a")
    own = client_for(world.player_a).get(f"/files/{theirs.pk}/")
    assert own.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(own.streaming_content))).namelist()  # type: ignore[attr-defined]
    assert client_for(world.player_b).get(f"/files/{theirs.pk}/").status_code == 404
    assert client_for(world.outsider).get(f"/files/{theirs.pk}/").status_code == 404
    assert client_for(world.planner).get(f"/files/{theirs.pk}/").status_code == 200


def test_a_teams_archive_is_made_once_and_every_later_download_gets_the_same_stored_file() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    first = downloads.artefacts_archive(actor=world.player_a, exercise=exercise, organisation="team-a")
    again = downloads.artefacts_archive(actor=world.player_a, exercise=exercise, organisation="team-a")
    by_api = Client().get(
        f"/api/drills/exercises/{exercise.pk}/teams/team-a/artefacts",
        headers=bearer(world.player_a, "drills:read"),
    )
    assert by_api.status_code == 200
    sent = b"".join(by_api.streaming_content)  # type: ignore[attr-defined]
    assert again.pk == first.pk
    assert hashlib.sha256(sent).hexdigest() == first.sha256
    team_a = exercise.teams.get(organisation=world.team_a)
    assert Attachment.objects.filter(object_id=str(team_a.pk), original_name__endswith=".zip").count() == 1
    assert AuditEntry.objects.filter(action="files.attachment.add", target_id=str(first.pk)).count() == 1


def test_delivering_the_artefact_inject_stores_every_teams_archive_and_approving_the_report_deletes_them(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    with django_capture_on_commit_callbacks(execute=True):
        services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    stored = list(Attachment.objects.filter(original_name__startswith=f"exercise-{exercise.pk}-"))
    assert sorted(a.original_name for a in stored) == [
        f"exercise-{exercise.pk}-team-a-logs-2.zip",
        f"exercise-{exercise.pk}-team-b-logs-2.zip",
    ]
    paths = [store.blob_path(a.area, a.stored_name) for a in stored]
    assert all(path.exists() for path in paths)
    services.exercise_end(actor=world.planner, exercise=exercise)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_approve(actor=world.planner, exercise=exercise)
    assert not Attachment.objects.filter(pk__in=[a.pk for a in stored]).exists()
    assert not any(path.exists() for path in paths)
    assert AuditEntry.objects.filter(action="files.attachment.delete").count() == 2


def test_an_evaluator_scores_what_no_machine_can_judge_with_a_comment() -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=95)
    expectation = next(
        e for i in exercise.injects.all() for e in i.expectations.all() if e.capability == "contain"
    )
    team = exercise.teams.get(organisation=world.team_a)
    with pytest.raises(ValidationFailed):
        services.manual_score_set(
            actor=world.planner, exercise=exercise, expectation=expectation, team=team, score=40, comment=" "
        )
    services.manual_score_set(
        actor=world.planner,
        exercise=exercise,
        expectation=expectation,
        team=team,
        score=40,
        comment="Blocked late",
    )
    board = selectors.scoreboard(actor=world.planner, exercise=exercise)
    row = next(r for b in board.teams if b.team == team for r in b.rows if r.expectation == expectation)
    assert (row.status, row.score, row.comment) == ("evaluated", 40.0, "Blocked late")


def test_the_api_needs_the_drills_scopes_and_lists_the_three_templates() -> None:
    world = world_make()
    client = Client()
    assert client.get("/api/drills/templates", headers=bearer(world.planner, "intel:read")).status_code == 403
    answer = client.get("/api/drills/templates", headers=bearer(world.planner, "drills:read")).json()
    assert {t["slug"] for t in answer} == {"ddos-major-event", "phishing-c2-registry", "defacement-election"}
    created = client.post(
        "/api/drills/exercises",
        {"template": "ddos-major-event", "teams": ["team-a"], "starts_at": "2026-12-05T09:00:00+08:00"},
        content_type="application/json",
        headers=bearer(world.planner, "drills:read"),
    )
    assert created.status_code == 403
    assert not Exercise.objects.exists()


def test_approving_the_report_purges_the_exercise_objects_and_keeps_the_scores(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = world_make()
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    canary = Canary.objects.filter(team__organisation=world.team_a, is_decoy=False).first()
    assert canary is not None
    from lionrock.cyber.intel import services as intel_services

    with django_capture_on_commit_callbacks(execute=True):
        intel_services.objects_add(
            actor=world.player_a, collection=exercise.collection, objects=[_sighting(canary.indicator_id)]
        )
    with pytest.raises(ValidationFailed):
        services.report_approve(actor=world.planner, exercise=exercise)  # still running
    services.exercise_end(actor=world.planner, exercise=exercise)
    services.report_approve(actor=world.planner, exercise=exercise)
    assert not StixObject.objects.filter(collection=exercise.collection).exists()

    assert AuditEntry.objects.filter(action="intel.collection.exercise_purge").exists()
    board = selectors.scoreboard(actor=world.planner, exercise=exercise)
    team_a = next(b for b in board.teams if b.team.organisation == world.team_a)
    assert team_a.detected_canaries == 1


def test_teams_are_compared_across_finished_drills_and_a_player_sees_only_its_own_team() -> None:
    world = world_make()
    for minutes in (30, 30):
        exercise = exercise_make(world)
        services.exercise_start(actor=world.planner, exercise=exercise)
        services.exercise_shift(actor=world.planner, exercise=exercise, minutes=minutes)
        services.exercise_end(actor=world.planner, exercise=exercise)
    trends = selectors.team_trends(actor=world.planner)
    assert [t.organisation for t in trends] == ["Alpha ISP", "Bravo Registry"]
    assert all(len(t.results) == 2 for t in trends)
    assert [t.organisation for t in selectors.team_trends(actor=world.player_a)] == ["Alpha ISP"]


def _running_drill(world: Any) -> tuple[Exercise, Canary, Canary]:
    """A drill half an hour in, with the first team's first canary and the second team's first decoy."""
    exercise = exercise_make(world)
    services.exercise_start(actor=world.planner, exercise=exercise)
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    canary = Canary.objects.filter(team__organisation=world.team_a, is_decoy=False).first()
    decoy = Canary.objects.filter(team__organisation=world.team_b, is_decoy=True).first()
    assert canary is not None and decoy is not None
    return exercise, canary, decoy


def test_an_incident_naming_a_canary_validates_reporting_and_one_naming_a_decoy_is_a_false_positive() -> None:
    world = world_make()
    exercise, canary, decoy = _running_drill(world)
    other_team_canary = Canary.objects.filter(team__organisation=world.team_b, is_decoy=False).first()
    assert other_team_canary is not None
    now = timezone.now()
    assert (
        services.report_evidence_record(
            organisation_id=world.team_a.pk,
            keys=[canary.key, other_team_canary.key],
            received_at=now,
            source="IR-1",
        )
        == 1
    )  # only the team's own canary counts
    services.report_evidence_record(
        organisation_id=world.team_b.pk, keys=[decoy.key], received_at=now, source="IR-2"
    )
    board = {
        b.team.organisation: b for b in selectors.scoreboard(actor=world.planner, exercise=exercise).teams
    }
    report_a = next(r for r in board[world.team_a].rows if r.expectation.capability == "report")
    assert (report_a.status, report_a.validated_at, report_a.evidence) == ("validated", now, "IR-1")
    assert board[world.team_b].false_positives == [decoy]


def _board_rows(board: Any) -> list[tuple[Any, ...]]:
    return [
        (
            team.team.pk,
            team.detected_canaries,
            [c.pk for c in team.false_positives],
            [c.pk for c in team.missed_canaries],
            [
                (r.expectation.pk, r.status, r.score, r.delivered_at, r.validated_at, r.evidence)
                for r in team.rows
            ],
        )
        for team in board.teams
    ]


def test_the_white_cell_page_scores_from_the_timeline_it_shows_and_reads_it_once() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = world_make()
    exercise, canary, decoy = _running_drill(world)
    now = timezone.now()
    services.report_evidence_record(
        organisation_id=world.team_a.pk, keys=[canary.key], received_at=now, source="IR-1"
    )
    services.report_evidence_record(
        organisation_id=world.team_b.pk, keys=[decoy.key], received_at=now, source="IR-2"
    )
    injects = list(selectors.msel(actor=world.planner, exercise=exercise))
    read = selectors.scoreboard(actor=world.planner, exercise=exercise)
    shared = selectors.scoreboard(actor=world.planner, exercise=exercise, injects=injects)
    assert _board_rows(shared) == _board_rows(read)
    assert any(row[2] for row in _board_rows(shared))  # the decoy's false positive is on the board
    assert any(r[1] == "validated" for row in _board_rows(shared) for r in row[4])
    with CaptureQueriesContext(connection) as queries:
        assert client_for(world.planner).get(f"/drills/{exercise.pk}/").status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "drills_expectation"' in q["sql"]]
    assert len(reads) == 1
