"""Collections as their managers see them, and who may receive intelligence: grants, TLP:RED recipients,
intelligence people and organisations, the one policy for naming recipients, and sharing groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel.models import (
    Collection,
    CollectionGrant,
    SharingGroup,
)
from lionrock.cyber.intel.selectors.visibility import (
    collection_access_get,
    collection_ids_readable,
    collection_ids_writable,
    intel_organisations,
    require_manage,
)
from lionrock.cyber.intel.sharing import INTEL_READ_ROLES

__all__ = [
    "CollectionRights",
    "collection_audience_people",
    "collection_grants",
    "collection_managed_get",
    "collection_red_recipients",
    "collections_with_rights",
    "collections_writable",
    "intel_participants",
    "intel_people",
    "recipients_resolve",
    "sharing_groups_visible",
    "sharing_organisations",
]


@dataclass(frozen=True)
class CollectionRights:
    collection: Collection
    can_read: bool
    can_write: bool
    can_manage: bool


def collections_with_rights(*, actor: Actor) -> list[CollectionRights]:
    """Every collection the actor may know about, with what it may do there."""
    readable = collection_ids_readable(actor)
    writable = collection_ids_writable(actor)
    from lionrock.cyber.intel.sharing import INTEL_MANAGE_ROLES

    managing = actor.organisations_with(*INTEL_MANAGE_ROLES) if actor.user is not None else frozenset()
    return [
        CollectionRights(c, c.id in readable, c.id in writable, c.owner_id in managing)
        for c in Collection.objects.filter(id__in=readable | writable, is_exercise=False).select_related(
            "owner"
        )
    ]


def collections_writable(*, actor: Actor) -> QuerySet[Collection]:
    return Collection.objects.filter(id__in=collection_ids_writable(actor), is_exercise=False).select_related(
        "owner"
    )


def collection_managed_get(*, actor: Actor, key: str) -> Collection:
    """A collection whose settings and grants the actor may change (its owner's analysts)."""
    found = collection_access_get(actor=actor, key=key).collection
    require_manage(actor, found)
    return found


def collection_grants(*, actor: Actor, collection: Collection) -> QuerySet[CollectionGrant]:
    require_manage(actor, collection)
    return CollectionGrant.objects.filter(collection=collection).select_related("organisation", "group")


def collection_red_recipients(*, actor: Actor, collection: Collection) -> QuerySet[User]:
    require_manage(actor, collection)
    return collection.red_recipients.all()


def collection_audience_people(*, actor: Actor, collection: Collection) -> QuerySet[User]:
    """People with an intelligence role in the owner or a granted organisation: who may receive RED."""
    require_manage(actor, collection)
    from lionrock.core.accounts.models import MembershipRole

    grants = CollectionGrant.objects.filter(collection=collection, can_read=True)
    orgs = {collection.owner_id} | set(
        grants.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    orgs |= set(
        SharingGroup.organisations.through.objects.filter(
            sharinggroup_id__in=grants.exclude(group=None).values("group_id")
        ).values_list("organisation_id", flat=True)
    )
    holders = MembershipRole.objects.filter(
        role__in=INTEL_READ_ROLES,
        membership__organisation_id__in=orgs,
        membership__is_active=True,
        membership__user__is_active=True,
    ).values("membership__user_id")
    return User.objects.filter(pk__in=holders).order_by("full_name", "email")


def intel_people(*, actor: Actor) -> QuerySet[User]:
    """Everyone with an intelligence role in an active organisation: the people RED can be sent to."""
    if not intel_organisations(actor):
        raise NotFound
    from lionrock.core.accounts.models import MembershipRole

    holders = MembershipRole.objects.filter(
        role__in=INTEL_READ_ROLES,
        membership__is_active=True,
        membership__organisation__is_active=True,
        membership__user__is_active=True,
    ).values("membership__user_id")
    return User.objects.filter(pk__in=holders).order_by("full_name", "email")


def sharing_organisations(*, actor: Actor) -> QuerySet[Organisation]:
    """The organisations one can share with: every active participant, by name."""
    if not intel_organisations(actor):
        raise NotFound
    return Organisation.objects.filter(is_active=True).order_by("name_en")


def intel_participants(*, actor: Actor) -> QuerySet[Organisation]:
    """Active organisations taking part in intelligence sharing: someone active there has an intel role.

    The organisations AMBER+STRICT can be addressed to; an NGO or a shelter on the platform for other
    work is not one of them.
    """
    if not intel_organisations(actor):
        raise NotFound
    from lionrock.core.accounts.models import MembershipRole

    holders = MembershipRole.objects.filter(
        role__in=INTEL_READ_ROLES,
        membership__is_active=True,
        membership__user__is_active=True,
    ).values("membership__organisation_id")
    return Organisation.objects.filter(is_active=True, pk__in=holders).order_by("name_en")


def recipients_resolve(
    *,
    actor: Actor,
    organisations: Iterable[str] = (),
    people_emails: Iterable[str] = (),
    people_ids: Iterable[str] = (),
) -> tuple[list[Organisation], list[User]]:
    """The one policy for naming recipients, for pages and API alike: every name must resolve.

    Organisations (by slug) must take part in intelligence sharing, people (by email or id) must hold
    an intelligence role; anything else refuses the whole request with the names that failed, rather
    than sharing with fewer recipients than the sender chose.
    """
    slugs = sorted(set(organisations))
    emails = sorted(set(people_emails))
    ids = sorted({text for text in people_ids if str(text).isdigit()})
    found_orgs = list(intel_participants(actor=actor).filter(slug__in=slugs)) if slugs else []
    people_query = Q(pk__in=[])
    if emails:
        people_query |= Q(email__in=emails)
    if ids:
        people_query |= Q(pk__in=[int(text) for text in ids])
    found_people = list(intel_people(actor=actor).filter(people_query)) if emails or ids else []
    unknown = [slug for slug in slugs if slug not in {org.slug for org in found_orgs}]
    unknown += [email for email in emails if email not in {person.email for person in found_people}]
    unknown += [text for text in set(people_ids) if text not in {str(person.pk) for person in found_people}]
    if unknown:
        from django.utils.translation import gettext as _

        from lionrock.core.errors import ValidationFailed

        raise ValidationFailed(
            _(
                "These recipients are unknown or do not take part in intelligence sharing, so nothing "
                "was shared: %(names)s"
            )
            % {"names": ", ".join(sorted(unknown))}
        )
    return found_orgs, found_people


def sharing_groups_visible(*, actor: Actor) -> QuerySet[SharingGroup]:
    if not intel_organisations(actor):
        raise NotFound
    # A drill's teams share through a group named after its exercise collection: not a real audience.
    drills = Collection.objects.filter(is_exercise=True).values("alias")
    return SharingGroup.objects.exclude(slug__in=drills).prefetch_related("organisations").order_by("name")
