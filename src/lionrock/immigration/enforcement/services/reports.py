"""Writes to reports: the public form, officers' logging and triage. One transaction, one audit row each."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import uploads
from lionrock.immigration.enforcement.addresses import address_normalise, business_name_normalise
from lionrock.immigration.enforcement.encryption import blind_index
from lionrock.immigration.enforcement.models import (
    District,
    Operation,
    PremisesType,
    Report,
    ReportAttachment,
    ReportEvent,
)
from lionrock.immigration.enforcement.normalise import text_clean

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
EARLIEST_OBSERVATION = date(2000, 1, 1)


class RateLimited(ValidationFailed):
    """Too many reports from one address in the last hour; nothing was stored."""


@dataclass(frozen=True)
class ReportDetails:
    """What a report says, from the public form or an officer's log of a call, fax or email."""

    category: str
    description: str
    address: str
    district: str = ""
    premises_type: str = ""
    business_name: str = ""
    people_involved: str = ""
    observed_on: date | None = None
    observed_time: time | None = None
    reporter_name: str = ""
    reporter_contact: str = ""
    language: str = ""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass
class _Limits:
    description: int = 5000
    address: int = 300
    business_name: int = 200
    people_involved: int = 2000
    reporter_name: int = 200
    reporter_contact: int = 200
    fields: tuple[str, ...] = field(
        default=(
            "description",
            "address",
            "business_name",
            "people_involved",
            "reporter_name",
            "reporter_contact",
        )
    )


LIMITS = _Limits()


def _details_clean(details: ReportDetails) -> dict[str, object]:
    values: dict[str, object] = {name: text_clean(str(getattr(details, name))) for name in LIMITS.fields}
    for name in LIMITS.fields:
        limit = getattr(LIMITS, name)
        if len(str(values[name])) > limit:
            raise ValidationFailed(
                _("%(field)s is longer than %(limit)s characters.")
                % {"field": name.replace("_", " ").capitalize(), "limit": limit}
            )
    if details.category not in Report.Category.values:
        raise ValidationFailed(_("Choose what you saw from the list."))
    if details.district and details.district not in District.values:
        raise ValidationFailed(_("Choose a district from the list."))
    if details.premises_type and details.premises_type not in PremisesType.values:
        raise ValidationFailed(_("Choose a type of premises from the list."))
    if not values["description"]:
        raise ValidationFailed(_("Describe what you saw."))
    if not values["address"]:
        raise ValidationFailed(_("Give the address where you saw it."))
    today = timezone.localdate()
    if details.observed_on is not None and not (EARLIEST_OBSERVATION <= details.observed_on <= today):
        raise ValidationFailed(_("The date seen must be between 1 January 2000 and today."))
    if details.observed_time is not None and details.observed_on is None:
        raise ValidationFailed(_("Give the date as well as the time."))
    values.update(
        category=details.category,
        district=details.district,
        premises_type=details.premises_type,
        observed_on=details.observed_on,
        observed_time=details.observed_time,
        language=details.language[:10],
        normalised_address=address_normalise(str(values["address"])),
        normalised_business=business_name_normalise(str(values["business_name"])),
    )
    return values


def _reference_new() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(10))
    return f"IR-{body[:5]}-{body[5:]}"


def _event(
    report: Report,
    kind: str,
    *,
    actor: Actor | None = None,
    detail: str = "",
    data: dict[str, object] | None = None,
) -> None:
    """A step in the report's history: the facts in `data` (rendered in each reader's language), and in
    `detail` only what an officer typed."""
    ReportEvent.objects.create(
        report=report, kind=kind, actor=actor.user if actor else None, detail=detail, data=data or {}
    )


def _uploads_check(files: list[Upload]) -> list[uploads.CheckedFile]:
    if len(files) > uploads.MAX_FILES:
        raise ValidationFailed(_("Attach at most %(count)s files.") % {"count": uploads.MAX_FILES})
    try:
        return [uploads.file_check(name=item.name, data=item.data) for item in files]
    except uploads.UploadRefused as exc:
        raise ValidationFailed(str(exc)) from exc


def _report_create(
    *,
    organisation: Organisation,
    channel: str,
    details: ReportDetails,
    received_at: datetime | None = None,
    logged_by: Actor | None = None,
    submission_key: str | None = None,
    submitter_digest: str = "",
) -> Report:
    values = _details_clean(details)
    report: Report | None = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    organisation=organisation,
                    reference=_reference_new(),
                    channel=channel,
                    received_at=received_at or timezone.now(),
                    logged_by=logged_by.user if logged_by else None,
                    submission_key=submission_key,
                    submitter_digest=submitter_digest,
                    **values,
                )
            break
        except IntegrityError:
            if submission_key and Report.objects.filter(submission_key=submission_key).exists():
                raise
            continue  # a reference collision; draw another
    if report is None:
        raise ValidationFailed(_("The report could not be stored. Please try again."))
    _event(report, ReportEvent.Kind.RECEIVED, actor=logged_by, data={"channel": channel})
    return report


def _attachments_store(report: Report, checked: list[uploads.CheckedFile]) -> None:
    """Writes the files last; an earlier refusal leaves nothing on disk, a failure removes what it wrote."""
    written: list[str] = []
    try:
        for item in checked:
            stored_name = uploads.file_store(item)
            written.append(stored_name)
            ReportAttachment.objects.create(
                report=report,
                stored_name=stored_name,
                original_name=item.name,
                content_type=item.content_type,
                size=len(item.data),
                sha256=item.sha256,
            )
    except BaseException:
        for stored_name in written:
            uploads.file_delete(stored_name)
        raise


def reports_per_hour_limit() -> int:
    return int(settings.LIONROCK_REPORTS_PER_ADDRESS_PER_HOUR)


@transaction.atomic
def report_submit(
    *,
    organisation: Organisation,
    details: ReportDetails,
    files: list[Upload],
    submitter_address: str,
    submission_key: str,
) -> Report:
    """A report from the public form. The same submission sent twice gives back the first report."""
    existing = Report.objects.filter(submission_key=submission_key).first() if submission_key else None
    if existing is not None:
        return existing
    digest = blind_index(f"submitter:{submitter_address}")
    since = timezone.now() - timedelta(hours=1)
    if (
        Report.objects.filter(submitter_digest=digest, received_at__gte=since).count()
        >= reports_per_hour_limit()
    ):
        logger.warning("report form rate limit reached")
        raise RateLimited(
            _(
                "Too many reports have been sent from your connection in the last hour. "
                "Please try again later."
            )
        )
    checked = _uploads_check(files)
    report = _report_create(
        organisation=organisation,
        channel=Report.Channel.ONLINE,
        details=details,
        submission_key=submission_key or None,
        submitter_digest=digest,
    )
    # The reporter's address is deliberately not written to the audit trail.
    audit.record(
        actor=None,
        actor_label="public",
        action="enforcement.report.submit",
        target=report,
        changes={"channel": report.channel, "attachments": len(checked), "anonymous": report.is_anonymous},
    )
    _attachments_store(report, checked)
    return report


@transaction.atomic
def report_log(
    *,
    actor: Actor,
    organisation: Organisation,
    channel: str,
    details: ReportDetails,
    received_at: datetime | None = None,
    files: list[Upload] | None = None,
) -> Report:
    """An officer records a report that came in by hotline, fax, email or in person."""
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=organisation)
    if channel not in Report.Channel.values or channel == Report.Channel.ONLINE:
        raise ValidationFailed(_("Choose the channel the report came in by."))
    if received_at is not None and received_at > timezone.now() + timedelta(minutes=5):
        raise ValidationFailed(_("The time received cannot be in the future."))
    checked = _uploads_check(files or [])
    report = _report_create(
        organisation=organisation,
        channel=channel,
        details=details,
        received_at=received_at,
        logged_by=actor,
    )
    audit.record(
        actor=actor,
        action="enforcement.report.log",
        target=report,
        changes={"channel": channel, "category": report.category, "anonymous": report.is_anonymous},
    )
    _attachments_store(report, checked)
    return report


def _require_officer(actor: Actor, report: Report) -> None:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=report.organisation_id)


def _require_open(report: Report) -> None:
    if report.status == Report.Status.CLOSED:
        raise ValidationFailed(_("This report is closed. Reopen it first."))


def _triaged(report: Report) -> None:
    if report.status == Report.Status.NEW:
        report.status = Report.Status.TRIAGED


@transaction.atomic
def report_assign(*, actor: Actor, report: Report, assignee: User | None) -> Report:
    """Gives the report to an enforcement officer of the same organisation (or to nobody)."""
    _require_officer(actor, report)
    _require_open(report)
    if assignee is not None:
        officers = users_with_role(role=Role.ENFORCEMENT_OFFICER, organisation=report.organisation)
        if not officers.filter(pk=assignee.pk).exists():
            raise ValidationFailed(
                _("Reports can only be assigned to enforcement officers of the department.")
            )
    if report.assignee_id == (assignee.pk if assignee else None):
        return report
    report.assignee = assignee
    _triaged(report)
    report.save(update_fields=["assignee", "status"])
    _event(
        report,
        ReportEvent.Kind.ASSIGNED,
        actor=actor,
        data={"assignee": assignee.pk if assignee else None, "name": assignee.full_name if assignee else ""},
    )
    audit.record(
        actor=actor,
        action="enforcement.report.assign",
        target=report,
        changes={"assignee": assignee.pk if assignee else None},
    )
    return report


@transaction.atomic
def report_prioritise(*, actor: Actor, report: Report, priority: int) -> Report:
    _require_officer(actor, report)
    _require_open(report)
    if priority not in Report.Priority.values:
        raise ValidationFailed(_("Choose a priority from the list."))
    if report.priority == priority and report.status != Report.Status.NEW:
        return report
    before = report.priority
    report.priority = priority
    _triaged(report)
    report.save(update_fields=["priority", "status"])
    _event(
        report,
        ReportEvent.Kind.PRIORITISED,
        actor=actor,
        data={"before": before, "after": priority},
    )
    audit.record(
        actor=actor, action="enforcement.report.prioritise", target=report, changes={"priority": priority}
    )
    return report


@transaction.atomic
def report_note_add(*, actor: Actor, report: Report, text: str) -> ReportEvent:
    _require_officer(actor, report)
    text = text_clean(text)
    if not text:
        raise ValidationFailed(_("Write the note first."))
    if len(text) > 4000:
        raise ValidationFailed(_("A note is at most 4000 characters."))
    event = ReportEvent.objects.create(
        report=report, kind=ReportEvent.Kind.NOTE, actor=actor.user, detail=text
    )
    audit.record(actor=actor, action="enforcement.report.note", target=report, changes={"note": text})
    return event


@transaction.atomic
def report_mark_duplicate(*, actor: Actor, report: Report, original: Report) -> Report:
    """Closes the report as a duplicate of another about the same premises or employer."""
    _require_officer(actor, report)
    _require_open(report)
    if original.organisation_id != report.organisation_id or original.pk == report.pk:
        raise ValidationFailed(_("Choose another report of the same department."))
    if original.duplicate_of_id is not None:
        original = original.duplicate_of  # type: ignore[assignment]
        if original.pk == report.pk:
            raise ValidationFailed(_("Choose another report of the same department."))
    report.duplicate_of = original
    report.status = Report.Status.CLOSED
    report.outcome = Report.Outcome.DUPLICATE
    report.closed_at = timezone.now()
    report.save(update_fields=["duplicate_of", "status", "outcome", "closed_at"])
    _event(report, ReportEvent.Kind.DUPLICATE, actor=actor, data={"original": original.reference})
    _event(
        original,
        ReportEvent.Kind.NOTE,
        actor=actor,
        data={"merged": report.reference},
    )
    audit.record(
        actor=actor, action="enforcement.report.duplicate", target=report, changes={"original": original.pk}
    )
    return report


@transaction.atomic
def report_close(*, actor: Actor, report: Report, outcome: str, note: str = "") -> Report:
    _require_officer(actor, report)
    _require_open(report)
    if outcome not in Report.Outcome.values or outcome == Report.Outcome.DUPLICATE:
        raise ValidationFailed(_("Choose an outcome from the list."))
    note = text_clean(note)
    if len(note) > 4000:
        raise ValidationFailed(_("A note is at most 4000 characters."))
    report.status = Report.Status.CLOSED
    report.outcome = outcome
    report.closed_at = timezone.now()
    report.save(update_fields=["status", "outcome", "closed_at"])
    _event(report, ReportEvent.Kind.CLOSED, actor=actor, detail=note, data={"outcome": outcome})
    audit.record(actor=actor, action="enforcement.report.close", target=report, changes={"outcome": outcome})
    return report


@transaction.atomic
def report_reopen(*, actor: Actor, report: Report) -> Report:
    _require_officer(actor, report)
    if report.status != Report.Status.CLOSED:
        raise ValidationFailed(_("This report is not closed."))
    report.status = Report.Status.TRIAGED
    report.outcome = ""
    report.duplicate_of = None
    report.closed_at = None
    report.save(update_fields=["status", "outcome", "duplicate_of", "closed_at"])
    _event(report, ReportEvent.Kind.REOPENED, actor=actor)
    audit.record(actor=actor, action="enforcement.report.reopen", target=report)
    return report


@transaction.atomic
def report_link_operation(*, actor: Actor, report: Report, operation: Operation) -> Report:
    """Ties a report to the operation that acts on it."""
    _require_officer(actor, report)
    _require_open(report)
    if operation.organisation_id != report.organisation_id:
        raise ValidationFailed(_("Choose an operation of the same department."))
    report.operation = operation
    report.status = Report.Status.LINKED
    report.save(update_fields=["operation", "status"])
    _event(report, ReportEvent.Kind.LINKED, actor=actor, data={"operation": operation.codename})
    audit.record(
        actor=actor, action="enforcement.report.link", target=report, changes={"operation": operation.pk}
    )
    return report


@transaction.atomic
def report_unlink_operation(*, actor: Actor, report: Report) -> Report:
    """Takes a report off an operation that has not yet been carried out, e.g. when it was linked to the
    wrong one. Once the operation has been executed the link is part of what happened and stays."""
    _require_officer(actor, report)
    _require_open(report)
    operation = report.operation
    if operation is None:
        raise ValidationFailed(_("This report is not linked to an operation."))
    if operation.status != Operation.Status.PLANNED:
        raise ValidationFailed(_("A report can only be unlinked from an operation that is still planned."))
    report.operation = None
    report.status = Report.Status.TRIAGED
    report.save(update_fields=["operation", "status"])
    _event(
        report,
        ReportEvent.Kind.NOTE,
        actor=actor,
        data={"unlinked": operation.codename},
    )
    audit.record(
        actor=actor, action="enforcement.report.unlink", target=report, changes={"operation": operation.pk}
    )
    return report


def report_retention_days() -> int:
    return int(settings.LIONROCK_REPORT_RETENTION_DAYS)


@transaction.atomic
def reports_retention_apply(*, now: datetime | None = None) -> int:
    """Removes the reporter's details and the attachments of reports closed longer than the retention period.

    The report itself (what was seen, where, the outcome and its history) stays for statistics.
    Returns how many reports were cleared.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=report_retention_days())
    due = list(
        Report.objects.filter(
            status=Report.Status.CLOSED, closed_at__lt=cutoff, personal_data_removed_at__isnull=True
        ).prefetch_related("attachments")
    )
    for report in due:
        stored = [attachment.stored_name for attachment in report.attachments.all()]
        report.attachments.all().delete()
        report.reporter_name = ""
        report.reporter_contact = ""
        report.people_involved = ""
        report.personal_data_removed_at = now
        report.save(
            update_fields=["reporter_name", "reporter_contact", "people_involved", "personal_data_removed_at"]
        )
        audit.record(
            actor=None,
            actor_label="retention",
            action="enforcement.report.retention",
            target=report,
            changes={"attachments": len(stored), "retention_days": report_retention_days()},
        )
        names = list(stored)
        transaction.on_commit(lambda names=names: _files_remove(names))  # type: ignore[misc]
    return len(due)


def _files_remove(names: list[str]) -> None:
    for name in names:
        uploads.file_delete(name)
