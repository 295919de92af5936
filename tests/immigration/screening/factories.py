"""Builders for screening tests: screeners, supervisors, providers, owed cases and filled-in interviews."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.immigration.screening import services
from lionrock.immigration.screening.models import (
    Case,
    Checklist,
    Debriefing,
    Indicator,
    Presence,
    ServiceOffering,
)
from tests.immigration.enforcement.factories import (
    arrested_person_make,
    client_signed_in,
    immigration_make,
    officer_make,
    operation_make,
    person_make,
)

__all__ = ["client_signed_in"]


def screener_make(*roles: str, organisation: Organisation | None = None) -> Actor:
    user = person_make(roles or [Role.SCREENING_OFFICER], organisation or immigration_make())
    return actor_for_user(user)


def supervisor_make(organisation: Organisation | None = None) -> Actor:
    return screener_make(Role.SCREENING_SUPERVISOR, Role.SCREENING_OFFICER, organisation=organisation)


def provider_make(slug: str) -> tuple[Organisation, Actor]:
    organisation, _created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name_en": slug.title(), "kind": Organisation.Kind.SUPPORT_SERVICE}
    )
    return organisation, actor_for_user(person_make([Role.SERVICE_PROVIDER], organisation))


def owed_case_make(*, name: str = "") -> Case:
    """An illegal worker arrested in an operation, and the case the enforcement hook opens for them."""
    officer = officer_make()
    operation = operation_make(officer)
    arrest = arrested_person_make(officer, operation)
    if name:
        arrest.person.name_en = name
        arrest.person.save(update_fields=["name_en"])
    services.cases_open_for_owed(owed_ids=[arrest.screening_owed.pk])
    return Case.objects.get(owed=arrest.screening_owed)


def interview_make(**overrides: object) -> services.Interview:
    values: dict[str, object] = {
        "started_at": timezone.now() - timedelta(hours=1),
        "duration_minutes": 40,
        "location": "Castle Peak Bay Immigration Centre, interview room 2",
        "language": "Vietnamese",
        "interpreter": "Court interpreter (contract)",
        "breaks_offered": 2,
        "breaks_taken": 1,
        "consent_given": True,
        "information_given": True,
    }
    values.update(overrides)
    return services.Interview(**values)  # type: ignore[arg-type]


def checklist() -> Checklist:
    return Checklist.objects.get(is_active=True)


def answers_make(
    stage: str, present: set[str] = frozenset(), unknown: set[str] = frozenset()
) -> dict[str, tuple[str, str]]:  # type: ignore[assignment]
    """The answers to the questions as asked that record `present` present, `unknown` not known and
    every other indicator absent, through each question's polarity (a No to "Can you leave…?" is present)."""
    indicators = checklist().indicators.filter(stage=stage)
    return {
        i.code: (
            i.answer_for(
                Presence.PRESENT
                if i.code in present
                else Presence.UNKNOWN
                if i.code in unknown
                else Presence.ABSENT
            ),
            "note" if i.code in present else "",
        )
        for i in indicators
    }


def screened_with_indicator(case: Case, officer: Actor, code: str = "IS-2") -> Debriefing:
    services.initial_screening_record(
        actor=officer,
        case=case,
        interview=interview_make(),
        answers=answers_make(Indicator.Stage.INITIAL, {code}),
    )
    return Debriefing.objects.get(case=case)


def offering_make(provider: Organisation, kind: str, supervisor: Actor) -> ServiceOffering:
    return services.service_offering_add(actor=supervisor, organisation=provider, kind=kind)
