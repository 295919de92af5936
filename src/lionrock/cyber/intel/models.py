"""The STIX 2.1 store: collections and their audiences, object versions, recipients and observed values."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel.columns import LABEL_MAX_LENGTH
from lionrock.cyber.intel.tlp import Tlp


class SharingGroup(models.Model):
    """A named set of organisations (e.g. all ISPs) that collections can be shared with in one grant."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="sharing_groups", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class Collection(models.Model):
    """A TAXII collection owned by one organisation; its grants define its audience."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    alias = models.SlugField(_("short code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="owned_collections")
    default_tlp = models.CharField(_("default TLP"), max_length=16, choices=Tlp.choices, default=Tlp.AMBER)
    max_tlp = models.CharField(
        _("most restrictive TLP accepted"), max_length=16, choices=Tlp.choices, default=Tlp.AMBER_STRICT
    )
    red_recipients = models.ManyToManyField(User, related_name="red_collections", blank=True)
    is_active = models.BooleanField(default=True)
    # A drill's collection: its objects are seen only through it, never on a real path (selectors).
    is_exercise = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["title"]

    def __str__(self) -> str:
        return self.title


class CollectionGrant(models.Model):
    """Read and/or write access to a collection for one organisation or one sharing group."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="grants")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    group = models.ForeignKey(SharingGroup, null=True, blank=True, on_delete=models.CASCADE)
    can_read = models.BooleanField(default=True)
    can_write = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, group__isnull=True)
                | Q(organisation__isnull=True, group__isnull=False),
                name="grant_one_grantee",
            ),
            models.UniqueConstraint(fields=["collection", "organisation"], name="grant_unique_org"),
            models.UniqueConstraint(fields=["collection", "group"], name="grant_unique_group"),
        ]

    def __str__(self) -> str:
        return f"{self.collection} -> {self.organisation or self.group}"


class StixObject(models.Model):
    """One version of one STIX object in one collection, with the JSON exactly as accepted."""

    # No index of their own: every query by collection or by creating organisation (the delete cascade
    # and PROTECT check included) is served by the composite indexes below that lead with it, and each
    # index costs every stored object a write.
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="stix_objects", db_index=False
    )
    stix_id = models.CharField(max_length=120)
    type = models.CharField(max_length=64)
    spec_version = models.CharField(max_length=8, default="2.1")
    created = models.DateTimeField()
    modified = models.DateTimeField()
    date_added = models.DateTimeField()
    is_latest = models.BooleanField(default=True)
    revoked = models.BooleanField(default=False)
    tlp = models.CharField(max_length=16, choices=Tlp.choices)
    created_by_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_by_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=40, default="api")
    raw = models.TextField()
    # Copied out of `raw` when stored (intel.columns), so the browse filters and the object page are
    # index lookups instead of scans of the JSON. NULL where absent: the partial indexes below hold only
    # rows that have one, and an equality in a query proves "IS NOT NULL" to both databases' planners.
    valid_until = models.DateTimeField(null=True, blank=True)
    source_ref = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    target_ref = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001
    sighting_of_ref = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001

    class Meta:
        constraints: ClassVar = [
            # Led by the id, so the one index serves both the versions' uniqueness and every lookup by
            # id, in a collection or across them: ids are random, and each index keyed by one costs a
            # push a write to a random page per object (and its full-page image in PostgreSQL's log).
            models.UniqueConstraint(
                fields=["stix_id", "modified", "collection"], name="stix_id_version_unique"
            ),
            models.UniqueConstraint(fields=["collection", "date_added"], name="stix_date_added_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["collection", "type", "date_added"], name="stix_coll_type_added"),
            models.Index(fields=["collection", "is_latest", "date_added"], name="stix_coll_latest_added"),
            models.Index(fields=["tlp", "created_by_org"], name="stix_tlp_org"),
            # Browsing lists newest first: each filter the page offers leads an index ending in that order.
            models.Index(fields=["date_added", "id"], name="stix_added"),
            models.Index(fields=["type", "date_added", "id"], name="stix_type_added"),
            models.Index(fields=["tlp", "date_added", "id"], name="stix_tlp_added"),
            models.Index(fields=["created_by_org", "date_added", "id"], name="stix_org_added"),
            *(
                models.Index(fields=[column], name=name, condition=Q(**{f"{column}__isnull": False}))
                for column, name in (
                    ("valid_until", "stix_valid_until"),
                    ("source_ref", "stix_source_ref"),
                    ("target_ref", "stix_target_ref"),
                    ("sighting_of_ref", "stix_sighting_of"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stix_id} @ {self.modified.isoformat()}"


class ObjectLabel(models.Model):
    """One label of one stored version, case-folded, so filtering by label is an index lookup.

    date_added repeats the object's, so one index gives a label's objects newest first: a common label's
    first page is read in order instead of sorting every object that carries it.
    """

    stix_object = models.ForeignKey(StixObject, on_delete=models.CASCADE, related_name="label_rows")
    label = models.CharField(max_length=LABEL_MAX_LENGTH)
    date_added = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["label", "date_added", "stix_object"], name="intel_label_added"),
        ]

    def __str__(self) -> str:
        return self.label


class ObjectReference(models.Model):
    """One id named in a list of references of one stored version (a report's object_refs...).

    The visibility rule asks it: an object is seen only by readers who may see every stored object it
    names, so a TLP:GREEN report never carries the id of a TLP:RED object to a reader outside RED.
    """

    stix_object = models.ForeignKey(StixObject, on_delete=models.CASCADE, related_name="reference_rows")
    ref_id = models.CharField(max_length=120)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["stix_object", "ref_id"], name="intel_ref_object")]

    def __str__(self) -> str:
        return self.ref_id


class ObjectRecipient(models.Model):
    """Who an AMBER+STRICT (organisations) or RED (people) object was addressed to, beyond the defaults."""

    stix_object = models.ForeignKey(StixObject, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return str(self.organisation or self.user)


class ObservableValue(models.Model):
    """A normalised value named by an object (pattern literal or observed value), for "seen elsewhere"."""

    stix_object = models.ForeignKey(StixObject, on_delete=models.CASCADE, related_name="values")
    kind = models.CharField(max_length=12)
    value = models.TextField()
    key = models.CharField(max_length=40)

    class Meta:
        # Looked up by equality only: a plain index, without the second (LIKE) index PostgreSQL gets
        # for `db_index=True` on a CharField.
        indexes: ClassVar = [models.Index(fields=["key"], name="intel_value_key")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
