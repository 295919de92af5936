"""An upload as the task worker stores it: the envelope kept as posted, its pendings read from it, and
each object's fate recorded once the worker has read, checked and stored it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lionrock.core.accounts import services as account_services
from lionrock.core.audit.models import AuditEntry
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.taxii import completion, services
from lionrock.cyber.taxii.models import Status
from tests.cyber.intel.factories import Community, community_make, indicator, sco
from tests.cyber.taxii.helpers import ROOT, Taxii, collection_url, envelope, token_for

pytestmark = pytest.mark.django_db


def pending_upload(community: Community, secret: str, *objects: Any) -> Status:
    """A POST as the web process records it when a task worker, not the request, will store it."""
    actor = account_services.token_authenticate(secret)
    return services._status_create(
        actor=actor,
        collection=community.collection,
        payload=json.dumps(envelope(*objects)),
        objects=list(objects),
    )


def status_body(secret: str, status: Status) -> dict[str, Any]:
    response = Taxii(secret).get(f"{ROOT}status/{status.pk}/")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_a_pending_status_lists_every_object_of_the_envelope_in_order_with_its_version():
    community = community_make()
    secret = token_for(community.creator)
    first, observable = indicator("first.example"), sco("domain-name", "second.example")
    status = pending_upload(community, secret, first, observable, "not an object")

    body = status_body(secret, status)

    assert (body["status"], body["total_count"], body["pending_count"]) == ("pending", 3, 3)
    assert body["pendings"] == [
        {"id": first["id"], "version": first["modified"]},
        {"id": observable["id"]},
        {"id": "(object 2)"},
    ]
    assert "successes" not in body and "failures" not in body


def test_a_status_read_part_way_lists_as_pending_only_the_objects_not_yet_done():
    community = community_make()
    secret = token_for(community.creator)
    done, refused, waiting = indicator("a.example"), indicator("b.example"), indicator("c.example")
    status = pending_upload(community, secret, done, refused, waiting)
    Status.objects.filter(pk=status.pk).update(
        successes=[{"id": done["id"], "version": done["modified"]}],
        failures=[{"id": refused["id"], "version": refused["modified"], "message": "refused"}],
        success_count=1,
        failure_count=1,
        pending_count=1,
    )

    body = status_body(secret, status)

    assert body["pendings"] == [{"id": waiting["id"], "version": waiting["modified"]}]
    assert (body["success_count"], body["failure_count"], body["pending_count"]) == (1, 1, 1)


def test_a_status_polled_while_pending_shows_no_pendings_once_the_worker_has_completed_it():
    community = community_make()
    secret = token_for(community.creator)
    obj = indicator()
    status = pending_upload(community, secret, obj)
    polled = [status_body(secret, status) for _ in range(2)]
    assert polled[0]["pendings"] == polled[1]["pendings"] == [{"id": obj["id"], "version": obj["modified"]}]

    completion.status_complete(status_id=str(status.pk))
    body = status_body(secret, status)

    assert (body["status"], body["success_count"], body["pending_count"]) == ("complete", 1, 0)
    assert "pendings" not in body
    assert Status.objects.get(pk=status.pk).payload == ""


def test_a_malformed_object_fails_alone_with_its_message_when_the_worker_reads_the_envelope():
    community = community_make()
    secret = token_for(community.creator)
    good = indicator("good.example", tlp=Tlp.GREEN)
    malformed = indicator("bad.example", tlp=Tlp.GREEN, created="yesterday")
    status = pending_upload(community, secret, good, malformed, 42)

    completion.status_complete(status_id=str(status.pk))
    body = status_body(secret, status)

    assert (body["success_count"], body["failure_count"], body["pending_count"]) == (1, 2, 0)
    assert body["successes"] == [{"id": good["id"], "version": good["modified"]}]
    bad, not_object = body["failures"]
    assert (bad["id"], bad["version"]) == (malformed["id"], malformed["modified"])
    assert "created" in bad["message"] and "RFC 3339" in bad["message"]
    assert not_object == {"id": "(object 2)", "message": "is not a JSON object"}
    stored = StixObject.objects.filter(collection=community.collection).values_list("stix_id", flat=True)
    assert list(stored) == [good["id"]]


def test_the_completed_status_reads_the_same_whether_the_worker_or_the_request_stored_it():
    """The same envelope, stored by the worker from the kept text and by a POST run in the request."""
    objects = [
        indicator("same.example", tlp=Tlp.GREEN),
        indicator("broken.example", tlp=Tlp.GREEN, pattern="[domain-name:value = "),
    ]
    by_worker = community_make()
    worker_secret = token_for(by_worker.creator)
    status = pending_upload(by_worker, worker_secret, *objects)
    completion.status_complete(status_id=str(status.pk))
    from_worker = status_body(worker_secret, status)

    in_request = community_make()
    request_secret = token_for(in_request.creator)
    response = Taxii(request_secret).post(
        collection_url(in_request.collection, "objects/"), envelope(*objects)
    )
    from_request = status_body(request_secret, Status.objects.get(pk=response.json()["id"]))

    volatile = ("id", "request_timestamp")
    assert {k: v for k, v in from_worker.items() if k not in volatile} == {
        k: v for k, v in from_request.items() if k not in volatile
    }
    assert sorted(from_worker) == sorted(
        [
            *volatile,
            "status",
            "total_count",
            "success_count",
            "failure_count",
            "pending_count",
            "successes",
            "failures",
        ]
    )
    assert from_worker["successes"] == [{"id": objects[0]["id"], "version": objects[0]["modified"]}]
    assert "pattern" in from_worker["failures"][0]["message"]


def test_an_upload_completed_twice_is_stored_once_with_one_audit_row():
    community = community_make()
    secret = token_for(community.creator)
    objects = [indicator(f"twice{n}.example") for n in range(3)]
    status = pending_upload(community, secret, *objects)

    first = completion.status_complete(status_id=str(status.pk))
    again = completion.status_complete(status_id=str(status.pk))

    assert first.successes == again.successes and again.success_count == 3
    assert StixObject.objects.filter(collection=community.collection).count() == 3
    added = AuditEntry.objects.filter(action="intel.objects.add", target_id=str(community.collection.pk))
    assert added.count() == 1
