"""Other apps hear of stored objects only once the store has committed, and cannot undo it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import services
from lionrock.cyber.intel.models import Collection, StixObject
from lionrock.cyber.intel.signals import objects_added
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.core.accounts.factories import OrganisationFactory, actor_make
from tests.cyber.intel.factories import community_make, indicator

pytestmark = pytest.mark.django_db


class _Storeroom(RuntimeError):
    pass


@pytest.fixture
def heard() -> Iterator[list[list[str]]]:
    """The stix ids of every objects_added a receiver hears, as the stored rows stand when it hears them."""
    calls: list[list[str]] = []

    def listen(sender: Any, rows: list[StixObject], **kwargs: Any) -> None:
        stored = set(
            StixObject.objects.filter(pk__in=[row.pk for row in rows]).values_list("stix_id", flat=True)
        )
        calls.append(sorted(stored))

    objects_added.connect(listen, sender=StixObject, weak=False, dispatch_uid="test.heard")
    yield calls
    objects_added.disconnect(sender=StixObject, dispatch_uid="test.heard")


@pytest.fixture
def failing_receiver() -> Iterator[None]:
    def fail(sender: Any, **kwargs: Any) -> None:
        raise _Storeroom("a receiver that breaks")

    objects_added.connect(fail, sender=StixObject, weak=False, dispatch_uid="test.fail")
    yield
    objects_added.disconnect(sender=StixObject, dispatch_uid="test.fail")


def test_other_apps_hear_of_stored_objects_once_the_store_has_committed(
    heard, django_capture_on_commit_callbacks
):
    community = community_make()
    obj = indicator("after-commit.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
        assert heard == []  # not while the store's transaction is open
    assert heard == [[obj["id"]]]


def test_a_store_that_rolls_back_tells_no_other_app(heard, django_capture_on_commit_callbacks):
    community = community_make()
    obj = indicator("rolled-back.example")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(_Storeroom),
        transaction.atomic(),
    ):
        services.objects_add(actor=community.creator, collection=community.collection, objects=[obj])
        raise _Storeroom("the caller's transaction fails after the store")
    assert heard == []
    assert callbacks == []
    assert not StixObject.objects.filter(stix_id=obj["id"]).exists()


def test_a_receiver_that_fails_loses_no_stored_object_and_stops_no_other_receiver(
    failing_receiver, heard, django_capture_on_commit_callbacks
):
    """The failing receiver is connected before the listening one, which must still hear."""
    community = community_make()
    obj = indicator("kept.example")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.objects_add(
            actor=community.creator, collection=community.collection, objects=[obj]
        )
    assert [row.stix_id for row in outcome.added] == [obj["id"]]
    assert StixObject.objects.filter(stix_id=obj["id"]).exists()
    assert AuditEntry.objects.filter(
        action="intel.objects.add", target_id=str(community.collection.pk)
    ).exists()
    assert heard == [[obj["id"]]]


def _exercise_collection() -> tuple[Collection, Any]:
    office, team = OrganisationFactory(), OrganisationFactory()
    planner = actor_make([Role.DRILL_PLANNER], organisation=office)
    collection = services.exercise_collection_create(
        actor=planner, owner=office, alias=f"drill-{uuid.uuid4().hex[:6]}", title="Drill", teams=[team]
    )
    return collection, actor_make([Role.INTEL_STAKEHOLDER, Role.DRILL_PARTICIPANT], organisation=team)


def test_a_team_cannot_share_in_an_exercise_collection_below_amber_strict_and_nothing_is_stored():
    collection, player = _exercise_collection()
    obj = indicator("drill-green.example", tlp=Tlp.GREEN)
    with pytest.raises(ValidationFailed, match="AMBER\\+STRICT or TLP:RED"):
        services.objects_add(actor=player, collection=collection, objects=[obj])
    assert not StixObject.objects.filter(stix_id=obj["id"]).exists()
    private = indicator("drill-private.example", object_marking_refs=[MARKING_ID_FOR[Tlp.AMBER_STRICT]])
    services.objects_add(actor=player, collection=collection, objects=[private])
    assert StixObject.objects.filter(stix_id=private["id"], tlp=Tlp.AMBER_STRICT).exists()
