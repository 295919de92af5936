"""Builders for STIX objects and a small sharing community around one collection."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.intel import services
from lionrock.cyber.intel.models import Collection, SharingGroup
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.core.accounts.factories import OrganisationFactory, member_make

STAMP = "2025-03-01T08:00:00.000Z"


def indicator(value: str = "evil.example", *, tlp: Tlp | None = None, **extra: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created": STAMP,
        "modified": STAMP,
        "name": f"Known bad {value}",
        "pattern": f"[domain-name:value = '{value}']",
        "pattern_type": "stix",
        "valid_from": STAMP,
    }
    if tlp is not None:
        obj["object_marking_refs"] = [MARKING_ID_FOR[tlp]]
    obj.update(extra)
    return obj


def sco(stix_type: str, value: str) -> dict[str, Any]:
    return {"type": stix_type, "spec_version": "2.1", "id": f"{stix_type}--{uuid.uuid4()}", "value": value}


def analyst_make(organisation: Organisation | None = None, *roles: str) -> Actor:
    membership = member_make(roles or [Role.INTEL_ANALYST], organisation=organisation)
    return actor_for_user(membership.user)


@dataclass
class Community:
    """An owner CERT, a directly granted ISP, an ISP reading through a group, and an outsider ISP."""

    collection: Collection
    creator: Actor
    colleague: Actor
    direct_reader: Actor
    group_reader: Actor
    outsider: Actor
    red_recipient: Actor
    no_intel_role: Actor
    platform_admin: Actor


def community_make(*, max_tlp: Tlp = Tlp.RED) -> Community:
    cert = OrganisationFactory(kind=Organisation.Kind.CERT)
    creator = analyst_make(cert)
    collection = services.collection_create(
        actor=creator,
        owner=cert,
        alias=f"shared-{uuid.uuid4().hex[:8]}",
        title="Shared indicators",
        default_tlp=Tlp.AMBER,
        max_tlp=max_tlp,
    )
    isp_direct, isp_group, isp_out = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    group = SharingGroup.objects.create(slug=f"isps-{uuid.uuid4().hex[:6]}", name="ISPs")
    group.organisations.add(isp_group)
    services.collection_grant_set(
        actor=creator, collection=collection, organisation=isp_direct, can_read=True, can_write=True
    )
    services.collection_grant_set(
        actor=creator, collection=collection, group=group, can_read=True, can_write=False
    )
    red_recipient = analyst_make(isp_direct, Role.INTEL_STAKEHOLDER)
    services.collection_red_recipients_set(actor=creator, collection=collection, users=[red_recipient.user])
    return Community(
        collection=collection,
        creator=creator,
        colleague=analyst_make(cert),
        direct_reader=analyst_make(isp_direct, Role.INTEL_STAKEHOLDER),
        group_reader=analyst_make(isp_group, Role.INTEL_STAKEHOLDER),
        outsider=analyst_make(isp_out, Role.INTEL_STAKEHOLDER),
        red_recipient=red_recipient,
        no_intel_role=analyst_make(isp_direct, Role.ENFORCEMENT_OFFICER),
        platform_admin=analyst_make(None, Role.PLATFORM_ADMIN),
    )


# Who sees an object of each TLP posted by `creator` to the community's collection.
VISIBILITY: dict[Tlp, set[str]] = {
    Tlp.CLEAR: {"creator", "colleague", "direct_reader", "group_reader", "outsider", "red_recipient"},
    Tlp.GREEN: {"creator", "colleague", "direct_reader", "group_reader", "outsider", "red_recipient"},
    Tlp.AMBER: {"creator", "colleague", "direct_reader", "group_reader", "red_recipient"},
    Tlp.AMBER_STRICT: {"creator", "colleague", "direct_reader", "red_recipient"},
    Tlp.RED: {"creator", "red_recipient"},
}
VIEWERS = (
    "creator",
    "colleague",
    "direct_reader",
    "group_reader",
    "outsider",
    "red_recipient",
    "no_intel_role",
    "platform_admin",
)
