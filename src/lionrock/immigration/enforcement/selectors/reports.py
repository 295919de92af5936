"""Public reports of illegal employment: the queue, a report, its history and attachments."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.models import (
    Report,
    ReportAttachment,
    ReportEvent,
)
from lionrock.immigration.enforcement.normalise import (
    reference_normalise,
)

# --- Reports -------------------------------------------------------------------------------------------


def reporting_organisation() -> Organisation | None:
    """The department whose queue receives the public form's reports."""
    slug = settings.LIONROCK_REPORTS_ORGANISATION
    return Organisation.objects.filter(slug=slug, is_active=True).first()


def report_public_status(*, reference: str) -> Report | None:
    """For the public status page: the reference's report, loaded with only what that page shows."""
    normalised = reference_normalise(reference)
    if not normalised:
        return None
    return Report.objects.filter(reference=normalised).only("reference", "status", "received_at").first()


def reports_visible(*, actor: Actor) -> QuerySet[Report]:
    """The reports of the departments where the actor is an enforcement officer; the only door to them."""
    organisations = actor.organisations_with(Role.ENFORCEMENT_OFFICER)
    if actor.user is None or not organisations:
        raise NotFound
    return Report.objects.filter(organisation_id__in=organisations)


def reports_queue(
    *,
    actor: Actor,
    status: str = "open",
    priority: int | None = None,
    channel: str = "",
    assigned: str = "",
    query: str = "",
) -> QuerySet[Report]:
    """The triage queue: open reports by priority then age; filters as the queue page offers them."""
    reports = reports_visible(actor=actor).select_related("assignee")
    if status == "open":
        reports = reports.exclude(status=Report.Status.CLOSED)
    elif status:
        reports = reports.filter(status=status)
    if priority:
        reports = reports.filter(priority=priority)
    if channel:
        reports = reports.filter(channel=channel)
    if assigned == "me":
        reports = reports.filter(assignee=actor.user)
    elif assigned == "nobody":
        reports = reports.filter(assignee__isnull=True)
    if query:
        reference = reference_normalise(query)
        reports = reports.filter(
            Q(reference=reference)
            | Q(address__icontains=query)
            | Q(business_name__icontains=query)
            | Q(description__icontains=query)
        )
    return reports.order_by("-priority", "received_at")


def report_get(*, actor: Actor, reference: str) -> Report:
    report = (
        reports_visible(actor=actor)
        .select_related("assignee", "duplicate_of", "logged_by", "organisation")
        .filter(reference=reference)
        .first()
    )
    if report is None:
        raise NotFound(reference)
    return report


def report_history(*, actor: Actor, report: Report) -> QuerySet[ReportEvent]:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=report.organisation_id)
    return report.events.select_related("actor").order_by("at", "pk")


def report_duplicate_candidates(*, actor: Actor, report: Report, limit: int = 10) -> list[Report]:
    """Other reports about the same premises or employer, by normalised address or business name."""
    match = Q()
    if report.normalised_address:
        match |= Q(normalised_address=report.normalised_address)
    if report.normalised_business:
        match |= Q(normalised_business=report.normalised_business)
    if not match:
        return []
    return list(
        reports_visible(actor=actor)
        .filter(organisation_id=report.organisation_id)
        .filter(match)
        .exclude(pk=report.pk)
        .order_by("-received_at")[:limit]
    )


@dataclass(frozen=True)
class ReporterContact:
    name: str
    contact: str


def report_contact_reveal(*, actor: Actor, report: Report, purpose: str = "") -> ReporterContact:
    """The reporter's name and contact, decrypted for an officer; the read is audited."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=report.organisation_id)
    audit.record_read(
        actor=actor,
        target_type="enforcement.report.reporter",
        target_ids=[report.pk],
        purpose=purpose or "triage",
    )
    return ReporterContact(name=report.reporter_name, contact=report.reporter_contact)


def report_attachment_get(*, actor: Actor, report: Report, attachment_id: int) -> ReportAttachment:
    """One attachment for an officer to download; the read is audited."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=report.organisation_id)
    attachment = report.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound
    audit.record_read(
        actor=actor,
        target_type="enforcement.reportattachment",
        target_ids=[attachment.pk],
        purpose="download",
    )
    return attachment


def enforcement_officers(*, actor: Actor, organisation_id: int) -> QuerySet[User]:
    """Whom a report of that department can be assigned to."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=organisation_id)
    organisation = Organisation.objects.get(pk=organisation_id)
    return users_with_role(role=Role.ENFORCEMENT_OFFICER, organisation=organisation).order_by("full_name")


def reports_attention_counts(*, actor: Actor) -> dict[str, int]:
    """For the home page: new reports waiting for triage, and open reports assigned to the actor."""
    try:
        reports = reports_visible(actor=actor)
    except NotFound:
        return {"new": 0, "mine": 0}
    return {
        "new": reports.filter(status=Report.Status.NEW).count(),
        "mine": reports.exclude(status=Report.Status.CLOSED).filter(assignee=actor.user).count(),
    }
