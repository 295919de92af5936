"""Uploads a lost worker took with it are stored after all, by the worker's periodic sweep."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lionrock.core.accounts import services as account_services
from lionrock.cyber.taxii import services, tasks
from lionrock.cyber.taxii.models import Status
from tests.cyber.intel.factories import community_make, indicator
from tests.cyber.taxii.helpers import envelope, token_for

pytestmark = pytest.mark.django_db


def pending_upload(community: Any, *, minutes_ago: int) -> Status:
    actor = account_services.token_authenticate(token_for(community.creator))
    obj = indicator()
    status = services._status_create(
        actor=actor,
        collection=community.collection,
        payload=json.dumps(envelope(obj)),
        objects=[obj],
    )
    Status.objects.filter(pk=status.pk).update(
        request_timestamp=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return status


def test_an_upload_pending_long_after_it_was_posted_is_stored_by_the_sweep_and_a_recent_one_is_left_alone():
    community = community_make()
    lost = pending_upload(community, minutes_ago=11)
    queued = pending_upload(community, minutes_ago=1)

    tasks.statuses_resume.call_local()

    lost.refresh_from_db()
    queued.refresh_from_db()
    assert (lost.status, lost.success_count, lost.pending_count) == (Status.State.COMPLETE, 1, 0)
    assert queued.status == Status.State.PENDING
