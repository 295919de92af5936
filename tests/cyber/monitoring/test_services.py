import io
from pathlib import Path

import pytest

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.monitoring import runs, selectors, services, tasks
from lionrock.cyber.monitoring.models import Alert, MatchRun, Sighting
from tests.cyber.intel.factories import community_make, indicator
from tests.cyber.monitoring.factories import operator_make, zeek_dns_log

pytestmark = pytest.mark.django_db


def org_of(actor):
    return Organisation.objects.get(pk=actor.primary_organisation_id)


def run_upload(actor, community, files, django_capture_on_commit_callbacks, tlp=Tlp.AMBER_STRICT):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_create(
            actor=actor,
            organisation=org_of(actor),
            collection=community.collection,
            tlp=tlp,
            uploads=[(name, io.BytesIO(content)) for name, content in files],
        )
    run.refresh_from_db()
    return run


def test_an_uploaded_log_is_matched_and_its_sightings_reach_the_owner(django_capture_on_commit_callbacks):
    community = community_make()
    bad = indicator("evil.example", tlp=Tlp.GREEN)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
    operator = operator_make(org_of(community.direct_reader))
    log = zeek_dns_log(["www.evil.example", "notevil.example", "evil.example.com", "WWW.EVIL.EXAMPLE."])

    run = run_upload(operator, community, [("dns.log", log)], django_capture_on_commit_callbacks)

    assert run.status == MatchRun.Status.DONE, run.summary
    assert (run.indicators_used, run.hits, run.sightings) == (1, 2, 1)
    sighting = Sighting.objects.get()
    assert (sighting.indicator_id, sighting.count) == (bad["id"], 2)
    assert sighting.organisation_id == operator.primary_organisation_id
    assert sighting.run_id == run.pk
    owner_view = selectors.indicators_sighted(actor=community.creator)
    assert [(row.indicator_id, row.stakeholders, row.sightings) for row in owner_view] == [(bad["id"], 1, 2)]
    assert not selectors.indicators_sighted(actor=community.group_reader)


def test_a_log_without_hits_is_read_in_full_and_the_run_is_done_not_partial(
    django_capture_on_commit_callbacks,
):
    community = community_make()
    bad = indicator("evil.example", tlp=Tlp.GREEN)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
    operator = operator_make(org_of(community.direct_reader))
    log = zeek_dns_log(["good.example"])

    run = run_upload(operator, community, [("dns.log", log)], django_capture_on_commit_callbacks)

    assert run.status == MatchRun.Status.DONE, run.summary
    assert (run.hits, run.files.get().exit_code) == (0, 1)


def test_only_indicators_the_operator_may_see_are_used(django_capture_on_commit_callbacks):
    community = community_make()
    hidden = indicator("secret.example", tlp=Tlp.RED)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[hidden])
    operator = operator_make(org_of(community.direct_reader))
    run = run_upload(
        operator,
        community,
        [("dns.log", zeek_dns_log(["secret.example"]))],
        django_capture_on_commit_callbacks,
    )
    assert (run.indicators_used, run.hits) == (0, 0)


def test_an_upload_name_cannot_climb_out_of_its_folder(django_capture_on_commit_callbacks, settings):
    community = community_make()
    operator = operator_make(org_of(community.direct_reader))
    run = run_upload(
        operator, community, [("../../../etc/cron.d/evil", b"garbage\n")], django_capture_on_commit_callbacks
    )
    stored = Path(run.files.get().path)
    assert stored.name == "001-evil"
    assert Path(settings.DATA_DIR, "monitoring", "uploads", str(run.pk)) == stored.parent


def test_garbage_is_reported_and_the_run_still_finishes(django_capture_on_commit_callbacks):
    community = community_make()
    operator = operator_make(org_of(community.direct_reader))
    run = run_upload(
        operator, community, [("noise.bin", bytes(range(256)) * 50)], django_capture_on_commit_callbacks
    )
    assert run.status in (MatchRun.Status.DONE, MatchRun.Status.PARTIAL)
    assert run.finished_at is not None and run.hits == 0


def test_an_oversized_upload_is_refused_and_nothing_is_queued(settings):
    settings.LIONROCK_MONITORING_MAX_UPLOAD_MB = 0
    community = community_make()
    operator = operator_make(org_of(community.direct_reader))
    with pytest.raises(ValidationFailed):
        services.match_run_create(
            actor=operator,
            organisation=org_of(operator),
            collection=community.collection,
            tlp=Tlp.AMBER,
            uploads=[("big.log", io.BytesIO(b"x" * 10))],
        )
    assert not MatchRun.objects.exists()


def test_someone_without_the_operator_role_cannot_start_a_run():
    community = community_make()
    with pytest.raises(NotFound):
        services.match_run_create(
            actor=community.direct_reader,
            organisation=org_of(community.direct_reader),
            collection=community.collection,
            tlp=Tlp.AMBER,
            uploads=[("a.log", io.BytesIO(b""))],
        )


def test_runs_of_another_organisation_look_absent(django_capture_on_commit_callbacks):
    community = community_make()
    operator = operator_make(org_of(community.direct_reader))
    run = run_upload(
        operator, community, [("dns.log", zeek_dns_log(["x.example"]))], django_capture_on_commit_callbacks
    )
    stranger = operator_make(org_of(community.outsider))
    with pytest.raises(NotFound):
        selectors.match_run_get(actor=stranger, run_id=str(run.pk))


class TestSightingsFromEveryPath:
    def sighting(self, indicator_id, identity="identity--6b9e1f7e-1c1e-5b1a-9c55-2c6f0d1b7a10"):
        return {
            "type": "sighting",
            "spec_version": "2.1",
            "id": "sighting--3b1e4c9a-7f5d-4a61-9e3c-1d2b3c4d5e6f",
            "created": "2026-01-02T00:00:00.000Z",
            "modified": "2026-01-02T00:00:00.000Z",
            "sighting_of_ref": indicator_id,
            "count": 7,
            "first_seen": "2026-01-01T00:00:00.000Z",
            "last_seen": "2026-01-02T00:00:00.000Z",
            "where_sighted_refs": [identity],
        }

    def test_a_bundle_from_the_command_line_lands_beside_server_runs(
        self, django_capture_on_commit_callbacks
    ):
        community = community_make()
        bad = indicator("c2.example", tlp=Tlp.GREEN)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        operator = operator_make(org_of(community.direct_reader))
        with django_capture_on_commit_callbacks(execute=True):
            stored = services.sightings_submit(
                actor=operator,
                collection=community.collection,
                bundle={"type": "bundle", "objects": [self.sighting(bad["id"])]},
            )
        assert stored == 1
        assert Sighting.objects.get().count == 7

    def test_a_bundle_without_sightings_is_refused(self):
        community = community_make()
        with pytest.raises(ValidationFailed):
            services.sightings_submit(
                actor=community.creator,
                collection=community.collection,
                bundle={"type": "bundle", "objects": []},
            )


class TestAlerts:
    def test_an_indicator_seen_by_two_stakeholders_raises_one_alert(self, django_capture_on_commit_callbacks):
        community = community_make()
        bad = indicator("spread.example", tlp=Tlp.GREEN)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        first = operator_make(org_of(community.direct_reader))
        log = [("dns.log", zeek_dns_log(["spread.example"]))]
        run_upload(first, community, log, django_capture_on_commit_callbacks)
        assert not Alert.objects.exists()
        from lionrock.cyber.intel.services import collection_grant_set

        second_org = org_of(community.outsider)
        collection_grant_set(
            actor=community.creator,
            collection=community.collection,
            organisation=second_org,
            can_read=True,
            can_write=True,
        )
        run_upload(operator_make(second_org), community, log, django_capture_on_commit_callbacks)
        alert = Alert.objects.get(kind=Alert.Kind.SEVERAL_STAKEHOLDERS)
        assert (alert.indicator_id, alert.stakeholders) == (bad["id"], 2)
        assert [a.pk for a in selectors.alerts_open(actor=community.creator)] == [alert.pk]
        services.alert_acknowledge(actor=community.creator, alert=alert)
        assert not selectors.alerts_open(actor=community.creator)

    def test_an_alert_counts_only_the_stakeholders_whose_sightings_the_analyst_may_see(
        self, django_capture_on_commit_callbacks
    ):
        community = community_make()
        bad = indicator("quiet.example", tlp=Tlp.GREEN)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        from lionrock.cyber.intel.services import collection_grant_set

        log = [("dns.log", zeek_dns_log(["quiet.example"]))]
        first = operator_make(org_of(community.direct_reader))
        run_upload(first, community, log, django_capture_on_commit_callbacks, tlp=Tlp.GREEN)
        second_org = org_of(community.outsider)
        collection_grant_set(
            actor=community.creator,
            collection=community.collection,
            organisation=second_org,
            can_read=True,
            can_write=True,
        )
        run_upload(operator_make(second_org), community, log, django_capture_on_commit_callbacks, tlp=Tlp.RED)
        assert Alert.objects.get(kind=Alert.Kind.SEVERAL_STAKEHOLDERS).stakeholders == 2
        # The analyst sees one stakeholder's sighting: an alert about two would reveal the other.
        assert not selectors.alerts_open(actor=community.creator)
        (row,) = selectors.indicators_sighted(actor=community.creator)
        assert row.stakeholders == 1

    def test_the_first_sighting_of_a_high_confidence_indicator_raises_an_alert(
        self, django_capture_on_commit_callbacks
    ):
        community = community_make()
        bad = indicator("sure.example", tlp=Tlp.GREEN, confidence=90)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        operator = operator_make(org_of(community.direct_reader))
        run_upload(
            operator,
            community,
            [("dns.log", zeek_dns_log(["sure.example"]))],
            django_capture_on_commit_callbacks,
        )
        assert Alert.objects.filter(kind=Alert.Kind.HIGH_CONFIDENCE, indicator_id=bad["id"]).exists()
        assert (
            intel_selectors.stix_objects_visible(actor=community.creator).filter(type="sighting").count() == 1
        )


class TestWatchedDirectories:
    def test_a_directory_outside_the_allowed_roots_is_refused(self, settings, tmp_path):
        settings.LIONROCK_WATCH_ROOTS = [str(tmp_path / "allowed")]
        (tmp_path / "allowed").mkdir()
        community = community_make()
        operator = operator_make(org_of(community.direct_reader))
        for path in ("/etc", str(tmp_path / "allowed" / ".." / "elsewhere")):
            with pytest.raises(ValidationFailed):
                services.watched_directory_create(
                    actor=operator,
                    organisation=org_of(operator),
                    path=path,
                    collection=community.collection,
                    tlp=Tlp.AMBER,
                )

    def test_new_files_are_matched_once(self, settings, tmp_path, django_capture_on_commit_callbacks):
        settings.LIONROCK_WATCH_ROOTS = [str(tmp_path)]
        community = community_make()
        bad = indicator("watched.example", tlp=Tlp.GREEN)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        operator = operator_make(org_of(community.direct_reader))
        services.watched_directory_create(
            actor=operator,
            organisation=org_of(operator),
            path=str(tmp_path),
            collection=community.collection,
            tlp=Tlp.AMBER,
        )
        (tmp_path / "dns.log").write_bytes(zeek_dns_log(["watched.example"]))
        tasks.watched_directories_scan()
        (run,) = MatchRun.objects.filter(watched__isnull=False)
        assert run.hits == 1
        assert runs.watched_directories_scan() == []


class TestRunsLeftByADeadWorker:
    """A run whose worker died (kill -9, a crash, a lost machine) does not stay "running" for ever."""

    @staticmethod
    def _running(worker: str, heartbeat_minutes_ago: float = 0):
        from datetime import timedelta

        from django.utils import timezone

        community = community_make()
        operator = operator_make(org_of(community.direct_reader))
        moment = timezone.now() - timedelta(minutes=heartbeat_minutes_ago)
        return MatchRun.objects.create(
            organisation=org_of(operator),
            requested_by=operator.user,
            collection=community.collection,
            status=MatchRun.Status.RUNNING,
            started_at=moment,
            heartbeat_at=moment,
            worker=worker,
        )

    @staticmethod
    def _killed_pid() -> int:
        import signal
        import subprocess
        import sys

        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        process.send_signal(signal.SIGKILL)
        process.wait()
        return process.pid

    @staticmethod
    def _interrupted(community, django_capture_on_commit_callbacks, worker: str) -> MatchRun:
        """A real uploaded run, as a killed worker leaves it: claimed, running, no Sighting stored."""
        bad = indicator("evil.example", tlp=Tlp.GREEN)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        operator = operator_make(org_of(community.direct_reader))
        with django_capture_on_commit_callbacks(execute=False):
            run = services.match_run_create(
                actor=operator,
                organisation=org_of(operator),
                collection=community.collection,
                tlp=Tlp.AMBER_STRICT,
                uploads=[("dns.log", io.BytesIO(zeek_dns_log(["www.evil.example"])))],
            )
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.RUNNING, worker=worker, attempts=1, files_done=1, hits=1
        )
        run.refresh_from_db()
        return run

    def test_a_run_whose_worker_process_was_killed_is_queued_again_with_the_reason(self):
        import socket

        from lionrock.core.audit.models import AuditEntry

        pid = self._killed_pid()
        run = self._running(f"{socket.gethostname()}:{pid}")
        assert runs.match_runs_orphaned_requeue() == [str(run.pk)]
        run.refresh_from_db()
        assert run.status == MatchRun.Status.QUEUED and run.worker == "" and run.finished_at is None
        entry = AuditEntry.objects.get(action="monitoring.run.requeue", target_id=str(run.pk))
        assert f"process {pid}" in entry.summary and "queued again" in entry.summary

    def test_a_killed_workers_run_is_completed_once_by_the_next_worker_however_often_it_is_queued(
        self, django_capture_on_commit_callbacks
    ):
        import socket

        community = community_make()
        run = self._interrupted(
            community, django_capture_on_commit_callbacks, f"{socket.gethostname()}:{self._killed_pid()}"
        )
        assert runs.match_runs_orphaned_requeue() == [str(run.pk)]

        with django_capture_on_commit_callbacks(execute=True):  # sightings are recorded after the commit
            runs.match_run_execute(str(run.pk))
            runs.match_run_execute(str(run.pk))  # the same run queued twice: the second finds it taken

        run.refresh_from_db()
        assert (run.status, run.attempts, run.files_done, run.hits, run.sightings) == (
            MatchRun.Status.DONE,
            2,
            1,
            1,
            1,
        )
        assert Sighting.objects.filter(run=run).count() == 1
        assert runs.match_runs_orphaned_requeue() == []

    def test_a_worker_whose_run_was_taken_over_stores_no_sighting(self, django_capture_on_commit_callbacks):
        import os
        import socket

        community = community_make()
        run = self._interrupted(
            community, django_capture_on_commit_callbacks, f"{socket.gethostname()}:{os.getpid()}"
        )
        # Meanwhile the run was taken as lost and claimed by another worker.
        MatchRun.objects.filter(pk=run.pk).update(worker="elsewhere:4242", attempts=2)

        with pytest.raises(runs._RunTakenOver):
            runs._match_run_claimed(run)

        run.refresh_from_db()
        assert (run.status, run.worker, run.sightings) == (MatchRun.Status.RUNNING, "elsewhere:4242", 0)
        assert not Sighting.objects.filter(run=run).exists()

    def test_a_run_started_three_times_is_failed_with_the_reason_instead_of_queued_again(self):
        import socket

        from lionrock.core.audit.models import AuditEntry

        run = self._running(f"{socket.gethostname()}:{self._killed_pid()}")
        MatchRun.objects.filter(pk=run.pk).update(attempts=runs.MAX_ATTEMPTS)
        assert runs.match_runs_orphaned_requeue() == []
        run.refresh_from_db()
        assert run.status == MatchRun.Status.FAILED and run.finished_at is not None
        assert "started 3 times" in run.error and "upload the logs again" in run.error
        assert AuditEntry.objects.filter(action="monitoring.run.fail", target_id=str(run.pk)).exists()

    def test_a_run_of_a_live_worker_is_left_running(self):
        import os
        import socket

        run = self._running(f"{socket.gethostname()}:{os.getpid()}")
        assert runs.match_runs_orphaned_requeue() == []
        run.refresh_from_db()
        assert run.status == MatchRun.Status.RUNNING

    def test_a_run_on_another_machine_is_queued_again_only_once_it_has_gone_quiet(self):
        stale = runs.run_stale_after().total_seconds() / 60 + 1
        quiet = self._running("elsewhere:4242", heartbeat_minutes_ago=stale)
        busy = self._running("elsewhere:4243", heartbeat_minutes_ago=1)
        assert runs.match_runs_orphaned_requeue() == [str(quiet.pk)]
        quiet.refresh_from_db()
        busy.refresh_from_db()
        assert quiet.status == MatchRun.Status.QUEUED
        assert busy.status == MatchRun.Status.RUNNING

    def test_a_starting_worker_runs_again_what_its_dead_predecessor_left_running(
        self, django_capture_on_commit_callbacks
    ):
        import socket

        from huey.contrib.djhuey import HUEY

        import lionrock.cyber.monitoring.tasks  # noqa: F401  (registers the start-up hook)

        community = community_make()
        run = self._interrupted(
            community, django_capture_on_commit_callbacks, f"{socket.gethostname()}:{self._killed_pid()}"
        )
        for hook in HUEY._startup.values():
            hook()
        run.refresh_from_db()
        assert (run.status, run.attempts, run.sightings) == (MatchRun.Status.DONE, 2, 1)

    def test_a_worker_records_itself_on_the_run_it_claims(self, django_capture_on_commit_callbacks):
        import os

        community = community_make()
        operator = operator_make(org_of(community.direct_reader))
        run = run_upload(
            operator,
            community,
            [("dns.log", zeek_dns_log(["a.example"]))],
            django_capture_on_commit_callbacks,
        )
        assert run.worker.endswith(f":{os.getpid()}") and run.heartbeat_at is not None
