"""Every read of the STIX store, for an actor: visibility under collection grants and TLP is decided here.

The rules (docs/users/intel-sharing.md says the same in plain words):
* TLP:CLEAR: every signed-in member of an organisation with an intelligence role.
* TLP:GREEN: the same community.
* TLP:AMBER: the collection's audience (owner, organisations granted read directly or through a group).
* TLP:AMBER+STRICT: the creating organisation, organisations granted read on the collection directly
  (not through a group), and organisations named as recipients on the object.
* TLP:RED: the person who created it, people named as recipients on the object, and the collection's
  named RED recipients. Nobody else, platform administrators included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Scope
from lionrock.cyber.intel.correlation import value_key
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    ObjectRecipient,
    ObservableValue,
    StixObject,
)
from lionrock.cyber.intel.sharing import INTEL_READ_ROLES, INTEL_WRITE_ROLES
from lionrock.cyber.intel.tlp import Tlp


def intel_organisations(actor: Actor, *, write: bool = False) -> frozenset[int]:
    """The organisations through which the actor works with intelligence (and the token allows it)."""
    if actor.user is None or not actor.has_scope(Scope.INTEL_WRITE if write else Scope.INTEL_READ):
        return frozenset()
    return actor.organisations_with(*(INTEL_WRITE_ROLES if write else INTEL_READ_ROLES))


def _grant_q(orgs: frozenset[int], *, flag: str, direct_only: bool = False) -> Q:
    direct = Q(organisation_id__in=orgs, **{flag: True})
    if direct_only:
        return direct
    return direct | Q(group__organisations__in=orgs, **{flag: True})


def collection_ids_readable(actor: Actor, *, direct_only: bool = False) -> set[Any]:
    orgs = intel_organisations(actor)
    if not orgs:
        return set()
    owned = set(Collection.objects.filter(owner_id__in=orgs, is_active=True).values_list("id", flat=True))
    granted = set(
        CollectionGrant.objects.filter(_grant_q(orgs, flag="can_read", direct_only=direct_only))
        .filter(collection__is_active=True)
        .values_list("collection_id", flat=True)
    )
    return owned | granted


def collection_ids_writable(actor: Actor) -> set[Any]:
    orgs = intel_organisations(actor, write=True)
    if not orgs:
        return set()
    owned = set(Collection.objects.filter(owner_id__in=orgs, is_active=True).values_list("id", flat=True))
    granted = set(
        CollectionGrant.objects.filter(_grant_q(orgs, flag="can_write"))
        .filter(collection__is_active=True)
        .values_list("collection_id", flat=True)
    )
    return owned | granted


def visibility_q(actor: Actor) -> Q:
    """The single filter behind every read path: UI, REST, TAXII and exports."""
    orgs = intel_organisations(actor)
    if not orgs or actor.user is None:
        return Q(pk__in=[])
    readable = collection_ids_readable(actor)
    direct = collection_ids_readable(actor, direct_only=True)
    red_collections = list(
        Collection.red_recipients.through.objects.filter(user_id=actor.user.pk).values_list(
            "collection_id", flat=True
        )
    )
    strict_recipient = ObjectRecipient.objects.filter(stix_object=OuterRef("pk"), organisation_id__in=orgs)
    red_recipient = ObjectRecipient.objects.filter(stix_object=OuterRef("pk"), user_id=actor.user.pk)
    visible: Q = (
        Q(tlp__in=[Tlp.CLEAR, Tlp.GREEN])
        | Q(tlp=Tlp.AMBER, collection_id__in=readable)
        | Q(tlp__in=[Tlp.AMBER, Tlp.AMBER_STRICT], created_by_org_id__in=orgs)
        | Q(tlp=Tlp.AMBER_STRICT, collection_id__in=direct)
        | Q(Exists(strict_recipient), tlp=Tlp.AMBER_STRICT)
        | Q(tlp=Tlp.RED, created_by_user_id=actor.user.pk)
        | Q(tlp=Tlp.RED, collection_id__in=red_collections)
        | Q(Exists(red_recipient), tlp=Tlp.RED)
    )
    return visible


def stix_objects_visible(*, actor: Actor) -> QuerySet[StixObject]:
    """Everything this actor may see; the only door to the table."""
    return StixObject.objects.filter(visibility_q(actor))


def collections_readable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=collection_ids_readable(actor))


def collections_visible(*, actor: Actor) -> QuerySet[Collection]:
    """Collections the actor may know about: readable or writable."""
    return Collection.objects.filter(id__in=collection_ids_readable(actor) | collection_ids_writable(actor))


@dataclass(frozen=True)
class CollectionAccess:
    collection: Collection
    can_read: bool
    can_write: bool


def collection_access_get(*, actor: Actor, key: str) -> CollectionAccess:
    """A collection by id or short code with the actor's rights on it; unknown and forbidden look alike."""
    readable = collection_ids_readable(actor)
    writable = collection_ids_writable(actor)
    query = Q(alias=key)
    try:
        import uuid

        query |= Q(id=uuid.UUID(key))
    except ValueError:
        pass
    collection = Collection.objects.filter(query, id__in=readable | writable).first()
    if collection is None:
        raise NotFound
    return CollectionAccess(collection, collection.id in readable, collection.id in writable)


def collection_objects_visible(*, actor: Actor, collection: Collection) -> QuerySet[StixObject]:
    if collection.id not in collection_ids_readable(actor):
        raise NotFound
    return stix_objects_visible(actor=actor).filter(collection=collection)


def stix_object_get(*, actor: Actor, stix_id: str) -> StixObject:
    """The newest visible version of an object, wherever it is stored."""
    obj = (
        stix_objects_visible(actor=actor).filter(stix_id=stix_id).order_by("-modified", "-date_added").first()
    )
    if obj is None:
        raise NotFound(stix_id)
    return obj


def stix_object_versions(*, actor: Actor, stix_id: str) -> QuerySet[StixObject]:
    return stix_objects_visible(actor=actor).filter(stix_id=stix_id).order_by("-modified")


def value_appearances(*, actor: Actor, kind: str, value: str, limit: int = 100) -> QuerySet[StixObject]:
    """Every visible object naming this normalised value, newest first: one indexed lookup."""
    keys = ObservableValue.objects.filter(key=value_key(kind, value)).values("stix_object_id")
    return (
        stix_objects_visible(actor=actor)
        .filter(pk__in=keys)
        .select_related("collection", "created_by_org")
        .order_by("-date_added")[:limit]
    )


def object_seen_elsewhere(*, actor: Actor, obj: StixObject, limit: int = 100) -> QuerySet[StixObject]:
    """Other visible objects sharing any value with this one (other reports, other organisations)."""
    keys = ObservableValue.objects.filter(stix_object=obj).values("key")
    others = ObservableValue.objects.filter(key__in=keys).exclude(stix_object__stix_id=obj.stix_id)
    return (
        stix_objects_visible(actor=actor)
        .filter(pk__in=others.values("stix_object_id"))
        .select_related("collection", "created_by_org")
        .order_by("-date_added")[:limit]
    )


def require_manage(actor: Actor, collection: Collection) -> None:
    """Managing a collection (grants, settings) belongs to the owner's analysts."""
    from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES

    access.require(actor, *INTEL_MANAGE_ROLES, organisation=collection.owner_id)
