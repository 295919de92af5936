import json
from pathlib import Path

import pytest
from django.test import override_settings

from lionrock.core.accounts.access import NotFound
from lionrock.cyber.exchange import services
from lionrock.cyber.exchange.models import ImportRun
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.exchange.fixtures import bundle, indicator, misp_event, misp_feed_zip

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).resolve().parents[4] / "shared" / "corpus"


def test_a_bundle_is_imported_whole_and_recorded(community):
    objects = [indicator("one.example"), indicator("two.example")]
    run, preview = services.import_run(
        actor=community.creator, collection=community.collection, data=bundle(*objects), name="b.json"
    )
    assert (run.added, run.status, preview.counts) == (2, ImportRun.Status.DONE, {"indicator": 2})
    assert StixObject.objects.filter(collection=community.collection).count() == 2


def test_one_invalid_pattern_refuses_the_whole_file_and_stores_nothing(community):
    good = indicator("good.example")
    bad = indicator("bad.example", pattern="[domain-name:value = 'unterminated]")
    with pytest.raises(services.ImportFailed, match=rf"b.json: object 1 \({bad['id']}\): pattern"):
        services.import_run(
            actor=community.creator, collection=community.collection, data=bundle(good, bad), name="b.json"
        )
    assert not StixObject.objects.filter(collection=community.collection).exists()
    assert not ImportRun.objects.exists()


@override_settings(LIONROCK_IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_before_parsing(community):
    with pytest.raises(services.ImportFailed, match="import limit"):
        services.import_run(
            actor=community.creator,
            collection=community.collection,
            data=b"a.example\n" * 200,
            name="big.txt",
        )
    assert not StixObject.objects.exists()


def test_a_reader_without_write_access_cannot_import(community):
    with pytest.raises(NotFound):
        services.import_run(
            actor=community.group_reader,
            collection=community.collection,
            data=bundle(indicator()),
            name="b.json",
        )


def test_values_on_warninglists_are_flagged_as_likely_false_positives():
    preview = services.import_preview(data=b"8.8.8.8\nevil-one.example\n", name="list.txt")
    flagged = {item["name"]: item["list"] for item in preview.flagged}
    assert "8.8.8.8" in flagged and "evil-one.example" not in flagged


def test_the_wizard_keeps_a_draft_and_stores_only_on_confirmation(community):
    run = services.import_draft_create(
        actor=community.creator,
        collection=community.collection,
        data=b"evil.example\n",
        name="l.txt",
        tlp=Tlp.GREEN,
    )
    assert run.status == ImportRun.Status.DRAFT and run.counts == {"indicator": 1}
    assert not StixObject.objects.exists()
    services.import_confirm(actor=community.creator, run=run)
    stored = StixObject.objects.get()
    assert (stored.tlp, run.status, run.objects_json) == (Tlp.GREEN, ImportRun.Status.DONE, "")


def test_someone_else_cannot_confirm_a_draft(community):
    run = services.import_draft_create(
        actor=community.creator, collection=community.collection, data=b"evil.example\n", name="l.txt"
    )
    with pytest.raises(NotFound):
        services.import_confirm(actor=community.colleague, run=run)


def test_importing_the_same_list_twice_adds_a_new_version_of_each_indicator(community):
    for _ in range(2):
        services.import_run(
            actor=community.creator, collection=community.collection, data=b"evil.example\n", name="l.txt"
        )
    rows = StixObject.objects.filter(collection=community.collection)
    assert rows.values("stix_id").distinct().count() == 1
    assert rows.filter(is_latest=True).count() == 1


def test_a_misp_feed_and_event_land_as_stix(community):
    feed = misp_feed_zip(
        misp_event(("domain", "feed-one.example")), misp_event(("url", "http://feed-two.example/x"))
    )
    run, _ = services.import_run(
        actor=community.creator, collection=community.collection, data=feed, name="feed.zip"
    )
    assert run.format == "misp-feed" and run.added >= 2
    event = json.dumps(misp_event(("md5", "c" * 32))).encode()
    run, _ = services.import_run(
        actor=community.creator, collection=community.collection, data=event, name="e.json"
    )
    assert run.format == "misp"


# Corpus files that break the STIX 2.1 rules, with the object the refusal must name.
NONCONFORMING = {
    # upper-case hex in a relationship id ("...-E9034ac98aba"); identifiers are lower case
    "stix2-json-schemas__infrastructure.json": "relationship--81f12913-1372-4c96-85ec-E9034ac98aba",
}


@pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not beside this checkout"
)
def test_every_corpus_stix_and_misp_file_imports_with_its_object_count(community):
    paths = sorted((CORPUS / "stix").glob("*.json")) + sorted(
        p for p in (CORPUS / "misp").iterdir() if p.suffix in (".json", ".csv")
    )
    for number, path in enumerate(paths):
        # Each file into a collection of its own: the MISP files and their STIX conversions share ids.
        collection = intel_services.collection_create(
            actor=community.creator,
            owner=community.collection.owner,
            alias=f"corpus-{number}",
            title=path.name,
            max_tlp=Tlp.RED,
        )
        if path.name in NONCONFORMING:
            with pytest.raises(services.ImportFailed, match=NONCONFORMING[path.name]):
                services.import_run(actor=community.creator, collection=collection, path=path, name=path.name)
            assert not StixObject.objects.filter(collection=collection).exists()
            continue
        run, preview = services.import_run(
            actor=community.creator, collection=collection, path=path, name=path.name
        )
        if run.format == "stix":
            document = json.loads(path.read_bytes())
            assert len(preview.objects) == len(document.get("objects", [document])), path.name
        assert len(preview.objects) > 0, path.name
        assert run.added == len(preview.objects), path.name
        assert StixObject.objects.filter(collection=collection).count() == len(preview.objects), path.name
    assert len(paths) >= 20


def test_a_draft_refused_at_confirmation_keeps_the_reason_and_stores_nothing(community):
    run = services.import_draft_create(
        actor=community.creator,
        collection=community.collection,
        data=bundle(indicator("x.example")),
        name="b.json",
    )
    community.collection.max_tlp = Tlp.GREEN  # the collection narrowed while the draft waited
    community.collection.save()
    marked = json.loads(run.objects_json)
    marked[0]["object_marking_refs"] = ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]
    run.objects_json = json.dumps(marked)
    run.save()
    with pytest.raises(services.ImportFailed, match="TLP:RED"):
        services.import_confirm(actor=community.creator, run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "TLP:RED" in run.error
    assert not StixObject.objects.exists()


def test_cancelling_a_draft_leaves_an_audit_entry(community):
    from lionrock.core.audit.models import AuditEntry

    run = services.import_draft_create(
        actor=community.creator, collection=community.collection, data=b"evil.example\n", name="l.txt"
    )
    services.import_cancel(actor=community.creator, run=run)
    entry = AuditEntry.objects.get(action="exchange.import.cancel")
    assert entry.target_id == str(run.pk) and entry.actor_user_id == community.creator.user.pk


def test_drafts_left_unconfirmed_expire_each_with_an_audit_entry(community):
    from datetime import timedelta

    from django.utils import timezone

    from lionrock.core.audit.models import AuditEntry

    old, fresh = (
        services.import_draft_create(
            actor=community.creator, collection=community.collection, data=b"evil.example\n", name=name
        )
        for name in ("old.txt", "fresh.txt")
    )
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert services.import_drafts_expire() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.status, old.objects_json, fresh.status) == (
        ImportRun.Status.CANCELLED,
        "",
        ImportRun.Status.DRAFT,
    )
    entries = AuditEntry.objects.filter(action="exchange.import.expire")
    assert [entry.target_id for entry in entries] == [str(old.pk)]


def test_the_warninglists_are_compiled_once_and_every_process_maps_the_same_answers(
    tmp_path, monkeypatch, settings
):
    """A web worker's first look-up maps the lists compiled for the installation instead of reading
    their JSON (two seconds and 130 MB in every process), and answers exactly as a fresh compile does."""
    import numpy as np

    from lionrock.cyber.exchange import flags

    settings.DATA_DIR = tmp_path
    values = [
        ("domain", "google.com"),
        ("ip", "8.8.8.8"),
        ("ip", "10.1.2.3"),
        ("domain", "evil.example"),
        ("cidr", "8.8.8.0/24"),
    ]
    fresh = flags._load()
    flags.warninglists_prepare()
    compiled = list((tmp_path / "cache" / "warninglists").iterdir())
    assert len(compiled) == 1
    mapped = flags._compiled_load()
    assert isinstance(mapped.keys, np.memmap)
    assert np.array_equal(mapped.keys, fresh.keys) and np.array_equal(mapped.owners, fresh.owners)
    monkeypatch.setattr(flags, "_cache", fresh)
    answers = flags.warninglists_of(values)
    monkeypatch.setattr(flags, "_cache", mapped)
    assert flags.warninglists_of(values) == answers
    assert answers[0] is not None and answers[3] is None
    flags.warninglists_prepare()  # already there: nothing written again
    assert list((tmp_path / "cache" / "warninglists").iterdir()) == compiled
