"""Checklist versions: the shipped default, imports whole or not at all, immutability once used."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.services import ValidationFailed
from lionrock.immigration.screening import services
from lionrock.immigration.screening.checklists import DEFAULT_PATH
from lionrock.immigration.screening.models import Checklist, Indicator
from tests.immigration.screening.factories import client_signed_in, screener_make, supervisor_make

pytestmark = pytest.mark.django_db


def _document(**changes: object) -> dict:
    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    document["version"] = "agency-1"
    document.update(changes)
    return document


def test_the_default_checklist_is_loaded_and_in_use():
    checklist = Checklist.objects.get(is_active=True)
    assert checklist.code == "lionrock-default"
    assert checklist.indicators.filter(stage="debriefing").count() == 67
    assert checklist.indicators.filter(stage="initial").count() == 7
    assert checklist.rules["trafficking"][1] == ["exploitative_conditions"]


def test_a_supervisor_loads_a_new_version_and_may_put_it_in_use():
    supervisor = supervisor_make()
    content = json.dumps(_document()).encode()
    loaded = services.checklist_import(actor=supervisor, content=content, filename="a.json", activate=True)
    assert loaded.is_active and Checklist.objects.filter(is_active=True).count() == 1
    assert loaded.indicators.count() == 85


def test_an_unknown_dimension_is_refused_and_nothing_is_stored():
    document = _document()
    document["indicators"][10]["dimension"] = "vibes"
    before = Checklist.objects.count(), Indicator.objects.count()
    with pytest.raises(ValidationFailed, match="unknown dimension “vibes”"):
        services.checklist_import(actor=supervisor_make(), content=json.dumps(document).encode())
    assert (Checklist.objects.count(), Indicator.objects.count()) == before


def test_a_duplicated_code_is_refused_with_the_code_named():
    document = _document()
    document["indicators"][12]["code"] = document["indicators"][11]["code"]
    with pytest.raises(ValidationFailed, match="used more than once"):
        services.checklist_import(actor=supervisor_make(), content=json.dumps(document).encode())


def test_an_unknown_dimension_in_a_rule_is_refused():
    document = _document()
    document["rules"]["trafficking"][0].append("astrology")
    with pytest.raises(ValidationFailed, match="astrology"):
        services.checklist_import(actor=supervisor_make(), content=json.dumps(document).encode())


def test_a_version_cannot_be_loaded_twice():
    document = _document(version="2026.1")
    with pytest.raises(ValidationFailed, match="already loaded"):
        services.checklist_import(actor=supervisor_make(), content=json.dumps(document).encode())


def test_a_file_that_is_not_json_is_refused_clearly():
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        services.checklist_import(actor=supervisor_make(), content=b"{not json")


def test_an_officer_cannot_load_checklists():
    with pytest.raises(NotFound):
        services.checklist_import(actor=screener_make(), content=json.dumps(_document()).encode())


def test_indicators_are_immutable():
    indicator = Indicator.objects.first()
    indicator.text_en = "changed"
    with pytest.raises(PermissionError):
        indicator.save()


def test_the_import_page_previews_first_and_stores_only_on_confirmation():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_signed_in(supervisor_make())
    upload = SimpleUploadedFile(
        "agency.json", json.dumps(_document()).encode(), content_type="application/json"
    )
    response = client.post(reverse("screening:checklist_import"), {"file": upload})
    assert response.status_code == 200
    assert b"agency-1" in response.content
    assert not Checklist.objects.filter(version="agency-1").exists()
    response = client.post(reverse("screening:checklist_import"), {"confirm": "1"})
    assert response.status_code == 302
    assert Checklist.objects.filter(version="agency-1").exists()


def test_the_import_page_lists_every_problem():
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = _document()
    document["indicators"][3]["dimension"] = "nowhere"
    document["indicators"][5]["code"] = document["indicators"][4]["code"]
    client = client_signed_in(supervisor_make())
    upload = SimpleUploadedFile("bad.json", json.dumps(document).encode(), content_type="application/json")
    response = client.post(reverse("screening:checklist_import"), {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "nowhere" in text and "used more than once" in text
