"""`lionrock manage enforcement_persons_retention`: the nightly sweep of persons on demand, or a dry run."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from lionrock.immigration.enforcement import services


class Command(BaseCommand):
    help = (
        "Deletes the persons, identity documents and arrests whose last case ended longer ago than "
        "LIONROCK_PERSON_RETENTION_DAYS, as the nightly task does. With --dry-run, says what would go and "
        "deletes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what is due; delete nothing, audit nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = services.persons_retention_apply(dry_run=options["dry_run"])
        self.stdout.write(result.describe())
        if options["dry_run"] and options["verbosity"] > 1 and result.person_ids:
            # Record numbers only, as on the person pages' addresses; never names.
            self.stdout.write("Persons: " + ", ".join(str(pk) for pk in result.person_ids))
