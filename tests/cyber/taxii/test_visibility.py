"""The TLP matrix through TAXII: every viewer x every TLP on objects, object, manifest and versions.

TAXII serves objects inside collections, so a viewer must first be able to read the collection; within
it, what each viewer sees is exactly intel's VISIBILITY matrix (the one selector decides both).
"""

from __future__ import annotations

import pytest

from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.intel.factories import VIEWERS, VISIBILITY, community_make, indicator
from tests.cyber.taxii.helpers import Taxii, collection_url, token_for

pytestmark = pytest.mark.django_db

# Who may open the community's collection over TAXII at all (owner's people, grantees, RED recipients).
COLLECTION_READERS = {"creator", "colleague", "direct_reader", "group_reader", "red_recipient"}


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_tlp_matrix_on_every_taxii_read_path(tlp, viewer):
    community = community_make()
    obj = indicator(tlp=tlp)
    other = indicator("always-visible.example", tlp=Tlp.CLEAR)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[other, obj])
    client = Taxii(token_for(getattr(community, viewer)))
    expected = viewer in VISIBILITY[tlp]

    objects = client.get(collection_url(community.collection, "objects/"))
    manifest = client.get(collection_url(community.collection, "manifest/"))
    single = client.get(collection_url(community.collection, f"objects/{obj['id']}/"))
    versions = client.get(collection_url(community.collection, f"objects/{obj['id']}/versions/"))

    if viewer not in COLLECTION_READERS:
        assert {r.status_code for r in (objects, manifest, single, versions)} == {404}
        return
    listed = [o["id"] for o in objects.json().get("objects", [])]
    manifested = [m["id"] for m in manifest.json().get("objects", [])]
    assert listed == manifested == ([other["id"], obj["id"]] if expected else [other["id"]])
    assert single.status_code == (200 if expected else 404)
    assert versions.status_code == (200 if expected else 404)
    if expected:
        assert single.json()["objects"] == [obj]
        assert len(versions.json()["versions"]) == 1
        # The headers reflect what this viewer was served, never a hidden object's date_added.
        assert objects["X-TAXII-Date-Added-Last"] == single["X-TAXII-Date-Added-Last"]
    else:
        assert objects["X-TAXII-Date-Added-Last"] == objects["X-TAXII-Date-Added-First"]


def test_every_expected_viewer_is_a_collection_reader_or_sees_only_community_levels():
    """Guards the premise above: outside the collection's readers only CLEAR/GREEN would be visible."""
    for tlp, viewers in VISIBILITY.items():
        if viewers - COLLECTION_READERS:
            assert tlp in (Tlp.CLEAR, Tlp.GREEN)
