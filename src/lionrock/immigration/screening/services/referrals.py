"""Support services and referrals: offerings, referring a victim, the provider's updates, revoking, and
reminders to providers who have not answered."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.workflow import Workflow
from lionrock.core.workflow.services import transition_record
from lionrock.immigration.screening import notices
from lionrock.immigration.screening.models import (
    Case,
    Debriefing,
    Referral,
    ServiceKind,
    ServiceOffering,
)
from lionrock.immigration.screening.services.shared import (
    SCREENERS,
    logger,
    referral_due_hours,
)
from lionrock.immigration.screening.services.shared import clean_text as _text

__all__ = [
    "REFERRAL_PROVIDER_FLOW",
    "referral_create",
    "referral_revoke",
    "referral_update",
    "reminders_send",
    "service_offering_add",
]


@transaction.atomic
def service_offering_add(
    *, actor: Actor, organisation: Organisation, kind: str, description: str = "", languages: str = ""
) -> ServiceOffering:
    """Adds a provider's service to the catalogue; screening supervisors keep the catalogue."""
    access.require(actor, Role.SCREENING_SUPERVISOR)
    if kind not in ServiceKind.values:
        raise ValidationFailed(_("Choose a service from the list."))
    if ServiceOffering.objects.filter(organisation=organisation, kind=kind).exists():
        raise ValidationFailed(_("This provider already offers that service."))
    offering = ServiceOffering.objects.create(
        organisation=organisation,
        kind=kind,
        description=_text(description, 300),
        languages=_text(languages, 200),
    )
    audit.record(
        actor=actor,
        action="screening.offering.add",
        target=offering,
        changes={"organisation": organisation.pk, "kind": kind},
    )
    return offering


@transaction.atomic
def referral_create(
    *,
    actor: Actor,
    case: Case,
    offering: ServiceOffering,
    needs: str,
    consent_given: bool,
    override_reason: str = "",
    due_at: datetime | None = None,
) -> Referral:
    """Refers a possible or identified victim to a service; without recorded consent only a supervisor
    may refer, and must say why."""
    access.require(actor, *SCREENERS, organisation=case.organisation_id)
    assert actor.user is not None
    if case.status not in (Case.Status.POSSIBLE, Case.Status.IDENTIFIED):
        raise ValidationFailed(_("Only a possible or identified victim can be referred to support services."))
    if not offering.is_active:
        raise ValidationFailed(_("This service is no longer offered."))
    override_reason = _text(override_reason)
    if not consent_given:
        if not actor.has_role(Role.SCREENING_SUPERVISOR, case.organisation_id):
            raise ValidationFailed(
                _(
                    "The person's consent to this referral is not recorded; only a supervisor can refer "
                    "without it."
                )
            )
        if not override_reason:
            raise ValidationFailed(_("Give the reason for referring the person without their consent."))
    if due_at is not None and due_at <= timezone.now():
        raise ValidationFailed(_("The date to respond by must be in the future."))
    if Referral.objects.filter(
        case=case,
        offering=offering,
        state__in=[Referral.State.SENT, Referral.State.ACCEPTED, Referral.State.IN_PROGRESS],
    ).exists():
        raise ValidationFailed(_("An open referral to this service already exists."))
    referral = Referral.objects.create(
        case=case,
        offering=offering,
        provider_id=offering.organisation_id,
        needs=_text(needs),
        consent_given=consent_given,
        consent_override_by=None if consent_given else actor.user,
        consent_override_reason="" if consent_given else override_reason,
        due_at=due_at or timezone.now() + timedelta(hours=referral_due_hours()),
        sent_by=actor.user,
    )
    audit.record(
        actor=actor,
        action="screening.referral.send",
        target=referral,
        changes={
            "case": case.pk,
            "provider": offering.organisation_id,
            "service": offering.kind,
            "consent": consent_given,
        },
    )
    notices.referral_sent(actor=actor, referral=referral)
    return referral


REFERRAL_PROVIDER_FLOW = Workflow(
    action="screening.referral.update",
    field="state",
    steps={
        Referral.State.SENT: {Referral.State.ACCEPTED, Referral.State.DECLINED},
        Referral.State.ACCEPTED: {Referral.State.IN_PROGRESS, Referral.State.COMPLETED},
        Referral.State.IN_PROGRESS: {Referral.State.COMPLETED},
    },
    refusal=gettext_lazy("A referral cannot go from %(before)s to %(after)s."),
)


@transaction.atomic
def referral_update(*, actor: Actor, referral: Referral, state: str, note: str = "") -> Referral:
    """The provider's steps: sent -> accepted or declined -> in progress -> completed.

    The note stays encrypted on the referral; the history keeps who and when, not the note.
    """
    access.require(actor, Role.SERVICE_PROVIDER, organisation=referral.provider_id)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    REFERRAL_PROVIDER_FLOW.check(referral, state)
    if state == Referral.State.DECLINED and not _text(note):
        raise ValidationFailed(_("Say why the referral is declined."))
    referral.provider_note = _text(note) or referral.provider_note
    referral.updated_at = timezone.now()
    REFERRAL_PROVIDER_FLOW.move(
        actor=actor,
        record=referral,
        to=state,
        update_fields=["provider_note", "updated_at"],
    )
    notices.referral_updated(actor=actor, referral=referral)
    return referral


@transaction.atomic
def referral_revoke(*, actor: Actor, referral: Referral, reason: str) -> Referral:
    """The referring officer withdraws a referral that is still open, saying why."""
    access.require(actor, *SCREENERS, organisation=referral.case.organisation_id)
    if referral.state in (Referral.State.DECLINED, Referral.State.COMPLETED, Referral.State.REVOKED):
        raise ValidationFailed(_("This referral is closed."))
    if not _text(reason):
        raise ValidationFailed(_("Say why the referral is revoked."))
    before = referral.state
    referral.state = Referral.State.REVOKED
    referral.updated_at = timezone.now()
    referral.save(update_fields=["state", "updated_at"])
    transition_record(
        actor=actor,
        record=referral,
        field="state",
        before=before,
        after=Referral.State.REVOKED,
        action="screening.referral.revoke",
        # The reason may name the person: only its digest is kept, as before.
        audit_changes={"reason": reason},
    )
    notices.referral_revoked(actor=actor, referral=referral)
    return referral


@transaction.atomic
def reminders_send(*, now: datetime | None = None) -> int:
    """Reminds providers of overdue referrals and officers of overdue debriefings, once a day each.

    Each reminder reaches the inbox and, by each person's preference, e-mail; run by the task queue.

    The overdue debriefings also stand out on the officer's queue and home panel.

    The reminder carries the record's number only: never a name or a detail of the case.
    """
    now = now or timezone.now()
    quiet = now - timedelta(hours=24)
    overdue = Referral.objects.filter(state=Referral.State.SENT, due_at__lt=now).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=quiet)
    )
    count = 0
    for referral in overdue.select_for_update():
        referral.reminded_at = now
        referral.save(update_fields=["reminded_at"])
        audit.record(actor=None, actor_label="system", action="screening.referral.remind", target=referral)
        notices.referral_overdue(referral=referral)
        logger.info("referral %s is overdue; provider reminded", referral.pk)
        count += 1
    late = Debriefing.objects.filter(
        state__in=[Debriefing.State.ASSIGNED, Debriefing.State.RETURNED], due_at__lt=now
    ).filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=quiet))
    for debriefing in late.select_for_update():
        debriefing.reminded_at = now
        debriefing.save(update_fields=["reminded_at"])
        audit.record(
            actor=None, actor_label="system", action="screening.debriefing.remind", target=debriefing
        )
        notices.debriefing_overdue(debriefing=debriefing)
        logger.info("debriefing %s is overdue; officer reminded", debriefing.pk)
        count += 1
    return count
