"""Checklist versions: the shipped default, imports whole or not at all, immutability once used."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from lionrock.core.accounts.access import NotFound
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.screening import services
from lionrock.immigration.screening.checklists import DEFAULT_2026_1_PATH, DEFAULT_PATH, document_load
from lionrock.immigration.screening.models import Checklist, Indicator
from tests.immigration.screening.factories import client_signed_in, screener_make, supervisor_make

pytestmark = pytest.mark.django_db


def _document(**changes: object) -> dict:
    document = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    document["version"] = "agency-1"
    document.update(changes)
    return document


def _yaml(document: dict) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()


def _stored() -> tuple[int, int]:
    return Checklist.objects.count(), Indicator.objects.count()


def test_the_default_checklist_is_loaded_and_in_use():
    checklist = Checklist.objects.get(is_active=True)
    assert checklist.code == "lionrock-default"
    assert checklist.indicators.filter(stage="debriefing").count() == 67
    assert checklist.indicators.filter(stage="initial").count() == 7
    assert checklist.rules["trafficking"][1] == ["exploitative_conditions"]


# The content of version 2026.1 as shipped. Screenings answered against it must mean the same on every
# installation, so a correction is a new version in a new file and migration, never an edit of this one.
DEFAULT_2026_1_SHA256 = "0adb090aaf40cf4e03051f36167127a1bf5d6bd1d9a0dc8d7d889061f91d95b4"


def test_the_shipped_version_2026_1_is_never_edited_in_place():
    document = document_load(DEFAULT_2026_1_PATH.read_text(encoding="utf-8"))
    assert document["version"] == "2026.1"
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    assert hashlib.sha256(canonical).hexdigest() == DEFAULT_2026_1_SHA256, (
        "checklist 2026.1 is in use: ship a changed default as a new version instead"
    )


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


# --- YAML ------------------------------------------------------------------------------------------------


def test_a_checklist_written_in_yaml_loads_exactly_like_the_same_checklist_in_json():
    loaded = services.checklist_import(
        actor=supervisor_make(), content=_yaml(_document()), filename="agency.yaml"
    )
    from_json = Checklist.objects.get(code="lionrock-default", version="2026.1")
    assert loaded.version == "agency-1"
    assert loaded.rules == from_json.rules
    assert list(loaded.indicators.values_list("code", "dimension", "strength", "text_zh", "maps_to")) == list(
        from_json.indicators.values_list("code", "dimension", "strength", "text_zh", "maps_to")
    )


def test_a_yaml_file_is_recognised_by_its_content_when_its_name_says_nothing():
    loaded = services.checklist_import(actor=supervisor_make(), content=_yaml(_document()), filename="agency")
    assert loaded.indicators.count() == 85


def test_yaml_words_such_as_no_and_dates_stay_text_as_the_agency_wrote_them():
    document = _document(version="2026-05-01")
    document["indicators"][0]["text_en"] = "no"
    text = _yaml(document).decode().replace("version: '2026-05-01'", "version: 2026-05-01")
    text = text.replace("text_en: 'no'", "text_en: no")
    assert "version: 2026-05-01\n" in text and "text_en: no\n" in text
    loaded = services.checklist_import(actor=supervisor_make(), content=text.encode(), filename="a.yml")
    assert loaded.version == "2026-05-01"
    assert loaded.indicators.get(code="IS-1").text_en == "no"


def test_a_version_written_as_a_bare_number_is_refused_rather_than_misread():
    text = _yaml(_document()).decode().replace("version: agency-1", "version: 2026.10")
    with pytest.raises(ValidationFailed, match="version must be text in quotes"):
        services.checklist_import(actor=supervisor_make(), content=text.encode(), filename="a.yaml")


def test_invalid_yaml_is_refused_with_the_line_and_column_of_the_mistake():
    text = 'code: agency\nversion: "1"\ntitle_en: Agency checklist\n  wrong: indentation\n'
    before = _stored()
    with pytest.raises(ValidationFailed, match=r"not valid YAML \(line 4, column 8\)"):
        services.checklist_import(actor=supervisor_make(), content=text.encode(), filename="a.yaml")
    assert _stored() == before


def test_an_unknown_dimension_in_yaml_is_refused_with_the_json_message_and_nothing_is_stored():
    document = _document()
    document["indicators"][10]["dimension"] = "vibes"
    before = _stored()
    with pytest.raises(ValidationFailed, match="unknown dimension “vibes”"):
        services.checklist_import(actor=supervisor_make(), content=_yaml(document), filename="a.yaml")
    assert _stored() == before


def test_duplicated_codes_in_yaml_are_refused_with_the_code_named():
    document = _document()
    document["indicators"][12]["code"] = document["indicators"][11]["code"]
    with pytest.raises(
        ValidationFailed, match=f"{document['indicators'][11]['code']} is used more than once"
    ):
        services.checklist_import(actor=supervisor_make(), content=_yaml(document), filename="a.yaml")


def test_a_key_written_twice_in_one_indicator_is_refused_instead_of_keeping_the_last():
    text = (
        _yaml(_document())
        .decode()
        .replace("  strength: strong\n", "  strength: strong\n  strength: weak\n", 1)
    )
    with pytest.raises(ValidationFailed, match="“strength” appears twice"):
        services.checklist_import(actor=supervisor_make(), content=text.encode(), filename="a.yaml")


def test_an_alias_bomb_is_refused_at_once_and_nothing_is_stored():
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    bomb = ("\n".join(lines) + "\ncode: bomb\nversion: '1'\n").encode()
    before = _stored()
    started = time.monotonic()
    with pytest.raises(ValidationFailed, match=r"Line 2, column 8: YAML aliases \(\*name\) are not accepted"):
        services.checklist_import(actor=supervisor_make(), content=bomb, filename="bomb.yaml")
    assert time.monotonic() - started < 1
    assert _stored() == before


def test_a_yaml_file_over_the_size_limit_is_refused():
    content = b"# " + b"x" * (1024 * 1024) + b"\ncode: big\n"
    with pytest.raises(ValidationFailed, match="larger than 1 MB"):
        services.checklist_import(actor=supervisor_make(), content=content, filename="a.yaml")


@pytest.mark.parametrize("text", ["- code: IS-1\n- code: IS-2\n", "just words\n", ""])
def test_yaml_that_is_not_one_checklist_object_is_refused(text):
    with pytest.raises(ValidationFailed, match="must hold one checklist object"):
        services.checklist_import(actor=supervisor_make(), content=text.encode(), filename="a.yaml")


def test_yaml_python_tags_are_refused_as_invalid_yaml():
    text = "code: !!python/object/apply:os.system ['true']\nversion: '1'\n"
    with pytest.raises(ValidationFailed, match=r"not valid YAML \(line 1"):
        services.checklist_import(actor=supervisor_make(), content=text.encode(), filename="a.yaml")


def test_the_import_page_previews_a_yaml_file_and_stores_it_on_confirmation():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_signed_in(supervisor_make())
    upload = SimpleUploadedFile("agency.yaml", _yaml(_document()), content_type="application/yaml")
    response = client.post(reverse("screening:checklist_import"), {"file": upload})
    assert response.status_code == 200
    assert b"agency-1" in response.content
    assert not Checklist.objects.filter(version="agency-1").exists()
    response = client.post(reverse("screening:checklist_import"), {"confirm": "1"})
    assert response.status_code == 302
    assert Checklist.objects.get(version="agency-1").indicators.count() == 85


def test_the_import_page_shows_where_a_yaml_file_is_broken():
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_signed_in(supervisor_make())
    text = (
        b'code: agency\nversion: "1"\nindicators:\n  - code: IS-1\n    text_en: [one, two\n  - code: IS-2\n'
    )
    upload = SimpleUploadedFile("agency.yml", text, content_type="application/yaml")
    response = client.post(reverse("screening:checklist_import"), {"file": upload})
    assert response.status_code == 400
    assert "not valid YAML (line 6, column 9)" in response.content.decode()


def test_the_yaml_example_in_the_user_guide_loads_as_written():
    guide = Path(__file__).resolve().parents[3] / "docs" / "users" / "screening.md"
    example = re.search(r"```yaml\n(.*?)```", guide.read_text(encoding="utf-8"), re.S)
    assert example is not None
    loaded = services.checklist_import(
        actor=supervisor_make(), content=example.group(1).encode(), filename="agency.yaml"
    )
    assert (loaded.code, loaded.version, loaded.indicators.count()) == ("agency-tip", "2026.2", 3)
