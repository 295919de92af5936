"""One registry of periodic jobs: what, when, last run and result, shown to the platform administrator."""

from __future__ import annotations

import pytest
from huey import crontab
from huey.api import PeriodicTask
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.roles import Role
from lionrock.core.jobs import recording, selectors
from lionrock.core.jobs.models import JobState
from lionrock.core.jobs.schedule import schedule_of
from tests.core.accounts.factories import actor_make

pytestmark = pytest.mark.django_db

RETENTION_SWEEPS = {
    "lionrock.immigration.enforcement.tasks.reports_retention",
    "lionrock.immigration.enforcement.tasks.employer_records_retention",
    "lionrock.immigration.enforcement.tasks.persons_retention",
}


def test_every_periodic_task_of_every_app_is_listed_with_what_it_does_and_when():
    jobs = {job.name: job for job in selectors.jobs_registered()}
    assert set(jobs) >= RETENTION_SWEEPS
    assert "lionrock.immigration.screening.tasks.referral_reminders" in jobs
    assert "lionrock.core.notifications.tasks.notifications_digest" in jobs
    for job in jobs.values():
        assert job.what, f"{job.name} says nothing about what it does: give its task a docstring"
        assert job.when, f"{job.name}'s schedule could not be read"
    assert jobs["lionrock.immigration.enforcement.tasks.reports_retention"].when == (
        "every day at 03:15 UTC (11:15 Hong Kong time)"
    )


@pytest.mark.parametrize(
    ("schedule", "words"),
    [
        (crontab(), "every minute"),
        (crontab(minute="*/10"), "every 10 minutes"),
        (crontab(minute="17", hour="*"), "every hour at minute 17"),
        (crontab(minute="0", hour="23"), "every day at 23:00 UTC (07:00 Hong Kong time)"),
        (crontab(minute="0", hour="1,13"), "at minutes 0 of hours 1,13 (UTC)"),
    ],
)
def test_a_schedule_is_read_back_into_words(schedule, words):
    found = schedule_of(schedule)
    assert found is not None and found.describe() == words


def _periodic_task() -> PeriodicTask:
    task_class = next(t for t in HUEY._registry._periodic_tasks if recording.job_name(t) in RETENTION_SWEEPS)
    return task_class()


def test_each_run_is_recorded_with_its_outcome_and_a_failure_keeps_only_the_errors_type():
    task = _periodic_task()
    recording._record(SIGNAL_EXECUTING, task)
    assert JobState.objects.get().last_outcome == JobState.Outcome.RUNNING
    recording._record(SIGNAL_COMPLETE, task)
    recording._record(SIGNAL_EXECUTING, task)
    recording._record(SIGNAL_ERROR, task, ValueError("CHAN Tai Man A123456(3)"))

    state = JobState.objects.get()
    assert (state.runs, state.failures, state.last_outcome) == (2, 1, JobState.Outcome.FAILURE)
    assert state.last_error == "ValueError"


def test_a_real_periodic_task_run_by_the_queue_is_recorded(settings):
    from lionrock.immigration.enforcement import tasks

    tasks.reports_retention()  # the queue runs tasks in-process under test
    state = JobState.objects.get(name="lionrock.immigration.enforcement.tasks.reports_retention")
    assert state.last_outcome == JobState.Outcome.SUCCESS and state.runs == 1


def test_only_the_platform_administrator_sees_the_jobs_page(signed_in):
    with pytest.raises(NotFound):
        selectors.jobs_visible(actor=actor_make([Role.ORG_ADMIN]))
    assert signed_in([Role.ORG_ADMIN]).get("/jobs/").status_code == 404
    page = signed_in([Role.PLATFORM_ADMIN]).get("/jobs/")
    assert page.status_code == 200
    assert "reports_retention" in page.content.decode()
