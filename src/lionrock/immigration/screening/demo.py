"""Demo screening data: the service catalogue, cases for the screenings owed, and a person who came forward.

Called by lionrock.demo.world.demo_world_build; running it again changes nothing. The demo
leaves the screenings themselves to be done, so that a visitor can walk through the flow.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.immigration.screening import services
from lionrock.immigration.screening.models import Case, ServiceKind, ServiceOffering

DEMO_SUPERVISOR = "supervisor@lionrock.test"
DEMO_OFFICER = "screening@lionrock.test"

# provider slug, service, description, languages
CATALOGUE: tuple[tuple[str, str, str, str], ...] = (
    (
        "anti-trafficking-alliance",
        ServiceKind.URGENT,
        "24-hour response for people leaving exploitation",
        "English, Tagalog, Bahasa Indonesia",
    ),
    (
        "anti-trafficking-alliance",
        ServiceKind.LEGAL,
        "Legal advice on labour claims and immigration status",
        "English, Cantonese",
    ),
    (
        "anti-trafficking-alliance",
        ServiceKind.REPATRIATION,
        "Help with travel documents and the journey home",
        "English, Vietnamese",
    ),
    (
        "migrant-support",
        ServiceKind.COUNSELLING,
        "Trauma-informed counselling",
        "English, Tagalog, Hindi, Nepali",
    ),
    (
        "migrant-support",
        ServiceKind.INTERPRETATION,
        "Interpreters for interviews and appointments",
        "Vietnamese, Urdu, Thai, Bahasa Indonesia",
    ),
    (
        "migrant-support",
        ServiceKind.FINANCIAL,
        "Emergency allowance for food and transport",
        "English, Cantonese",
    ),
    (
        "safe-harbour-shelter",
        ServiceKind.SHELTER,
        "Temporary accommodation for women and men, separate floors",
        "English, Cantonese, Vietnamese",
    ),
    (
        "safe-harbour-shelter",
        ServiceKind.MEDICAL,
        "Nurse on site; referrals to public clinics",
        "English, Cantonese",
    ),
)

CAME_FORWARD = services.CaseDetails(
    name_en="LAM Wing Yan",
    name_zh="林詠欣",
    sex="F",
    age=24,
    nationality="HKG",
    preferred_language="Cantonese",
    needs="Returned from a job-scam compound abroad; needs counselling and help with debts to the recruiter.",
)


def screening_demo_build(*, quiet: bool) -> int:
    """Adds what is missing; returns how many records were created."""
    organisation = Organisation.objects.filter(slug="immigration").first()
    supervisor = User.objects.filter(email=DEMO_SUPERVISOR).first()
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    if organisation is None or supervisor is None or officer is None:
        return 0
    created = 0
    actor = actor_for_user(supervisor)
    providers = {org.slug: org for org in Organisation.objects.filter(slug__in={row[0] for row in CATALOGUE})}
    for slug, kind, description, languages in CATALOGUE:
        provider = providers.get(slug)
        if provider is None or ServiceOffering.objects.filter(organisation=provider, kind=kind).exists():
            continue
        services.service_offering_add(
            actor=actor, organisation=provider, kind=kind, description=description, languages=languages
        )
        created += 1
    created += services.cases_open_for_owed()
    if not Case.objects.filter(organisation=organisation, origin=Case.Origin.RETURNED_RESIDENT).exists():
        services.case_create(
            actor=actor_for_user(officer),
            organisation=organisation,
            origin=Case.Origin.RETURNED_RESIDENT,
            details=CAME_FORWARD,
            due_at=timezone.now() + timedelta(hours=20),
        )
        created += 1
    if not quiet and created:
        print(f"Demo: {created} screening records created.")
    return created
