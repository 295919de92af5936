"""Collections, their grants and TLP:RED recipients, and sharing groups: what intel managers set up."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    SharingGroup,
    StixObject,
)
from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES
from lionrock.cyber.intel.tlp import (
    RANK,
    Tlp,
)

__all__ = [
    "collection_create",
    "collection_grant_set",
    "collection_red_recipients_set",
    "exercise_collection_create",
    "exercise_collection_purge",
    "sharing_group_create",
]


@transaction.atomic
def collection_create(
    *,
    actor: Actor,
    owner: Organisation,
    alias: str,
    title: str,
    description: str = "",
    default_tlp: str = Tlp.AMBER,
    max_tlp: str = Tlp.AMBER_STRICT,
) -> Collection:
    access.require(actor, *INTEL_MANAGE_ROLES, organisation=owner)
    if RANK[Tlp(default_tlp)] > RANK[Tlp(max_tlp)]:
        raise ValidationFailed(
            _("The default TLP cannot be more restrictive than the most restrictive TLP accepted.")
        )
    if Collection.objects.filter(alias=alias).exists():
        raise ValidationFailed(
            _("A collection with the short code “%(alias)s” already exists.") % {"alias": alias}
        )
    collection = Collection.objects.create(
        owner=owner,
        alias=alias,
        title=title,
        description=description,
        default_tlp=default_tlp,
        max_tlp=max_tlp,
    )
    audit.record(
        actor=actor,
        action="intel.collection.create",
        target=collection,
        changes={"alias": alias, "title": title, "default_tlp": default_tlp, "max_tlp": max_tlp},
    )
    return collection


@transaction.atomic
def collection_grant_set(
    *,
    actor: Actor,
    collection: Collection,
    organisation: Organisation | None = None,
    group: SharingGroup | None = None,
    can_read: bool,
    can_write: bool,
) -> CollectionGrant | None:
    """Sets one grantee's access; both flags false removes the grant."""
    selectors.require_manage(actor, collection)
    if (organisation is None) == (group is None):
        raise ValidationFailed(_("Grant access to one organisation or one sharing group."))
    lookup = {"collection": collection, "organisation": organisation, "group": group}
    grantee = str(organisation or group)
    if not can_read and not can_write:
        CollectionGrant.objects.filter(**lookup).delete()
        audit.record(actor=actor, action="intel.collection.revoke", target=collection, summary=grantee)
        return None
    grant, _created = CollectionGrant.objects.update_or_create(
        collection=collection,
        organisation=organisation,
        group=group,
        defaults={"can_read": can_read, "can_write": can_write},
    )
    audit.record(
        actor=actor,
        action="intel.collection.grant",
        target=collection,
        changes={"grantee": grantee, "can_read": can_read, "can_write": can_write},
        summary=f"{grantee}: {'read' if can_read else ''}{'+write' if can_write else ''}",
    )
    return grant


@transaction.atomic
def collection_red_recipients_set(*, actor: Actor, collection: Collection, users: Iterable[User]) -> None:
    selectors.require_manage(actor, collection)
    people = list(users)
    collection.red_recipients.set(people)
    audit.record(
        actor=actor,
        action="intel.collection.red_recipients",
        target=collection,
        changes={"users": sorted(person.pk for person in people)},
    )


@transaction.atomic
def sharing_group_create(
    *, actor: Actor, slug: str, name: str, organisations: Iterable[Organisation], description: str = ""
) -> SharingGroup:
    access.require(actor, *INTEL_MANAGE_ROLES)
    if SharingGroup.objects.filter(slug=slug).exists():
        raise ValidationFailed(
            _("A sharing group with the short code “%(slug)s” already exists.") % {"slug": slug}
        )
    group = SharingGroup.objects.create(slug=slug, name=name, description=description)
    members = list(organisations)
    group.organisations.set(members)
    audit.record(
        actor=actor,
        action="intel.group.create",
        target=group,
        changes={"slug": slug, "organisations": sorted(org.pk for org in members)},
    )
    return group


@transaction.atomic
def exercise_collection_create(
    *, actor: Actor, owner: Organisation, alias: str, title: str, teams: Iterable[Organisation]
) -> Collection:
    """A drill's exercise-only collection: the owner's drill planners plant in it, the teams read and
    report in it through one sharing group, and nothing in it ever reaches a real path.

    Objects default to TLP:AMBER+STRICT, which the teams (granted through the group, not directly) see
    only when addressed to them: each team sees its own canaries and its own reports, never another's.
    """
    access.require(actor, Role.DRILL_PLANNER, organisation=owner)
    if Collection.objects.filter(alias=alias).exists():
        raise ValidationFailed(
            _("A collection with the short code “%(alias)s” already exists.") % {"alias": alias}
        )
    collection = Collection.objects.create(
        owner=owner,
        alias=alias,
        title=title,
        default_tlp=Tlp.AMBER_STRICT,
        max_tlp=Tlp.RED,
        is_exercise=True,
    )
    group = SharingGroup.objects.create(slug=alias, name=title)
    group.organisations.set(list(teams))
    CollectionGrant.objects.create(collection=collection, group=group, can_read=True, can_write=True)
    audit.record(
        actor=actor,
        action="intel.collection.create",
        target=collection,
        changes={"alias": alias, "title": title, "exercise": True},
    )
    return collection


@transaction.atomic
def exercise_collection_purge(*, actor: Actor, collection: Collection) -> int:
    """Deletes every object of an exercise collection (after the drill's report is approved), audited."""
    if not collection.is_exercise:
        raise NotFound
    access.require(actor, Role.DRILL_PLANNER, organisation=collection.owner_id)
    deleted, _by_model = StixObject.objects.filter(collection=collection).delete()
    CollectionGrant.objects.filter(collection=collection).delete()
    SharingGroup.objects.filter(slug=collection.alias).delete()
    collection.is_active = False
    collection.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="intel.collection.exercise_purge",
        target=collection,
        changes={"rows": deleted},
        summary=f"{deleted} row(s) of the exercise collection deleted",
    )
    return deleted
