"""The registry of periodic jobs, for the platform administrator."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.jobs.models import JobState
from lionrock.core.jobs.recording import job_name
from lionrock.core.jobs.schedule import schedule_of


@dataclass(frozen=True)
class Job:
    """One periodic job: its name, what it does, when it runs, and its last run (None: never seen)."""

    name: str
    what: str
    when: str
    state: JobState | None


def _what(task_class: type) -> str:
    module = importlib.import_module(task_class.__module__)
    wrapper = getattr(module, task_class.__name__, None)
    doc = getattr(getattr(wrapper, "func", None), "__doc__", None) or ""
    first = doc.strip().split("\n\n")[0]
    return " ".join(first.split())


def jobs_registered() -> list[Job]:
    """Every periodic task of every installed app, with its last recorded run, sorted by name."""
    autodiscover_modules("tasks")
    states = {state.name: state for state in JobState.objects.all()}
    jobs = []
    for task_class in HUEY._registry._periodic_tasks:  # Huey has no public list of periodic tasks
        name = job_name(task_class)
        schedule = schedule_of(task_class.validate_datetime)
        jobs.append(
            Job(
                name=name,
                what=_what(task_class),
                when=schedule.describe() if schedule else "",
                state=states.get(name),
            )
        )
    return sorted(jobs, key=lambda job: job.name)


def jobs_visible(*, actor: Actor) -> list[Job]:
    """The registry, for a platform administrator only; anyone else is told it does not exist."""
    if not actor.is_platform_admin:
        raise NotFound("jobs")
    return jobs_registered()
