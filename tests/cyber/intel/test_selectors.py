import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.roles import Role
from lionrock.cyber.intel import selectors, services
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
