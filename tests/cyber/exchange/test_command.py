import json

import pytest

from lionrock.cli import main
from lionrock.cyber.intel import services as intel
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.exchange.fixtures import bundle, indicator, misp_event

pytestmark = pytest.mark.django_db


def test_intel_import_stores_a_file_and_reports_flags(community, tmp_path, capsys):
    path = tmp_path / "iocs.txt"
    path.write_text("8.8.8.8\nevil[.]example\n")
    code = main(
        ["intel", "import", str(path), "--collection", community.collection.alias,
         "--user", community.creator.user.email, "--tlp", "green"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Imported 2 object version(s)" in out and "flagged: 8.8.8.8" in out
    assert set(StixObject.objects.values_list("tlp", flat=True)) == {Tlp.GREEN}


def test_intel_import_of_a_misp_feed_directory(community, tmp_path, capsys):
    event = misp_event(("domain", "dir-feed.example"))
    uuid = event["Event"]["uuid"]
    (tmp_path / "manifest.json").write_text(json.dumps({uuid: {"info": "x"}}))
    (tmp_path / f"{uuid}.json").write_text(json.dumps(event))
    code = main(["intel", "import", str(tmp_path), "--collection", community.collection.alias,
                 "--user", community.creator.user.email])  # fmt: skip
    assert code == 0
    assert "misp-feed" in capsys.readouterr().out


def test_a_refused_import_exits_non_zero_and_stores_nothing(community, tmp_path, capsys):
    path = tmp_path / "b.json"
    path.write_bytes(bundle(indicator(), indicator(pattern="[oops")))
    code = main(["intel", "import", str(path), "--collection", community.collection.alias,
                 "--user", community.creator.user.email])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "b.json: object 1" in err and "Nothing was stored." in err
    assert not StixObject.objects.exists()


def test_intel_export_writes_only_what_the_user_may_see(community, tmp_path, capsys):
    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator("amber.example", tlp=Tlp.AMBER), indicator("red.example", tlp=Tlp.RED)],
    )
    out = tmp_path / "intel.zeek"
    code = main(["intel", "export", "--collection", community.collection.alias, "--user",
                 community.group_reader.user.email, "--format", "zeek", "-o", str(out)])  # fmt: skip
    assert code == 0
    text = out.read_text()
    assert "amber.example\tIntel::DOMAIN" in text and "red.example" not in text
