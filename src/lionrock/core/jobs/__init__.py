"""The periodic jobs of every module in one registry: what each does, when it runs, its last run and result.

Nothing to register by hand: every Huey periodic task (``@db_periodic_task(crontab(...))`` in any app's
``tasks.py``) is found in Huey's registry; what it does is its docstring's first line, when it runs is read
from its crontab, and each run's start, end and outcome are recorded by Huey's signals. The platform
administrator sees them at ``/jobs/``. See docs/operators/periodic-jobs.md.
"""
