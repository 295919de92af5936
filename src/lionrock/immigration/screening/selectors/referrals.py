"""Reads of support services and referrals: the catalogue, a case's referrals, and the provider's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.immigration.screening.models import (
    SERVICE_FIELDS,
    Case,
    Referral,
    ServiceOffering,
)
from lionrock.immigration.screening.selectors.shared import SCREENERS, screening_organisations

__all__ = [
    "ProviderReferral",
    "case_referrals",
    "offerings_catalogue",
    "referral_get",
    "referral_incoming_get",
    "referrals_incoming",
    "referrals_incoming_count",
]


def offerings_catalogue(*, actor: Actor) -> QuerySet[ServiceOffering]:
    screening_organisations(actor)
    return (
        ServiceOffering.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("kind", "organisation__name_en")
    )


def case_referrals(*, actor: Actor, case: Case) -> list[Referral]:
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    return list(case.referrals.select_related("offering", "provider", "sent_by").order_by("-sent_at"))


@dataclass(frozen=True)
class ProviderReferral:
    """A referral as its provider sees it: only the fields the service needs, the rest is absent."""

    id: int
    service: str
    service_label: str
    state: str
    state_label: str
    sent_at: datetime
    due_at: datetime
    consent_given: bool
    provider_note: str
    fields: dict[str, Any]


def _provider_view(referral: Referral) -> ProviderReferral:
    case = referral.case
    allowed = SERVICE_FIELDS.get(referral.offering.kind, ("name",))
    values: dict[str, Any] = {
        "name": " ".join(part for part in (case.name_en, case.name_zh) if part),
        "sex": case.get_sex_display(),
        "age": case.age,
        "nationality": case.nationality,
        "preferred_language": case.preferred_language,
        "needs": referral.needs or case.needs,
        "contact": case.contact,
    }
    return ProviderReferral(
        id=referral.pk,
        service=referral.offering.kind,
        service_label=referral.offering.get_kind_display(),
        state=referral.state,
        state_label=referral.get_state_display(),
        sent_at=referral.sent_at,
        due_at=referral.due_at,
        consent_given=referral.consent_given,
        provider_note=referral.provider_note,
        fields={name: values[name] for name in allowed},
    )


def _provider_referrals(actor: Actor) -> QuerySet[Referral]:
    organisations = actor.organisations_with(Role.SERVICE_PROVIDER)
    if actor.user is None or not organisations:
        raise NotFound
    return Referral.objects.filter(provider_id__in=organisations).exclude(state=Referral.State.REVOKED)


def referrals_incoming(*, actor: Actor) -> list[ProviderReferral]:
    """The referrals made to the actor's organisations; reading them is audited."""
    rows = list(_provider_referrals(actor).select_related("case", "offering").order_by("-sent_at")[:200])
    if rows:
        audit.record_read(
            actor=actor,
            target_type="screening.referral",
            target_ids=[r.pk for r in rows],
            purpose="provider list",
        )
    return [_provider_view(referral) for referral in rows]


def referral_incoming_get(*, actor: Actor, referral_id: int) -> tuple[Referral, ProviderReferral]:
    referral = _provider_referrals(actor).select_related("case", "offering").filter(pk=referral_id).first()
    if referral is None:
        raise NotFound(referral_id)
    audit.record_read(
        actor=actor, target_type="screening.referral", target_ids=[referral.pk], purpose="provider"
    )
    return referral, _provider_view(referral)


def referral_get(*, actor: Actor, referral_id: int) -> Referral:
    referral = (
        Referral.objects.filter(case__organisation_id__in=screening_organisations(actor), pk=referral_id)
        .select_related("case", "offering")
        .first()
    )
    if referral is None:
        raise NotFound(referral_id)
    return referral


def referrals_incoming_count(*, actor: Actor) -> int:
    try:
        return _provider_referrals(actor).filter(state=Referral.State.SENT).count()
    except NotFound:
        return 0
