"""The drill as teams play it: artefacts, the matcher, TAXII, and the scoreboard and report that follow."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lionrock.core.documents import PdfUnavailable, html_render
from lionrock.cyber.drills import report, services
from lionrock.cyber.drills.models import Canary, Exercise
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.cyber.taxii.protocol import TAXII_MEDIA_TYPE
from lionrock.matcher.command import main as match_main
from tests.core.accounts.factories import OrganisationFactory
from tests.cyber.drills.factories import DrillWorld, bearer, world_make
from tests.cyber.incidents.factories import regime_make
from tests.pdf_reading import pdf_pages, pdf_renderer_missing

pytestmark = pytest.mark.django_db

STAMP = "2026-12-01T00:00:00.000Z"


def _taxii_objects_url(exercise: Exercise) -> str:
    return reverse("taxii:collection", args=[str(exercise.collection_id)]) + "objects/"


def _shared_indicator(value: str) -> dict[str, Any]:
    return {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": STAMP,
        "modified": STAMP,
        "name": f"Seen here: {value}",
        "pattern": f"[domain-name:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": STAMP,
        "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
    }


def _start_and_reach_the_logs(world: DrillWorld, client: Client) -> Exercise:
    planner = bearer(world.planner, "drills:read", "drills:write")
    created = client.post(
        "/api/drills/exercises",
        {
            "template": "phishing-c2-registry",
            "teams": ["team-a", "team-b"],
            "starts_at": "2026-12-05T09:00:00+08:00",
            "lines_per_team": 2000,
        },
        content_type="application/json",
        headers=planner,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    exercise = Exercise.objects.get(pk=body["id"])
    assert body["taxii_collection"] == str(exercise.collection_id)
    assert (
        client.post(f"/api/drills/exercises/{exercise.pk}/start", headers=planner).json()["status"]
        == "running"
    )
    exercise.refresh_from_db()
    # The controller moves the clock to the artefact inject (minute 30) instead of waiting half an hour.
    services.exercise_shift(actor=world.planner, exercise=exercise, minutes=30)
    return exercise


def test_two_teams_play_a_drill_and_the_scoreboard_and_report_agree(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_make()
    client = Client()
    exercise = _start_and_reach_the_logs(world, client)
    player_a = bearer(world.player_a, "drills:read", "intel:read", "intel:write")
    player_b = bearer(world.player_b, "drills:read", "intel:read", "intel:write")

    # Team A downloads its logs, fetches the exercise collection over TAXII and runs the matcher.
    download = client.get(f"/api/drills/exercises/{exercise.pk}/teams/team-a/artefacts", headers=player_a)
    assert download.status_code == 200
    zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).extractall(tmp_path / "logs")
    envelope = client.get(_taxii_objects_url(exercise), headers={**player_a, "Accept": TAXII_MEDIA_TYPE})
    assert envelope.status_code == 200
    (tmp_path / "indicators.json").write_bytes(envelope.content)
    arguments = ["--indicators", str(tmp_path / "indicators.json"), str(tmp_path / "logs")]
    arguments += ["--sightings", str(tmp_path / "sightings.json"), "--identity", "Alpha ISP"]
    assert match_main(arguments) == 0
    sightings = json.loads((tmp_path / "sightings.json").read_text())["objects"]

    # ... and posts the sightings back over TAXII; the drill scores them once the store has committed.
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            _taxii_objects_url(exercise),
            json.dumps({"objects": sightings}),
            content_type=TAXII_MEDIA_TYPE,
            headers={**player_a, "Accept": TAXII_MEDIA_TYPE},
        )
    assert posted.status_code == 202
    assert posted.json()["failure_count"] == 0

    # Team A files an incident naming one canary at the incident desk.
    canary_a = Canary.objects.filter(team__organisation=world.team_a, is_decoy=False, kind="domain").first()
    assert canary_a is not None
    regime_make(OrganisationFactory(slug="govcert", name_en="GovCERT"))
    with django_capture_on_commit_callbacks(execute=True):  # the desk tells other areas after its commit
        reported = client.post(
            "/api/incidents/",
            {
                "title": "C2 beacon from a workstation",
                "classification": 'rsit:intrusions="system-compromise"',
                "detected_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
                "aware_at": (timezone.now() - timedelta(minutes=2)).isoformat(),
                "observables": [{"type": "domain-name", "value": canary_a.value, "ioc": True}],
            },
            content_type="application/json",
            headers=bearer(world.player_a, "incidents:write"),
        )
    assert reported.status_code == 201, reported.content
    incident = Incident.objects.get(pk=reported.json()["id"])

    # Team A shares one canary; team B reports a decoy (a near miss that is in no collection).
    decoy_b = Canary.objects.filter(team__organisation=world.team_b, is_decoy=True).first()
    assert decoy_b is not None
    for headers, value in ((player_a, canary_a.value), (player_b, decoy_b.value)):
        with django_capture_on_commit_callbacks(execute=True):
            shared = client.post(
                _taxii_objects_url(exercise),
                json.dumps({"objects": [_shared_indicator(value)]}),
                content_type=TAXII_MEDIA_TYPE,
                headers={**headers, "Accept": TAXII_MEDIA_TYPE},
            )
        assert shared.json()["failure_count"] == 0

    planner = bearer(world.planner, "drills:read")
    board = client.get(f"/api/drills/exercises/{exercise.pk}/scoreboard", headers=planner).json()
    teams = {team["organisation"]: team for team in board["teams"]}
    detect_a = next(r for r in teams["team-a"]["results"] if r["capability"] == "detect")
    first_sighting = StixObject.objects.filter(collection=exercise.collection, type="sighting").earliest(
        "date_added"
    )
    assert detect_a["status"] == "validated"
    validated_at = datetime.fromisoformat(detect_a["validated_at"].replace("Z", "+00:00"))
    # The API writes milliseconds: the detection's time is the first sighting's arrival.
    assert abs(validated_at - first_sighting.date_added) < timedelta(milliseconds=1)
    assert detect_a["minutes_taken"] is not None and detect_a["minutes_taken"] < detect_a["deadline_minutes"]
    assert detect_a["score"] == detect_a["max_score"]
    report_a = next(r for r in teams["team-a"]["results"] if r["capability"] == "report")
    assert report_a["status"] == "validated"
    assert report_a["evidence"] == incident.reference
    assert incident.submitted_at is not None
    reported_at = datetime.fromisoformat(report_a["validated_at"].replace("Z", "+00:00"))
    assert abs(reported_at - incident.submitted_at) < timedelta(milliseconds=1)
    assert teams["team-a"]["time_to_report_minutes"] == report_a["minutes_taken"]
    share_a = next(r for r in teams["team-a"]["results"] if r["capability"] == "share")
    assert share_a["status"] == "validated"
    assert teams["team-a"]["false_positives"] == 0
    assert teams["team-a"]["canaries_missed"] == 0
    assert teams["team-b"]["false_positives"] == 1
    assert teams["team-b"]["false_positive_values"] == [decoy_b.value]
    assert (
        teams["team-b"]["canaries_missed"]
        == Canary.objects.filter(team__organisation=world.team_b, is_decoy=False).count()
    )
    assert next(r for r in teams["team-b"]["results"] if r["capability"] == "detect")["status"] == "pending"
    assert next(r for r in teams["team-b"]["results"] if r["capability"] == "report")["status"] == "pending"

    # The report shows the same figures, in English and in Chinese side by side.
    document = report.report_document(actor=world.planner, exercise=exercise)
    html = html_render(document)
    score_a = f"{teams['team-a']['total']} / {teams['team-a']['possible']}"
    reported = timezone.localtime(incident.submitted_at).strftime("%Y-%m-%d %H:%M:%S")
    assert html.count(score_a) == 2
    assert html.count(reported) >= 2  # the same second may also be another validation's
    assert html.count(decoy_b.value) >= 2
    assert "Results per team" in html and "各隊成績" in html
    try:
        pdf = client.get(f"/api/drills/exercises/{exercise.pk}/report.pdf", headers=planner)
    except PdfUnavailable as exc:
        pdf_renderer_missing(exc)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    pages = pdf_pages(pdf.content, tmp_path)
    text = " ".join(pages)
    assert text.count(score_a) >= 2
    assert text.count(reported) >= 2
    assert text.count(decoy_b.value) >= 2
    for english, chinese in (("Results per team", "各隊成績"), ("Canaries missed", "未偵測的誘餌指標")):
        assert english in text and chinese in text
    assert all("EXERCISE" in page and "演習" in page for page in pages)
