"""A demo data directory at the sizes a deployment reaches: +1,000,000 intel objects, +100,000 persons.

Copies a data directory that `lionrock serve --demo` (or `lionrock manage migrate` + `lionrock demo`) built
and adds, in batches so memory stays bounded:

* intel: --objects STIX objects made by benchmarks/intel/taxii_generate.py's object maker (85% indicators,
  10% ipv4-addr, 5% malware), spread over the demo's own (non-exercise) collections in the proportions the
  demo fills them, each object copying the TLP, writing organisation and named recipients of a demo
  object of the same collection (so every intel persona sees the share of the store the demo gives it).
  date_added is spread over the year before the demo's own objects, strictly increasing; 5% labelled
  "phishing", 5% "botnet"/"banking", 0.5% "apt-hk"; 6% of indicators carry a valid_until (a third
  expired, a third within 10 days, a third later). The rows are written by the ingest path's own bulk
  writer (intel.services.bulk.rows_insert) with the columns, labels, references and the correlation
  values ("seen elsewhere", value search) that objects_add derives from each object.
* enforcement: --persons persons of the immigration department, each with a travel document (number
  encrypted, blind index kept) and one arrest with its offences (in force on the arrest's date), 25 a
  operation over operations spread across the last three years; the arrests of vulnerable
  persons (enforcement's own screening_reasons) owe a screening and have the screening case the screening
  module opens for them (names encrypted). Older cases are concluded, screened and fulfilled; the last
  fortnight's are still open. All through bulk_create on the models, so encrypted fields are encrypted.

No audit rows are written for the bulk rows (the benchmark reads pages, not the trail). Finally it runs the
statistics upkeep `lionrock serve` and the TAXII worker run (core.shell.planner), then a full ANALYZE.

Usage:
  uv run python benchmarks/web/scale_data.py --source /tmp/demo-base --target /tmp/demo-scale \
      [--objects 1000000] [--persons 100000] [--seed 15]
The source is only read. Prints what it added and how long each part took.

On PostgreSQL: set DATABASE_URL to any database of the server (as a role that may create databases) and
name the database the source's demo build filled; the target database is made as a copy of it (the
source is only read) and is what `pages_bench.py --database-template` then copies for each run:
  DATABASE_URL=postgres://lionrock:…@127.0.0.1/postgres uv run python benchmarks/web/scale_data.py \
      --source /tmp/demo-pg --target /tmp/demo-scale-pg \
      --database-source lionrock_demo_pg --database-target lionrock_scale_pg
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "intel"))

import taxii_generate  # noqa: E402  (the TAXII benchmark's object maker)

BATCH = 10_000
MARKING = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def copy_data_dir(source: Path, target: Path) -> None:
    if target.exists():
        raise SystemExit(f"{target} exists; remove it or choose another --target")
    for name in ("lionrock.sqlite3", "tasks.sqlite3"):
        wal = source / f"{name}-wal"
        if wal.exists() and wal.stat().st_size:
            raise SystemExit(f"{wal} is not empty: stop the server using {source} first")
    target.mkdir(parents=True)
    for item in source.iterdir():
        if item.name == "serve.log" or item.name.endswith(("-wal", "-shm")):
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name)
        else:
            shutil.copy2(item, target / item.name)


def database_copy(source: str, target: str) -> str:
    """A new PostgreSQL database `target`, a copy of `source`, on DATABASE_URL's server; its URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target,)).fetchone()
        if exists:
            raise SystemExit(f"database {target} exists; drop it or choose another --database-target")
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source))
        )
    return urlunsplit(parts._replace(path=f"/{target}"))


def django_setup(target: Path, database_url: str | None) -> None:
    os.environ["LIONROCK_DATA_DIR"] = str(target)
    os.environ["LIONROCK_REQUIRE_MFA"] = "0"
    os.environ["LIONROCK_TASKS_IMMEDIATE"] = "1"
    os.environ.setdefault("LIONROCK_LOG_LEVEL", "WARNING")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lionrock.config.settings"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # A bulk load of a copy: losing it to a crash costs a rerun, not data.
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")


def batched(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- intel -------------------------------------------------------------------------------------------


def intel_templates() -> tuple[list[Any], list[float], dict[Any, list[dict[str, Any]]], datetime]:
    """Per demo collection: its share of the demo's objects and what each of its objects looks like."""
    from lionrock.cyber.intel.models import Collection, ObjectRecipient, StixObject

    recipients: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for stix_object_id, organisation_id, user_id in ObjectRecipient.objects.values_list(
        "stix_object_id", "organisation_id", "user_id"
    ):
        if organisation_id:
            recipients[stix_object_id][0].append(organisation_id)
        if user_id:
            recipients[stix_object_id][1].append(user_id)
    templates: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    collections = Collection.objects.filter(is_exercise=False, is_active=True)
    rows = StixObject.objects.filter(collection__in=collections, is_latest=True).values_list(
        "pk", "collection_id", "tlp", "created_by_org_id", "created_by_user_id", "date_added"
    )
    first_added = datetime.now(UTC)
    for pk, collection_id, tlp, org_id, user_id, added in rows:
        orgs, users = recipients.get(pk, ([], []))
        templates[collection_id].append(
            {"tlp": tlp, "org": org_id, "user": user_id, "recipient_orgs": orgs, "recipient_users": users}
        )
        first_added = min(first_added, added)
    chosen = sorted(templates, key=str)
    weights = [float(len(templates[c])) for c in chosen]
    return chosen, weights, templates, first_added


def intel_add(objects: int, seed: int) -> dict[str, Any]:
    from django.db import transaction

    from lionrock.cyber.intel.columns import columns_of, labels_of, refs_of
    from lionrock.cyber.intel.correlation import value_key, values_of
    from lionrock.cyber.intel.models import (
        ObjectLabel,
        ObjectRecipient,
        ObjectReference,
        ObservableValue,
        StixObject,
    )
    from lionrock.cyber.intel.services.bulk import rows_insert

    collections, weights, templates, first_added = intel_templates()
    rng = random.Random(seed)
    start = first_added - timedelta(days=366)
    step = timedelta(days=365) / max(objects, 1)
    now = datetime.now(UTC)
    started = time.perf_counter()
    counts: dict[str, int] = defaultdict(int)

    def made() -> Iterator[tuple[StixObject, dict[str, Any], dict[str, Any]]]:
        for n in range(objects):
            collection = rng.choices(collections, weights)[0]
            template = rng.choice(templates[collection])
            obj, _tlp = taxii_generate.make_object(rng, n)
            added = (start + step * n).replace(microsecond=(start + step * n).microsecond // 1000 * 1000)
            moment = taxii_generate.stamp(added)
            if "created" in obj:
                obj["created"] = obj["modified"] = moment
            if "valid_from" in obj:
                obj["valid_from"] = moment
            roll = rng.random()
            if obj["type"] != "ipv4-addr":  # labels are for domain objects, not observables
                if roll < 0.05:
                    obj["labels"] = ["phishing"]
                elif roll < 0.10:
                    obj["labels"] = ["botnet", "banking"]
                elif roll < 0.105:
                    obj["labels"] = ["apt-hk"]
            if obj["type"] == "indicator" and rng.random() < 0.06:
                offset = rng.choice((-2.0, rng.uniform(1, 10), rng.uniform(11, 90)))
                obj["valid_until"] = taxii_generate.stamp(now + timedelta(days=offset))
            obj["object_marking_refs"] = [MARKING[template["tlp"]]]
            created = added if "created" in obj else taxii_generate.BASE
            row = StixObject(
                collection_id=collection,
                stix_id=obj["id"],
                type=obj["type"],
                spec_version="2.1",
                created=created,
                modified=created,
                date_added=added,
                is_latest=True,
                revoked=False,
                tlp=template["tlp"],
                created_by_org_id=template["org"],
                created_by_user_id=template["user"],
                source="taxii",
                raw=taxii_generate.canonical(obj),
                **columns_of(obj),
            )
            yield row, obj, template

    for batch in batched(made(), BATCH):
        with transaction.atomic():
            rows = [row for row, _obj, _template in batch]
            rows_insert(StixObject, rows)
            labels, refs, values, recipients = [], [], [], []
            for row, obj, template in batch:
                labels += [
                    {"stix_object_id": row.pk, "label": label, "date_added": row.date_added}
                    for label in labels_of(obj)
                ]
                refs += [{"stix_object_id": row.pk, "ref_id": ref} for ref in refs_of(obj)]
                values += [
                    {"stix_object_id": row.pk, "kind": kind, "value": value, "key": value_key(kind, value)}
                    for kind, value in values_of(obj)
                ]
                recipients += [
                    ObjectRecipient(stix_object_id=row.pk, organisation_id=org)
                    for org in template["recipient_orgs"]
                ]
                recipients += [
                    ObjectRecipient(stix_object_id=row.pk, user_id=user)
                    for user in template["recipient_users"]
                ]
                counts[f"objects {row.tlp}"] += 1
            rows_insert(ObjectLabel, labels)
            rows_insert(ObjectReference, refs)
            rows_insert(ObservableValue, values)
            ObjectRecipient.objects.bulk_create(recipients, batch_size=1000)
            counts["objects"] += len(batch)
            counts["labels"] += len(labels)
            counts["correlation values"] += len(values)
            counts["recipients"] += len(recipients)
        if counts["objects"] % 100_000 < BATCH:
            print(f"  intel {counts['objects']:>9,}  {time.perf_counter() - started:7.1f} s", flush=True)
    return {**counts, "intel_s": round(time.perf_counter() - started, 1)}


# --- enforcement and screening -----------------------------------------------------------------------

FAMILY = [
    "NGUYEN",
    "TRAN",
    "LE",
    "PHAM",
    "HUANG",
    "LIU",
    "WONG",
    "CHAN",
    "SANTOS",
    "REYES",
    "DELA CRUZ",
    "SARI",
    "WIJAYA",
    "KHAN",
    "AHMED",
    "SINGH",
    "PERERA",
    "SILVA",
    "LI",
    "ZHANG",
    "CHEN",
    "LAM",
]
GIVEN = [
    "Van Hai",
    "Minh Duc",
    "Quang Vinh",
    "Duc Anh",
    "Jianguo",
    "Zhiqiang",
    "Kwok Keung",
    "Maria",
    "Josephine",
    "Dewi",
    "Siti",
    "Imran",
    "Rahul",
    "Nimal",
    "Wei",
    "Mei Ling",
    "Ka Ming",
    "Ana",
    "Budi",
]
NATIONALITY = ["VNM", "VNM", "CHN", "CHN", "PHL", "IDN", "PAK", "IND", "LKA", "NPL", "THA", "BGD"]
STATUS = [("visitor", 35), ("overstayer", 20), ("illegal_immigrant", 15), ("fdh", 8),
          ("imported_worker", 5), ("claimant", 7), ("resident", 10)]  # fmt: skip
ROLES = [("illegal_worker", 75), ("employer", 12), ("aider_abettor", 8), ("company_officer", 5)]
ROLE_OFFENCES = {
    "illegal_worker": [["s38aa"], ["s41"], ["s38aa", "forged-id-card"]],
    "employer": [["s17i"], ["s17i", "s17j"]],
    "aider_abettor": [["aiding-abetting"]],
    "company_officer": [["s17i-officer"]],
}
CODENAMES = ["Lotus", "Harbour", "Jade", "Summit", "Lantern", "Orchid"]
ROADS = ["Nathan", "Castle Peak", "Hennessy", "Kwun Tong"]
KINDS = ["anti_illegal_worker", "joint_police"]
WORK = ["construction", "catering", "retail", "domestic", "logistics", "sex_work", "other"]


def enforcement_add(persons: int, seed: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from lionrock.core.accounts.models import Membership, Organisation
    from lionrock.immigration.enforcement.encryption import blind_index
    from lionrock.immigration.enforcement.models import (
        Arrest,
        IdentityDocument,
        Operation,
        Person,
        Premises,
        ScreeningOwed,
    )
    from lionrock.immigration.enforcement.models.places import District, PremisesType
    from lionrock.immigration.enforcement.selectors import offences_in_force
    from lionrock.immigration.enforcement.services.arrests import person_name_normalise, screening_reasons
    from lionrock.immigration.screening.models import Case

    rng = random.Random(seed + 1)
    started = time.perf_counter()
    organisation = Organisation.objects.get(slug="immigration")
    officers = list(
        Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True).order_by("pk")
    )
    now = timezone.now()
    end = now - timedelta(days=1)
    per_operation = 25
    operations_wanted = max(1, persons // per_operation)
    span = timedelta(days=3 * 365)
    counts: dict[str, int] = defaultdict(int)
    offence_ids: dict[date, dict[str, int]] = {}

    def offences_on(day: date) -> dict[str, int]:
        if day not in offence_ids:
            offence_ids[day] = {o.code: o.pk for o in offences_in_force(on=day)}
        return offence_ids[day]

    # Operations, oldest first, each with the premises it visited.
    operations: list[Operation] = []
    for i in range(operations_wanted):
        planned = end - span + span * (i / operations_wanted)
        closed = now - planned > timedelta(days=90)
        operations.append(
            Operation(
                organisation=organisation,
                codename=f"{rng.choice(CODENAMES)}-{i + 1:05d}",
                kind=rng.choices(KINDS, [80, 20])[0],
                status=Operation.Status.CLOSED if closed else Operation.Status.EXECUTED,
                planned_start=planned,
                planned_end=planned + timedelta(hours=6),
                actual_start=planned,
                actual_end=planned + timedelta(hours=5),
                lead_officer_id=rng.choice(officers),
                created_at=planned - timedelta(days=7),
            )
        )
    with transaction.atomic():
        Operation.objects.bulk_create(operations, batch_size=1000)
        premises = [
            Premises(
                operation=operation,
                address=f"{rng.randint(1, 400)} {rng.choice(ROADS)} Road",
                district=rng.choice(District.values),
                premises_type=rng.choice(PremisesType.values),
                business_name=f"Company {operation.pk}",
                visited_at=operation.actual_start,
            )
            for operation in operations
        ]
        Premises.objects.bulk_create(premises, batch_size=1000)
    counts["operations"] = len(operations)
    statuses = [status for status, weight in STATUS for _ in range(weight)]
    roles = [role for role, weight in ROLES for _ in range(weight)]
    year_numbers: dict[int, int] = defaultdict(lambda: 100)  # after the demo's own SC-yyyy-00001...

    for first in range(0, persons, BATCH):
        size = min(BATCH, persons - first)
        with transaction.atomic():
            people = []
            for _ in range(size):
                name = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
                people.append(
                    Person(
                        organisation=organisation,
                        name_en=name,
                        sex=rng.choice("MMMFFX"),
                        date_of_birth=date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28)),
                        nationality=rng.choice(NATIONALITY),
                        status_category=rng.choice(statuses),
                        normalised_name=person_name_normalise(name, ""),
                    )
                )
            Person.objects.bulk_create(people, batch_size=1000)
            documents = []
            for person in people:
                number = f"{rng.choice('EGKPS')}{rng.randint(1000000, 99999999)}"
                documents.append(
                    IdentityDocument(
                        person=person,
                        kind=IdentityDocument.Kind.TRAVEL_DOCUMENT,
                        number=number,
                        number_index=blind_index(f"travel_document:{number}"),
                        issuing_country=person.nationality,
                        format_check=IdentityDocument.Check.NOT_CHECKED,
                    )
                )
            IdentityDocument.objects.bulk_create(documents, batch_size=1000)
            arrests, offence_sets = [], []
            for index, person in enumerate(people):
                at = (first + index) // per_operation % len(operations)
                operation = operations[at]
                arrested_at = operation.actual_start + timedelta(minutes=rng.randint(5, 280))  # type: ignore[operator]
                role = rng.choice(roles)
                work_type = rng.choice(WORK) if role == "illegal_worker" else ""
                age_days = (now - arrested_at).days
                if age_days > 120:
                    stage = rng.choices(["convicted", "nfa", "acquitted", "prosecution"], [60, 25, 5, 10])[0]
                elif age_days > 14:
                    stage = rng.choice(["prosecution", "investigation", "convicted", "nfa"])
                else:
                    stage = "investigation"
                concluded = stage in Arrest.CONCLUDED_STAGES
                concluded_at = arrested_at + timedelta(days=rng.randint(30, 100)) if concluded else None
                arrests.append(
                    Arrest(
                        operation=operation,
                        person=person,
                        premises=premises[at],
                        arrested_at=arrested_at,
                        role=role,
                        work_type=work_type,
                        stage=stage,
                        plea=("guilty" if stage == "convicted" else ""),
                        fine_hkd=(rng.choice([None, 5000, 10000, 15000]) if stage == "convicted" else None),
                        imprisonment_months=(rng.choice([None, 2, 3, 15]) if stage == "convicted" else None),
                        concluded_at=concluded_at,
                        recorded_by_id=operation.lead_officer_id,
                        created_at=arrested_at,
                    )
                )
                codes = rng.choice(ROLE_OFFENCES[role])
                in_force = offences_on(arrested_at.date())
                offence_sets.append([in_force[code] for code in codes if code in in_force])
            Arrest.objects.bulk_create(arrests, batch_size=1000)
            through = Arrest.offences.through
            through.objects.bulk_create(
                [
                    through(arrest_id=arrest.pk, offence_id=offence_id)
                    for arrest, ids in zip(arrests, offence_sets, strict=True)
                    for offence_id in ids
                ],
                batch_size=2000,
            )
            owed_rows, owed_people = [], []
            for arrest, person in zip(arrests, people, strict=True):
                reasons = screening_reasons(
                    role=arrest.role, status_category=person.status_category, work_type=arrest.work_type
                )
                if not reasons:
                    continue
                open_still = (now - arrest.arrested_at).days <= 14
                owed_rows.append(
                    ScreeningOwed(
                        organisation=organisation,
                        person=person,
                        arrest=arrest,
                        reasons=reasons,
                        due_at=arrest.arrested_at + timedelta(hours=48),
                        created_at=arrest.arrested_at,
                        fulfilled_at=None if open_still else arrest.arrested_at + timedelta(hours=30),
                    )
                )
                owed_people.append((person, arrest, open_still))
            cases = []
            for owed, (person, arrest, open_still) in zip(owed_rows, owed_people, strict=True):
                year = timezone.localtime(arrest.arrested_at).year
                year_numbers[year] += 1
                reference = f"SC-{year}-{year_numbers[year]:05d}"
                if not open_still:
                    owed.fulfilled_reference = reference
                stage = (
                    Case.Stage.AWAITING_SCREENING
                    if open_still
                    else rng.choices(
                        [Case.Stage.SCREENED_OUT, Case.Stage.DECIDED, Case.Stage.DEBRIEFING_DUE,
                         Case.Stage.DECISION_PENDING],
                        [80, 14, 3, 3],
                    )[0]
                )  # fmt: skip
                status = ""
                if stage == Case.Stage.DECIDED:
                    status = rng.choices([Case.Status.NOT_A_VICTIM, Case.Status.IDENTIFIED], [85, 15])[0]
                elif stage != Case.Stage.AWAITING_SCREENING and stage != Case.Stage.SCREENED_OUT:
                    status = Case.Status.POSSIBLE
                cases.append(
                    Case(
                        organisation=organisation,
                        reference=reference,
                        origin=Case.Origin.ARREST,
                        person=person,
                        name_en=person.name_en,
                        name_zh=person.name_zh,
                        sex=person.sex,
                        age=person.age_on(arrest.arrested_at.date()),
                        nationality=person.nationality,
                        due_at=owed.due_at,
                        stage=stage,
                        status=status,
                        created_at=arrest.arrested_at + timedelta(minutes=1),
                    )
                )
            ScreeningOwed.objects.bulk_create(owed_rows, batch_size=1000)
            for owed, case in zip(owed_rows, cases, strict=True):
                case.owed = owed
            Case.objects.bulk_create(cases, batch_size=1000)
            counts["persons"] += len(people)
            counts["identity documents"] += len(documents)
            counts["arrests"] += len(arrests)
            counts["screenings owed"] += len(owed_rows)
            counts["screening cases"] += len(cases)
            counts["open screening cases"] += sum(1 for _p, _a, open_still in owed_people if open_still)
        print(f"  persons {counts['persons']:>8,}  {time.perf_counter() - started:7.1f} s", flush=True)
    return {**counts, "enforcement_s": round(time.perf_counter() - started, 1)}


def statistics_refresh() -> dict[str, Any]:
    """The platform's own upkeep (what `lionrock serve` and the TAXII worker run), then a full ANALYZE."""
    from django.db import connection

    from lionrock.core.shell.planner import planner_statistics_refresh

    started = time.perf_counter()
    planner_statistics_refresh()
    upkeep = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return {"upkeep_s": round(upkeep, 1), "statistics_s": round(time.perf_counter() - started, 1)}
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=0")
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA optimize")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"upkeep_s": round(upkeep, 1), "statistics_s": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, required=True, help="a demo data directory (only read)")
    parser.add_argument("--target", type=Path, required=True, help="the new data directory (must not exist)")
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--database-source", help="PostgreSQL: the database the source's demo build filled")
    parser.add_argument("--database-target", help="PostgreSQL: the new database (must not exist)")
    args = parser.parse_args()
    if bool(os.environ.get("DATABASE_URL")) != bool(args.database_source and args.database_target):
        parser.error("--database-source and --database-target go with DATABASE_URL, and only with it")
    started = time.perf_counter()
    database_url = None
    if args.database_source:
        database_url = database_copy(args.database_source, args.database_target)
    copy_data_dir(args.source, args.target)
    django_setup(args.target, database_url)
    summary: dict[str, Any] = {}
    summary.update(intel_add(args.objects, args.seed))
    summary.update(enforcement_add(args.persons, args.seed))
    summary.update(statistics_refresh())
    summary["total_s"] = round(time.perf_counter() - started, 1)
    width = max(len(key) for key in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value:>12,}" if isinstance(value, int) else f"{key:<{width}}  {value:>12}")


if __name__ == "__main__":
    main()
