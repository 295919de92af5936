"""Demo monitoring: the ISPs' sightings of the demo indicators over the last week, so the policy office's
dashboard has a story to tell (and an alert: two ISPs saw the same booter service).

Stored through the intel store, as real sightings are. Running it again changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import Collection, SharingGroup, StixObject
from lionrock.cyber.intel.services import stix_timestamp
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp

ALIAS = "stakeholder-sightings"
NAMESPACE = uuid.UUID("0b6c7e5a-2f4d-4f0e-9a61-3c2d1e0f9b87")
# (stakeholder's account, indicator key in the intel demo, days ago, count)
SIGHTINGS = (
    ("soc.kowloon", "booter", 2, 12),
    ("noc.ix", "booter", 1, 40),
    ("soc.kowloon", "parcel-phish", 5, 3),
    ("noc.lantau", "scanner", 7, 120),
    ("soc.victoria", "scanner", 4, 60),
    ("noc.lantau", "ticketing-scan", 0, 5),
    ("soc.victoria", "fake-bank-login", 3, 2),
)


def monitoring_demo_build(*, quiet: bool) -> int:
    from lionrock.cyber.intel.demo import _id as intel_demo_id

    analyst = User.objects.filter(email="analyst@lionrock.test").first()
    dpo = Organisation.objects.filter(slug="dpo").first()
    group = SharingGroup.objects.filter(slug="isps").first()
    if analyst is None or dpo is None or group is None or Collection.objects.filter(alias=ALIAS).exists():
        return 0
    owner = actor_for_user(analyst)
    collection = intel_services.collection_create(
        actor=owner, owner=dpo, alias=ALIAS, title="Stakeholder sightings",
        description="What the stakeholders' monitoring found. Each sees its own; the policy office sees all.",
        default_tlp=Tlp.AMBER_STRICT, max_tlp=Tlp.AMBER_STRICT,
    )  # fmt: skip
    intel_services.collection_grant_set(
        actor=owner, collection=collection, group=group, can_read=True, can_write=True
    )
    now = timezone.now()
    stored = 0
    for local, key, days, count in SIGHTINGS:
        indicator_id = intel_demo_id("indicator", key)
        person = User.objects.filter(email=f"{local}@lionrock.test").first()
        if person is None or not StixObject.objects.filter(stix_id=indicator_id).exists():
            continue
        seen = now - timedelta(days=days, hours=3)
        stamp = stix_timestamp(seen + timedelta(hours=1))
        sighting = {
            "type": "sighting", "spec_version": "2.1",
            "id": f"sighting--{uuid.uuid5(NAMESPACE, f'{local}:{key}')}",
            "created": stamp, "modified": stamp, "sighting_of_ref": indicator_id, "count": count,
            "first_seen": stix_timestamp(seen - timedelta(hours=6)), "last_seen": stix_timestamp(seen),
            "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
        }  # fmt: skip
        outcome = intel_services.objects_add(
            actor=actor_for_user(person), collection=collection, objects=[sighting], source="demo"
        )
        stored += len(outcome.added)
    if not quiet:
        print(f"Demo: {stored} sightings from the ISPs' monitoring.")
    return stored
