"""Builders for publishing tests: press officers, operations with arrests as the records hold them."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.immigration.enforcement import services as enforcement
from lionrock.immigration.enforcement.models import Arrest, Operation
from lionrock.publishing import services
from lionrock.publishing.models import PressRelease
from tests.immigration.enforcement.factories import immigration_make, officer_make, person_make

HKT = ZoneInfo("Asia/Hong_Kong")
_counter = itertools.count(1)


def hkt(day: date, hour: int = 20, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=HKT)


def press_officer_make(organisation: Organisation | None = None) -> Actor:
    user = person_make([Role.PRESS_OFFICER], organisation or immigration_make())
    return actor_for_user(user)


# (role, sex, age, offences)
Person = tuple[str, str, int | None, tuple[str, ...]]
WORKER = Arrest.Role.ILLEGAL_WORKER
EMPLOYER = Arrest.Role.EMPLOYER


def operation_with_arrests_make(
    *,
    day: date,
    people: Sequence[Person],
    codename: str = "Contribute",
    district: str = "north",
    premises_type: str = "renovation_site",
    publicity: Sequence[str] = ("leaflets", "vehicle"),
    officer: Actor | None = None,
) -> Operation:
    """An executed operation on `day` at one premises, with an arrest for each (role, sex, age, offences)."""
    officer = officer or officer_make()
    start = hkt(day, 9, 0)
    operation = enforcement.operation_create(
        actor=officer,
        organisation=Organisation.objects.get(pk=officer.primary_organisation_id),
        codename=codename,
        kind=Operation.Kind.ANTI_ILLEGAL_WORKER,
        planned_start=start,
        lead_officer=officer.user,  # type: ignore[arg-type]
        publicity=publicity,
    )
    premises = enforcement.premises_add(
        actor=officer,
        operation=operation,
        address=f"Site {next(_counter)}, Sheung Shui",
        district=district,
        premises_type=premises_type,
        business_name="",
        visited_at=start,
    )
    for role, sex, age, offences in people:
        person = enforcement.person_create(
            actor=officer,
            organisation=operation.organisation,
            name_en=f"CHAN Tai Man {next(_counter)}",
            name_zh="陳大文",
            sex=sex,
            age_estimate=age,
            nationality="VNM",
            status_category="visitor" if role == WORKER else "resident",
        )
        enforcement.arrest_record(
            actor=officer,
            operation=operation,
            person=person,
            role=role,
            arrested_at=hkt(day, 10, 0),
            offence_codes=offences,
            premises=premises,
            work_type="construction" if role == WORKER else "",
        )
    operation.refresh_from_db()
    if operation.status == Operation.Status.PLANNED:  # an arrest marks it executed; an empty one is not
        enforcement.operation_status_set(
            actor=officer, operation=operation, status=Operation.Status.EXECUTED, actual_start=start
        )
    return operation


def workers(count: int, *, sex: str = "M", first_age: int = 22, step: int = 1) -> list[Person]:
    return [(WORKER, sex, first_age + step * n, ("s41",)) for n in range(count)]


def release_make(press: Actor, operation: Operation, *, release_at: datetime, **kwargs: str) -> PressRelease:
    return services.release_draft_create(actor=press, operation=operation, release_at=release_at, **kwargs)
