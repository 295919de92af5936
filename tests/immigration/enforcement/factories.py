"""Builders for enforcement tests: departments, officers, signed-in clients, reports and files."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Membership, MembershipRole, Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Arrest, Operation, Person, Report

_counter = itertools.count(1)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def department_make(slug: str | None = None) -> Organisation:
    n = next(_counter)
    slug = slug or f"department-{n}"
    organisation, _created = Organisation.objects.get_or_create(
        slug=slug,
        defaults={"name_en": f"Department {n}", "kind": Organisation.Kind.LAW_ENFORCEMENT},
    )
    return organisation


def immigration_make() -> Organisation:
    """The department whose queue receives the public form's reports."""
    return department_make("immigration")


def person_make(roles: Iterable[str], organisation: Organisation, *, name: str = "") -> User:
    n = next(_counter)
    user = User.objects.create_user(
        f"person{n}@example.org", "correct horse battery", full_name=name or f"Officer {n}"
    )
    membership = Membership.objects.create(user=user, organisation=organisation)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=role) for role in roles])
    return user


def officer_make(organisation: Organisation | None = None, *, name: str = "") -> Actor:
    user = person_make([Role.ENFORCEMENT_OFFICER], organisation or immigration_make(), name=name)
    return actor_for_user(user)


def client_signed_in(actor: Actor) -> Client:
    """A browser session past sign-in and MFA."""
    assert actor.user is not None
    client = Client()
    client.force_login(actor.user)
    device = TOTPDevice.objects.create(user=actor.user, name="app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def details_make(**overrides: object) -> services.ReportDetails:
    values: dict[str, object] = {
        "category": Report.Category.ILLEGAL_WORK,
        "description": "Five workers without helmets; they said they came as visitors last week.",
        "address": "Flat 3, 12/F, Wing On Building, 12 Nathan Road",
        "district": "yau_tsim_mong",
        "premises_type": "renovation_site",
        "business_name": "Golden Dragon Renovation Co. Ltd",
        "observed_on": date(2026, 11, 20),
    }
    values.update(overrides)
    return services.ReportDetails(**values)  # type: ignore[arg-type]


def report_make(organisation: Organisation | None = None, **overrides: object) -> Report:
    """A public report, as the online form would store it."""
    organisation = organisation or immigration_make()
    n = next(_counter)
    return services.report_submit(
        organisation=organisation,
        details=details_make(**overrides),
        files=[],
        submitter_address=f"192.0.2.{n % 250}",
        submission_key=f"key-{n}",
    )


def operation_make(officer: Actor, **overrides: object) -> Operation:
    from django.utils import timezone

    assert officer.user is not None
    organisation = Organisation.objects.get(pk=officer.primary_organisation_id)
    values: dict[str, object] = {
        "codename": "Contribute",
        "kind": Operation.Kind.ANTI_ILLEGAL_WORKER,
        "planned_start": timezone.now() - timedelta(days=1),
        "lead_officer": officer.user,
    }
    values.update(overrides)
    return services.operation_create(actor=officer, organisation=organisation, **values)  # type: ignore[arg-type]


def arrested_person_make(
    officer: Actor,
    operation: Operation,
    *,
    role: str = Arrest.Role.ILLEGAL_WORKER,
    sex: str = Person.Sex.MALE,
    born: date | None = None,
    age: int | None = 30,
    status: str = Person.StatusCategory.VISITOR,
    offences: tuple[str, ...] = ("s41",),
    arrested_at: datetime | None = None,
    work_type: str = "",
) -> Arrest:
    from django.utils import timezone

    person = services.person_create(
        actor=officer,
        organisation=operation.organisation,
        name_en=f"Person {next(_counter)}",
        sex=sex,
        date_of_birth=born,
        age_estimate=None if born else age,
        nationality="PHL",
        status_category=status,
    )
    return services.arrest_record(
        actor=officer,
        operation=operation,
        person=person,
        role=role,
        arrested_at=arrested_at or timezone.now() - timedelta(hours=1),
        offence_codes=offences,
        work_type=work_type,
    )
