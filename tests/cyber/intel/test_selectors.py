import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.roles import Role
from lionrock.cyber.intel import selectors, services
from lionrock.cyber.intel.models import ObjectRecipient, StixObject
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.cyber.intel.factories import VIEWERS, VISIBILITY, analyst_make, community_make, indicator, sco

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_tlp_visibility_matrix_in_the_selector(tlp, viewer):
    community = community_make()
    obj = indicator(tlp=tlp)
    services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
    actor = getattr(community, viewer)
    visible = selectors.stix_objects_visible(actor=actor).filter(stix_id=obj["id"]).exists()
    assert visible == (viewer in VISIBILITY[tlp])


def test_named_recipients_see_strict_objects_by_organisation_and_red_objects_in_person_only():
    """An organisation named on an AMBER+STRICT object reads it; a person named on a RED one reads it.
    Neither naming carries over to the other marking: the outsider's colleague sees only the STRICT one."""
    community = community_make()
    outsider_org = community.outsider.user.memberships.get().organisation
    colleague = analyst_make(outsider_org, Role.INTEL_STAKEHOLDER)
    strict, red = indicator("strict.example", tlp=Tlp.AMBER_STRICT), indicator("red.example", tlp=Tlp.RED)
    services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[strict, red],
        recipient_organisations=[outsider_org],
        recipient_users=[community.outsider.user],
    )
    stored = {obj.tlp: obj for obj in StixObject.objects.filter(stix_id__in=[strict["id"], red["id"]])}
    # A recipient row of the other kind on each (as an older version's TLP could leave) grants nothing.
    ObjectRecipient.objects.create(stix_object=stored[Tlp.RED], organisation=outsider_org)
    ObjectRecipient.objects.create(stix_object=stored[Tlp.AMBER_STRICT], user=colleague.user)

    def seen(actor):
        return set(selectors.stix_objects_visible(actor=actor).values_list("stix_id", flat=True))

    assert seen(community.outsider) == {strict["id"], red["id"]}
    assert seen(colleague) == {strict["id"]}
    assert seen(community.group_reader) == set()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_board_question_sees_what_the_door_sees_for_every_tlp_and_reference(viewer):
    """stix_objects_visible_among is the same rule, kept compiled: same answer, by pk and by id."""
    community = community_make()
    objects = {tlp: indicator(f"{tlp.value}.example", tlp=tlp) for tlp in Tlp}
    red_named = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": "sighting--0b7e1c2a-5d1f-4b7e-9d55-6a1f0e3c9a11",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "sighting_of_ref": objects[Tlp.RED]["id"],
        "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
    }
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[*objects.values(), red_named]
    )
    actor = getattr(community, viewer)
    stored = list(StixObject.objects.values_list("pk", "stix_id"))
    door = set(selectors.stix_objects_visible(actor=actor).values_list("pk", flat=True))

    by_pk = selectors.stix_objects_visible_among(actor=actor, pks=[pk for pk, _ in stored], stix_ids=[])
    by_id = selectors.stix_objects_visible_among(actor=actor, pks=[], stix_ids=[i for _, i in stored])
    assert {row.pk for row in by_pk} == {row.pk for row in by_id} == door
    assert {row.stix_id for row in by_pk} == {
        obj["id"] for tlp, obj in objects.items() if viewer in VISIBILITY[tlp]
    } | ({red_named["id"]} if viewer in VISIBILITY[Tlp.RED] else set())
    dates = [row.pk for row in by_pk]
    assert dates == sorted(dates, key=lambda pk: StixObject.objects.get(pk=pk).date_added, reverse=True)


def test_the_board_question_leaves_exercise_collections_out():
    community = community_make()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.GREEN)]
    )
    stored = list(StixObject.objects.values_list("pk", flat=True))
    asked = {"actor": community.creator, "pks": stored, "stix_ids": []}
    assert [row.pk for row in selectors.stix_objects_visible_among(**asked)] == stored
    type(community.collection).objects.filter(pk=community.collection.pk).update(is_exercise=True)
    assert selectors.stix_objects_visible_among(**asked) == []


def test_an_unreadable_collection_looks_absent():
    community = community_make()
    with pytest.raises(NotFound):
        selectors.collection_access_get(actor=community.outsider, key=community.collection.alias)
    with pytest.raises(NotFound):
        selectors.collection_objects_visible(actor=community.outsider, collection=community.collection)


def test_rights_on_a_collection_reflect_the_grants():
    community = community_make()
    direct = selectors.collection_access_get(actor=community.direct_reader, key=str(community.collection.id))
    group = selectors.collection_access_get(actor=community.group_reader, key=community.collection.alias)
    assert (direct.can_read, direct.can_write) == (True, True)
    assert (group.can_read, group.can_write) == (True, False)


def test_a_token_without_the_intel_scope_sees_nothing():
    from lionrock.core.accounts import services as account_services

    community = community_make()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.CLEAR)]
    )
    _, secret = account_services.token_create(
        actor=community.direct_reader,
        organisation=community.direct_reader.primary_organisation_id,
        name="x",
        scopes=["account:read"],
    )
    token_actor = account_services.token_authenticate(secret)
    assert not selectors.stix_objects_visible(actor=token_actor).exists()


class TestSeenElsewhere:
    def test_a_value_is_found_across_reports_and_organisations_in_its_normal_form(self):
        community = community_make()
        other_cert = analyst_make()
        from lionrock.cyber.intel.models import Collection

        own = services.collection_create(
            actor=other_cert,
            owner=other_cert.user.memberships.get().organisation,
            alias="other",
            title="Other",
        )
        services.objects_add(
            actor=community.creator,
            collection=community.collection,
            objects=[indicator("Evil.Example.", tlp=Tlp.GREEN)],
        )
        services.objects_add(
            actor=other_cert,
            collection=own,
            objects=[
                sco("domain-name", "evil.example") | {"object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]]}
            ],
        )
        hits = selectors.value_appearances(actor=community.outsider, kind="domain", value="evil.example")
        assert {hit.collection_id for hit in hits} == {community.collection.id, own.id}
        assert Collection.objects.count() == 2

    def test_correlation_respects_tlp(self):
        community = community_make()
        secret = indicator("quiet.example", tlp=Tlp.RED)
        services.objects_add(actor=community.creator, collection=community.collection, objects=[secret])
        assert not selectors.value_appearances(actor=community.outsider, kind="domain", value="quiet.example")
        assert selectors.value_appearances(
            actor=community.red_recipient, kind="domain", value="quiet.example"
        )

    def test_an_object_lists_the_others_sharing_its_values(self):
        community = community_make()
        first, second = indicator("c2.example", tlp=Tlp.GREEN), indicator("c2.example", tlp=Tlp.GREEN)
        unrelated = indicator("benign.example", tlp=Tlp.GREEN)
        stored = services.objects_add(
            actor=community.creator, collection=community.collection, objects=[first, second, unrelated]
        ).added
        elsewhere = selectors.object_seen_elsewhere(actor=community.direct_reader, obj=stored[0])
        assert [obj.stix_id for obj in elsewhere] == [second["id"]]


def test_stakeholder_role_alone_cannot_create_collections():
    stakeholder = analyst_make(None, Role.INTEL_STAKEHOLDER)
    with pytest.raises(NotFound):
        services.collection_create(
            actor=stakeholder, owner=stakeholder.user.memberships.get().organisation, alias="x", title="X"
        )


class TestBrowsing:
    """The browse page's searches: every filter answered from its own column, newest first, by pages."""

    def _found(self, actor, **filters):
        return {row.stix_id for row in selectors.stix_objects_search(actor=actor, **filters)}

    def test_a_label_is_found_whatever_its_case_and_only_as_a_whole_label(self):
        community = community_make()
        tagged = indicator("a.example", tlp=Tlp.GREEN, labels=["Phishing", "banking"])
        kit = indicator("b.example", tlp=Tlp.GREEN, labels=["phishing-kit"])
        services.objects_add(actor=community.creator, collection=community.collection, objects=[tagged, kit])
        reader = community.colleague
        assert self._found(reader, label="phishing") == {tagged["id"]}
        assert self._found(reader, label=" PHISHING ") == {tagged["id"]}
        assert self._found(reader, label="phish") == set()
        assert self._found(reader, label="phishing-kit") == {kit["id"]}

    def test_a_label_search_never_shows_what_the_tlp_hides(self):
        community = community_make()
        green = indicator("g.example", tlp=Tlp.GREEN, labels=["botnet"])
        amber = indicator("a.example", tlp=Tlp.AMBER, labels=["botnet"])
        services.objects_add(actor=community.creator, collection=community.collection, objects=[green, amber])
        assert self._found(community.outsider, label="botnet") == {green["id"]}
        assert self._found(community.group_reader, label="botnet") == {green["id"], amber["id"]}

    def test_a_new_version_is_found_by_its_own_labels_not_the_old_ones(self):
        community = community_make()
        first = indicator("v.example", tlp=Tlp.GREEN, labels=["scanning"])
        second = first | {"modified": "2025-03-02T08:00:00.000Z", "labels": ["c2"]}
        services.objects_add(actor=community.creator, collection=community.collection, objects=[first])
        services.objects_add(actor=community.creator, collection=community.collection, objects=[second])
        assert self._found(community.colleague, label="scanning") == set()
        assert self._found(community.colleague, label="c2") == {first["id"]}

    def test_expiring_finds_current_indicators_whose_validity_ends_within_the_days(self):
        from datetime import timedelta

        from django.utils import timezone

        def at(days: float) -> str:
            return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

        community = community_make()
        soon = indicator("soon.example", tlp=Tlp.GREEN, valid_until=at(3))
        later = indicator("later.example", tlp=Tlp.GREEN, valid_until=at(20))
        expired = indicator("gone.example", tlp=Tlp.GREEN, valid_until=at(-1))
        forever = indicator("forever.example", tlp=Tlp.GREEN)
        hidden = indicator("hidden.example", tlp=Tlp.RED, valid_until=at(2))
        services.objects_add(
            actor=community.creator,
            collection=community.collection,
            objects=[soon, later, expired, forever, hidden],
        )
        assert self._found(community.outsider, expiring_within_days=7) == {soon["id"]}
        assert selectors.indicators_expiring_count(actor=community.outsider, days=7) == 1
        assert selectors.indicators_expiring_count(actor=community.creator, days=7) == 2

    def test_pages_follow_each_other_newest_first_without_gaps_or_repeats(self):
        community = community_make()
        objects = [indicator(f"host{n}.example", tlp=Tlp.GREEN) for n in range(7)]
        services.objects_add(actor=community.creator, collection=community.collection, objects=objects)
        newest_first = [obj["id"] for obj in reversed(objects)]
        reader = community.outsider

        def ids(page):
            return [summary.row.stix_id for summary in page.summaries]

        first = selectors.stix_objects_page(actor=reader, size=3)
        second = selectors.stix_objects_page(actor=reader, size=3, older=first.older)
        third = selectors.stix_objects_page(actor=reader, size=3, older=second.older)
        assert ids(first) + ids(second) + ids(third) == newest_first
        assert (first.newer, third.older) == ("", "")
        assert (first.total, first.capped) == (7, False)
        assert ids(selectors.stix_objects_page(actor=reader, size=3, newer=third.newer)) == ids(second)
        back = selectors.stix_objects_page(actor=reader, size=3, newer=second.newer)
        assert ids(back) == ids(first) and back.newer == ""

    def test_pages_of_one_label_follow_each_other_and_keep_to_what_the_reader_may_see(self):
        community = community_make()
        tlps = [Tlp.GREEN, Tlp.AMBER, Tlp.GREEN, Tlp.RED, Tlp.GREEN, Tlp.GREEN, Tlp.CLEAR, Tlp.GREEN]
        labelled = [indicator(f"l{n}.example", tlp=tlp, labels=["Botnet"]) for n, tlp in enumerate(tlps)]
        plain = [indicator(f"u{n}.example", tlp=Tlp.GREEN) for n in range(3)]
        services.objects_add(
            actor=community.creator, collection=community.collection, objects=[*labelled, *plain]
        )
        visible = [
            obj["id"] for obj in reversed(labelled) if obj is not labelled[1] and obj is not labelled[3]
        ]
        reader = community.outsider

        def ids(page):
            return [summary.row.stix_id for summary in page.summaries]

        first = selectors.stix_objects_page(actor=reader, size=4, label="botnet")
        second = selectors.stix_objects_page(actor=reader, size=4, label="botnet", older=first.older)
        assert ids(first) + ids(second) == visible and second.older == ""
        assert (first.total, second.total) == (6, 6)
        assert ids(
            selectors.stix_objects_page(actor=reader, size=4, label="botnet", newer=second.newer)
        ) == ids(first)
        only_clear = selectors.stix_objects_page(actor=reader, label="botnet", tlp="clear")
        assert ids(only_clear) == [labelled[6]["id"]]

    def test_the_count_stops_at_its_cap_and_says_so(self):
        community = community_make()
        services.objects_add(
            actor=community.creator,
            collection=community.collection,
            objects=[indicator(f"n{n}.example", tlp=Tlp.GREEN) for n in range(5)],
        )
        page = selectors.stix_objects_page(actor=community.outsider, size=2, count_cap=3)
        assert (page.total, page.capped, len(page.summaries)) == (3, True, 2)
        later = selectors.stix_objects_page(actor=community.outsider, size=2, count_cap=3, older=page.older)
        assert (later.total, later.capped) == (3, True)
        page = selectors.stix_objects_page(actor=community.outsider, size=2, count_cap=10)
        assert (page.total, page.capped) == (5, False)

    def test_a_cursor_that_cannot_be_read_shows_the_newest_page(self):
        community = community_make()
        services.objects_add(
            actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.GREEN)]
        )
        for cursor in ("", "nonsense", "1.2.3", "-5.3", "99999999999999999999.1", "999999999999999999.1"):
            page = selectors.stix_objects_page(actor=community.outsider, older=cursor)
            assert len(page.summaries) == 1, cursor

    def test_relationships_and_sightings_are_found_by_their_references(self):
        community = community_make()
        target = indicator("ref.example", tlp=Tlp.GREEN)
        malware = {
            "type": "malware",
            "spec_version": "2.1",
            "id": "malware--5f8b4c8e-6f3c-4a59-9d2a-2f1f0c6f4e11",
            "created": "2025-03-01T08:00:00.000Z",
            "modified": "2025-03-01T08:00:00.000Z",
            "name": "Kitten",
            "is_family": True,
            "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
        }
        relationship = {
            "type": "relationship",
            "spec_version": "2.1",
            "id": "relationship--0c3f8a2e-8e0b-4d1e-9a77-6b1d1f2e3a44",
            "created": "2025-03-01T08:00:00.000Z",
            "modified": "2025-03-01T08:00:00.000Z",
            "relationship_type": "indicates",
            "source_ref": target["id"],
            "target_ref": malware["id"],
            "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
        }
        sighting = {
            "type": "sighting",
            "spec_version": "2.1",
            "id": "sighting--7d4b2f1a-3c5e-4f6a-8b9c-0d1e2f3a4b5c",
            "created": "2025-03-01T08:00:00.000Z",
            "modified": "2025-03-01T08:00:00.000Z",
            "sighting_of_ref": target["id"],
            "count": 3,
            "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
        }
        stored = services.objects_add(
            actor=community.creator,
            collection=community.collection,
            objects=[target, malware, relationship, sighting],
        ).added
        reader = community.outsider
        [(rel, other, way)] = selectors.object_relationships(actor=reader, obj=stored[0])
        assert (rel.row.stix_id, other.row.stix_id, way) == (relationship["id"], malware["id"], "out")
        [(_, other, way)] = selectors.object_relationships(actor=reader, obj=stored[1])
        assert (other.row.stix_id, way) == (target["id"], "in")
        assert [s.row.stix_id for s in selectors.object_sightings(actor=reader, obj=stored[0])] == [
            sighting["id"]
        ]
