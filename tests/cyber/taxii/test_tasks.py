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


def killed_pid() -> int:
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.pid


def test_an_upload_whose_worker_process_was_killed_is_stored_by_the_next_sweep_without_waiting():
    import os
    import socket

    community = community_make()
    lost = pending_upload(community, minutes_ago=1)
    busy = pending_upload(community, minutes_ago=1)
    host = socket.gethostname()
    Status.objects.filter(pk=lost.pk).update(worker=f"{host}:{killed_pid()}", worker_seen_at=timezone.now())
    Status.objects.filter(pk=busy.pk).update(worker=f"{host}:{os.getpid()}", worker_seen_at=timezone.now())

    tasks.statuses_resume.call_local()

    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, lost.success_count, lost.pending_count) == (Status.State.COMPLETE, 1, 0)
    assert busy.status == Status.State.PENDING


def test_a_worker_records_itself_on_the_upload_it_stores_and_a_completed_one_is_not_claimed():
    import os

    from lionrock.cyber.taxii import completion

    community = community_make()
    upload = pending_upload(community, minutes_ago=0)
    assert completion.status_claim(status_id=str(upload.pk))
    upload.refresh_from_db()
    assert upload.worker.endswith(f":{os.getpid()}") and upload.worker_seen_at is not None

    completion.status_complete(status_id=str(upload.pk))
    assert not completion.status_claim(status_id=str(upload.pk))
