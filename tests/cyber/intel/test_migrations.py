import json
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from lionrock.cyber.intel import selectors
from lionrock.cyber.intel.models import Collection, ObjectLabel, StixObject
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.cyber.intel.factories import analyst_make

BEFORE = [("intel", "0001_initial")]
STAMP = datetime(2025, 3, 1, 8, tzinfo=UTC)


def _old_rows(apps) -> dict[str, str]:
    """Objects stored by the schema before the browse columns: only their JSON says what they carry."""
    organisation = apps.get_model("accounts", "Organisation").objects.create(
        slug="upgraded-cert", name_en="Upgraded CERT", kind="cert"
    )
    collection = apps.get_model("intel", "Collection").objects.create(
        alias="upgraded", title="Upgraded", owner=organisation, default_tlp="green"
    )
    ids = {
        "indicator": "indicator--1b1f1c1e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
        "malware": "malware--2c2f2c2e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
        "relationship": "relationship--3d3f3d3e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
        "sighting": "sighting--4e4f4e4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
    }
    common = {
        "spec_version": "2.1",
        "created": "2025-03-01T08:00:00.000Z",
        "modified": "2025-03-01T08:00:00.000Z",
    }
    bodies = [
        {
            "type": "indicator",
            "id": ids["indicator"],
            **common,
            "name": "Old phishing site",
            "labels": ["Phishing", "banking", 7],
            "pattern": "[domain-name:value = 'old.example']",
            "pattern_type": "stix",
            "valid_from": "2025-03-01T08:00:00.000Z",
            "valid_until": "2099-01-01T00:00:00.000Z",
        },
        {"type": "malware", "id": ids["malware"], **common, "name": "Kitten", "is_family": True},
        {
            "type": "relationship",
            "id": ids["relationship"],
            **common,
            "relationship_type": "indicates",
            "source_ref": ids["indicator"],
            "target_ref": ids["malware"],
        },
        {"type": "sighting", "id": ids["sighting"], **common, "sighting_of_ref": ids["indicator"]},
    ]
    stix_object = apps.get_model("intel", "StixObject")
    for n, body in enumerate(bodies):
        stix_object.objects.create(
            collection=collection,
            stix_id=body["id"],
            type=body["type"],
            created=STAMP,
            modified=STAMP,
            date_added=STAMP.replace(microsecond=n),
            tlp="green",
            created_by_org=organisation,
            raw=json.dumps(body, separators=(",", ":")),
        )
    return ids


def _upgraded_from_old_rows() -> dict[str, str]:
    """Rows written by the schema before the browse columns, then every intel migration since run on them."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("intel")
    executor.migrate(BEFORE)
    try:
        ids = _old_rows(executor.loader.project_state(BEFORE).apps)
        MigrationExecutor(connection).migrate(latest)
    finally:
        MigrationExecutor(connection).migrate(latest)
    return ids


@pytest.mark.django_db(transaction=True)
def test_upgrading_copies_labels_expiry_and_references_out_of_objects_already_stored():
    ids = _upgraded_from_old_rows()

    indicator = StixObject.objects.get(stix_id=ids["indicator"])
    assert indicator.valid_until == datetime(2099, 1, 1, tzinfo=UTC)
    labels = ObjectLabel.objects.filter(stix_object=indicator)
    assert sorted(labels.values_list("label", flat=True)) == ["banking", "phishing"]
    assert set(labels.values_list("date_added", flat=True)) == {indicator.date_added}
    relationship = StixObject.objects.get(stix_id=ids["relationship"])
    assert (relationship.source_ref, relationship.target_ref) == (ids["indicator"], ids["malware"])
    assert StixObject.objects.get(stix_id=ids["sighting"]).sighting_of_ref == ids["indicator"]
    malware = StixObject.objects.get(stix_id=ids["malware"])
    assert (malware.valid_until, malware.source_ref, malware.label_rows.count()) == (None, None, 0)

    reader = analyst_make()
    assert [row.stix_id for row in selectors.stix_objects_search(actor=reader, label="phishing")] == [
        ids["indicator"]
    ]


@pytest.mark.django_db(transaction=True)
def test_upgrading_writes_the_stored_tlp_into_objects_that_had_no_marking():
    ids = _upgraded_from_old_rows()

    for stix_id in ids.values():
        body = json.loads(StixObject.objects.get(stix_id=stix_id).raw)
        assert body["object_marking_refs"] == [MARKING_ID_FOR[Tlp.GREEN]]


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_every_object_and_still_refuses_a_second_copy_of_a_version_in_one_collection():
    ids = _upgraded_from_old_rows()

    assert set(StixObject.objects.values_list("stix_id", flat=True)) == set(ids.values())
    stored = StixObject.objects.get(stix_id=ids["malware"])
    copy = {
        "stix_id": stored.stix_id,
        "type": stored.type,
        "created": stored.created,
        "modified": stored.modified,
        "tlp": stored.tlp,
        "created_by_org_id": stored.created_by_org_id,
        "raw": stored.raw,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        StixObject.objects.create(collection=stored.collection, date_added=STAMP.replace(second=30), **copy)
    other = Collection.objects.create(
        alias="elsewhere", title="Elsewhere", owner=stored.collection.owner, default_tlp="green"
    )
    StixObject.objects.create(collection=other, date_added=STAMP, **copy)
    assert StixObject.objects.filter(stix_id=ids["malware"]).count() == 2
