import json

import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.audit.models import AuditEntry
from lionrock.cyber.intel import services
from lionrock.cyber.intel.models import ObservableValue, StixObject
from lionrock.cyber.intel.services import StixRejected
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.cyber.intel.factories import community_make, indicator, sco

pytestmark = pytest.mark.django_db


def add(community, objects, **kwargs):
    return services.objects_add(
        actor=community.creator, collection=community.collection, objects=objects, **kwargs
    )


def test_objects_are_stored_exactly_as_received_with_custom_properties():
    community = community_make()
    obj = indicator(x_lionrock_note="名稱 ünïcode", confidence=80, labels=["c2"], tlp=Tlp.GREEN)
    add(community, [obj])
    stored = StixObject.objects.get(stix_id=obj["id"])
    assert json.loads(stored.raw) == obj
    assert list(json.loads(stored.raw)) == list(obj)
    assert stored.tlp == Tlp.GREEN


def test_an_unmarked_object_is_stored_with_the_collections_default_marking_in_its_json():
    community = community_make()
    obj = indicator(labels=["c2"])
    outcome = add(community, [obj])
    stored = StixObject.objects.get(stix_id=obj["id"])
    assert stored.tlp == Tlp.AMBER  # the collection's default
    assert json.loads(stored.raw) == obj | {"object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER]]}
    assert "TLP:AMBER" in outcome.notes[0]


def test_one_bad_object_refuses_the_whole_upload_with_a_precise_reason():
    community = community_make()
    good = indicator()
    bad = indicator(pattern="[domain-name:value = 'unterminated]")
    with pytest.raises(StixRejected) as refused:
        add(community, [good, bad])
    error = refused.value.errors[0]
    assert (error.index, error.stix_id, error.property) == (1, bad["id"], "pattern")
    assert not StixObject.objects.exists()
    assert not AuditEntry.objects.filter(action="intel.objects.add").exists()


@pytest.mark.parametrize(
    ("change", "prop"),
    [
        ({"id": "indicator--not-a-uuid"}, "id"),
        ({"id": "malware--6c8f2f52-5c0f-4b55-a3c9-7f1ab2e2d8a1"}, "id"),
        ({"created": "yesterday"}, "created"),
        ({"modified": "2020-01-01T00:00:00Z"}, "modified"),
        ({"spec_version": "2.0"}, "spec_version"),
        ({"pattern_type": None}, "pattern_type"),
        ({"valid_until": "2000-01-01T00:00:00Z"}, "valid_until"),
        ({"created_by_ref": "not an id"}, "created_by_ref"),
        ({"Bad-Name": 1}, "Bad-Name"),
    ],
)
def test_invalid_objects_name_the_property_at_fault(change, prop):
    community = community_make()
    with pytest.raises(StixRejected) as refused:
        add(community, [indicator(**change)])
    assert prop in [error.property for error in refused.value.errors]


def test_non_objects_and_unknown_shapes_are_refused():
    community = community_make()
    with pytest.raises(StixRejected) as refused:
        add(community, ["a string", {"type": "x"}, {}])
    assert len(refused.value.errors) == 3


def test_taxii_mode_keeps_the_good_objects_and_reports_the_bad_ones():
    community = community_make()
    good, bad = indicator(), indicator(valid_from="soon")
    outcome = add(community, [good, bad], all_or_nothing=False)
    assert [row.stix_id for row in outcome.added] == [good["id"]]
    assert [error.stix_id for error in outcome.failures] == [bad["id"]]


def test_an_exact_duplicate_is_accepted_without_a_second_row():
    community = community_make()
    obj = indicator()
    add(community, [obj])
    outcome = add(community, [obj])
    assert outcome.duplicates == [obj["id"]] and not outcome.added
    assert StixObject.objects.filter(stix_id=obj["id"]).count() == 1


def test_a_different_object_under_the_same_id_and_version_is_refused():
    community = community_make()
    obj = indicator()
    add(community, [obj])
    with pytest.raises(StixRejected) as refused:
        add(community, [obj | {"name": "tampered"}])
    assert "already exists" in str(refused.value)


def test_a_red_object_cannot_go_to_a_collection_with_a_wider_audience():
    community = community_make(max_tlp=Tlp.AMBER)
    with pytest.raises(StixRejected) as refused:
        add(community, [indicator(tlp=Tlp.RED)])
    assert refused.value.errors[0].property == "object_marking_refs"
    assert not StixObject.objects.exists()


def test_tlp_1_markings_and_custom_marking_definitions_are_recognised():
    community = community_make()
    old_style = indicator(object_marking_refs=["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"])
    custom_marking = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--1d3a2b6c-9f1e-4d0a-8b7c-2e5f4a6b8c9d",
        "created": "2024-01-01T00:00:00Z",
        "definition_type": "tlp",
        "definition": {"tlp": "green"},
    }
    custom_marked = indicator(object_marking_refs=[custom_marking["id"]])
    both = indicator(
        object_marking_refs=[custom_marking["id"], "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"]
    )
    add(community, [old_style, custom_marking, custom_marked, both])
    tlps = dict(StixObject.objects.values_list("stix_id", "tlp"))
    assert tlps[old_style["id"]] == Tlp.AMBER
    assert tlps[custom_marked["id"]] == Tlp.GREEN
    assert tlps[both["id"]] == Tlp.RED


def test_new_versions_become_latest_and_older_ones_stay_retrievable():
    community = community_make()
    first = indicator()
    second = first | {"modified": "2025-04-01T00:00:00.000Z", "name": "updated"}
    older = first | {"modified": "2025-03-15T00:00:00.000Z", "name": "late arrival"}
    add(community, [first])
    add(community, [second])
    add(community, [older])
    rows = {row.modified.isoformat(): row.is_latest for row in StixObject.objects.filter(stix_id=first["id"])}
    assert sorted(rows.values()) == [False, False, True]
    latest = StixObject.objects.get(stix_id=first["id"], is_latest=True)
    assert json.loads(latest.raw)["name"] == "updated"


def test_two_versions_in_one_request_leave_the_newer_one_latest_over_a_stored_one():
    community = community_make()
    first = indicator()
    add(community, [first])
    second = first | {"modified": "2025-04-01T00:00:00.000Z", "name": "second"}
    third = first | {"modified": "2025-05-01T00:00:00.000Z", "name": "third"}
    fresh = indicator("fresh.example")
    fresh_newer = fresh | {"modified": "2025-04-01T00:00:00.000Z", "name": "fresh, newer"}
    add(community, [second, third, fresh, fresh_newer])
    for stix_id, name in ((first["id"], "third"), (fresh["id"], "fresh, newer")):
        latest = StixObject.objects.filter(stix_id=stix_id, is_latest=True)
        assert [json.loads(row.raw)["name"] for row in latest] == [name]


def test_the_same_object_in_another_collection_is_stored_there_and_left_latest_here():
    community, elsewhere = community_make(), community_make()
    first = indicator()
    add(community, [first])
    outcome = services.objects_add(actor=elsewhere.creator, collection=elsewhere.collection, objects=[first])
    assert [row.stix_id for row in outcome.added] == [first["id"]]
    assert outcome.duplicates == []
    newer = first | {"modified": "2025-04-01T00:00:00.000Z", "name": "newer elsewhere"}
    services.objects_add(actor=elsewhere.creator, collection=elsewhere.collection, objects=[newer])
    rows = StixObject.objects.filter(stix_id=first["id"], is_latest=True)
    latest = dict(rows.values_list("collection", "raw"))
    assert json.loads(latest[community.collection.pk])["name"] == first["name"]
    assert json.loads(latest[elsewhere.collection.pk])["name"] == "newer elsewhere"


def test_date_added_strictly_increases_within_a_collection():
    community = community_make()
    add(community, [indicator() for _ in range(50)])
    add(community, [indicator() for _ in range(50)])
    stamps = list(StixObject.objects.order_by("pk").values_list("date_added", flat=True))
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)


def test_values_are_indexed_normalised_for_correlation():
    community = community_make()
    add(community, [indicator("WWW.Evil.Example."), sco("ipv6-addr", "2001:DB8:0:0:0:0:0:1")])
    assert set(ObservableValue.objects.values_list("kind", "value")) == {
        ("domain", "www.evil.example"),
        ("ip", "2001:db8::1"),
    }


def test_readers_without_write_access_cannot_add():
    community = community_make()
    with pytest.raises(NotFound):
        services.objects_add(
            actor=community.group_reader, collection=community.collection, objects=[indicator()]
        )


def test_deleting_an_object_removes_every_version_and_is_audited():
    community = community_make()
    obj = indicator()
    add(community, [obj, obj | {"modified": "2025-05-01T00:00:00.000Z"}])
    assert (
        services.object_delete(actor=community.creator, collection=community.collection, stix_id=obj["id"])
        == 2
    )
    assert not StixObject.objects.filter(stix_id=obj["id"]).exists()
    assert AuditEntry.objects.filter(action="intel.object.delete").exists()


def test_a_writer_cannot_delete_another_organisations_object():
    community = community_make()
    obj = indicator()
    add(community, [obj])
    with pytest.raises(NotFound):
        services.object_delete(
            actor=community.direct_reader, collection=community.collection, stix_id=obj["id"]
        )
    assert StixObject.objects.filter(stix_id=obj["id"]).exists()


def test_an_object_over_the_size_limit_is_refused_and_nothing_is_stored():
    community = community_make()
    huge = indicator(description="x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(StixRejected) as refused:
        add(community, [indicator(), huge])
    assert "larger than" in str(refused.value)
    assert not StixObject.objects.exists()


@pytest.mark.parametrize(
    ("text", "micro"),
    [
        ("2025-03-01T08:00:00Z", 0),
        ("2025-03-01T08:00:00.5Z", 500000),
        ("2025-03-01T08:00:00.123456789Z", 123456),
    ],
)
def test_timestamps_keep_up_to_microseconds(text, micro):
    from datetime import UTC, datetime

    from lionrock.cyber.intel.validation import parse_timestamp

    assert parse_timestamp(text) == datetime(2025, 3, 1, 8, 0, 0, micro, tzinfo=UTC)


class _RecordFailed(Exception):
    pass


def test_what_a_caller_records_with_a_store_sees_the_outcome_and_its_failure_undoes_the_store():
    community = community_make()
    objects = [indicator("kept.example", tlp=Tlp.GREEN), indicator("other.example", tlp=Tlp.GREEN)]
    seen = []

    def record(outcome):
        seen.append(sorted(row.stix_id for row in outcome.added))
        raise _RecordFailed

    with pytest.raises(_RecordFailed):
        add(community, objects, all_or_nothing=False, then=record)

    assert seen == [sorted(obj["id"] for obj in objects)]
    assert not StixObject.objects.filter(collection=community.collection).exists()
    assert not ObservableValue.objects.filter(stix_object__collection=community.collection).exists()
    assert not AuditEntry.objects.filter(action="intel.objects.add").exists()


def test_a_stored_row_carries_its_collection_and_contributor_without_another_query(
    django_assert_num_queries,
):
    community = community_make()
    outcome = add(community, [indicator("row.example", tlp=Tlp.GREEN)])
    (row,) = outcome.added
    with django_assert_num_queries(0):
        assert row.collection == community.collection
        assert row.created_by_user_id == community.creator.user.pk
        assert row.created_by_user == community.creator.user
    assert StixObject.objects.get(pk=row.pk).date_added == row.date_added
