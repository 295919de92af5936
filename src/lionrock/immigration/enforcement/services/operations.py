"""Writes to operations and their premises: planning, changing the plan, execution, closing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lionrock.core.accounts import access
from lionrock.core.accounts.access import Actor
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.accounts.selectors import users_with_role
from lionrock.core.audit import services as audit
from lionrock.core.errors import ValidationFailed
from lionrock.core.workflow import Workflow
from lionrock.immigration.enforcement.addresses import address_normalise
from lionrock.immigration.enforcement.models import (
    Arrest,
    District,
    Operation,
    Premises,
    PremisesType,
)
from lionrock.immigration.enforcement.normalise import text_clean as _text

# --- Operations ----------------------------------------------------------------------------------------


def _require_operation_officer(actor: Actor, operation: Operation) -> None:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=operation.organisation_id)


def _officers_check(organisation: Organisation, users: Iterable[User]) -> None:
    officers = users_with_role(role=Role.ENFORCEMENT_OFFICER, organisation=organisation)
    allowed = set(officers.values_list("pk", flat=True))
    if any(user.pk not in allowed for user in users):
        raise ValidationFailed(
            _("The lead officer and the team must be enforcement officers of the department.")
        )


# Operations run from 2000 (the earliest reports the department keeps) and are planned at most two years
# ahead: a date outside is a typing slip (2062 for 2026), not a plan.
EARLIEST_OPERATION = date(2000, 1, 1)
PLANNING_HORIZON_DAYS = 730
CLOCK_TOLERANCE = timedelta(minutes=5)


def _planned_moment_check(moment: datetime, message: str) -> None:
    latest = timezone.localdate() + timedelta(days=PLANNING_HORIZON_DAYS)
    if not EARLIEST_OPERATION <= timezone.localtime(moment).date() <= latest:
        raise ValidationFailed(message)


@dataclass(frozen=True)
class _Plan:
    values: dict[str, object]
    team: list[User]


def _actual_moment_check(moment: datetime, *, future: str, past: str) -> None:
    if moment > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationFailed(future)
    if timezone.localtime(moment).date() < EARLIEST_OPERATION:
        raise ValidationFailed(past)


def _plan_clean(
    organisation: Organisation,
    *,
    codename: str,
    kind: str,
    planned_start: datetime,
    planned_end: datetime | None,
    lead_officer: User,
    team: Iterable[User],
    publicity: Iterable[str],
    notes: str,
) -> _Plan:
    """The checks a plan passes, on creation and on every change; the values as they are stored."""
    codename = _text(codename)
    if not codename or len(codename) > 60:
        raise ValidationFailed(_("Give the operation a codename of at most 60 characters."))
    if kind not in Operation.Kind.values:
        raise ValidationFailed(_("Choose a type of operation from the list."))
    _planned_moment_check(
        planned_start, _("The planned start must be between 1 January 2000 and two years from today.")
    )
    if planned_end is not None:
        _planned_moment_check(
            planned_end, _("The planned end must be between 1 January 2000 and two years from today.")
        )
        if planned_end < planned_start:
            raise ValidationFailed(_("The planned end cannot be before the planned start."))
    chosen_publicity = sorted(set(publicity))
    if any(item not in Operation.Publicity.values for item in chosen_publicity):
        raise ValidationFailed(_("Choose publicity actions from the list."))
    notes = _text(notes)
    if len(notes) > 4000:
        raise ValidationFailed(_("The notes are at most 4000 characters."))
    members = list(dict.fromkeys(team))
    _officers_check(organisation, [lead_officer, *members])
    values: dict[str, object] = {
        "codename": codename,
        "kind": kind,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "lead_officer": lead_officer,
        "publicity": chosen_publicity,
        "notes": notes,
    }
    return _Plan(values=values, team=members)


def operation_version(operation: Operation) -> str:
    """A digest of everything the edit pages change, carried by the form that shows them.

    An edit made from an older digest is refused, so that of two officers editing at once the second
    learns of the first instead of silently overwriting it. A digest rather than a counter: it needs no
    column, and it also notices changes made elsewhere (a status change, an arrest that set the actual
    start).
    """
    state = [
        operation.codename,
        operation.kind,
        operation.status,
        operation.planned_start,
        operation.planned_end,
        operation.actual_start,
        operation.actual_end,
        operation.lead_officer_id,
        sorted(user.pk for user in operation.team.all()),
        operation.publicity,
        operation.notes,
    ]
    text = json.dumps(state, default=lambda value: value.isoformat(), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


class OperationChanged(ValidationFailed):
    """The operation changed after the officer's form was shown; nothing was saved."""


def _operation_lock(operation: Operation, version: str | None) -> None:
    """Re-reads the operation under a row lock and refuses when it changed since the form was shown."""
    list(Operation.objects.select_for_update().filter(pk=operation.pk).values_list("pk", flat=True))
    operation.refresh_from_db()
    if version is not None and version != operation_version(operation):
        raise OperationChanged(
            _(
                "Someone else changed this operation after you opened it, so nothing was saved. "
                "The form now shows their changes: make yours again."
            )
        )


@transaction.atomic
def operation_create(
    *,
    actor: Actor,
    organisation: Organisation,
    codename: str,
    kind: str,
    planned_start: datetime,
    lead_officer: User,
    planned_end: datetime | None = None,
    team: Iterable[User] = (),
    publicity: Iterable[str] = (),
    notes: str = "",
) -> Operation:
    access.require(actor, Role.ENFORCEMENT_OFFICER, organisation=organisation)
    plan = _plan_clean(
        organisation,
        codename=codename,
        kind=kind,
        planned_start=planned_start,
        planned_end=planned_end,
        lead_officer=lead_officer,
        team=team,
        publicity=publicity,
        notes=notes,
    )
    operation = Operation.objects.create(organisation=organisation, **plan.values)
    operation.team.set(plan.team)
    audit.record(
        actor=actor,
        action="enforcement.operation.create",
        target=operation,
        changes={"codename": codename, "kind": kind, "lead_officer": lead_officer.pk},
    )
    return operation


@transaction.atomic
def operation_plan_update(
    *,
    actor: Actor,
    operation: Operation,
    codename: str,
    kind: str,
    planned_start: datetime,
    lead_officer: User,
    planned_end: datetime | None = None,
    team: Iterable[User] = (),
    publicity: Iterable[str] = (),
    notes: str = "",
    version: str | None = None,
) -> Operation:
    """Replaces the plan while the operation is still planned; once executed the plan is history.

    `version` is operation_version() as the officer saw it (None for callers with no form to go stale).
    """
    _require_operation_officer(actor, operation)
    _operation_lock(operation, version)
    if operation.status != Operation.Status.PLANNED:
        raise ValidationFailed(_("The plan can only be changed while the operation is planned."))
    plan = _plan_clean(
        operation.organisation,
        codename=codename,
        kind=kind,
        planned_start=planned_start,
        planned_end=planned_end,
        lead_officer=lead_officer,
        team=team,
        publicity=publicity,
        notes=notes,
    )
    changes: dict[str, object] = {}
    for name, value in plan.values.items():
        before = getattr(operation, name)
        if before != value:
            setattr(operation, name, value)
            changes[name] = value.pk if isinstance(value, User) else value
    team_before = sorted(user.pk for user in operation.team.all())
    team_after = sorted(user.pk for user in plan.team)
    if team_before != team_after:
        operation.team.set(plan.team)
        changes["team"] = team_after
    if not changes:
        return operation
    operation.save(update_fields=[name for name in changes if name != "team"])
    audit.record(actor=actor, action="enforcement.operation.update", target=operation, changes=changes)
    return operation


@transaction.atomic
def operation_record_update(
    *,
    actor: Actor,
    operation: Operation,
    actual_start: datetime,
    actual_end: datetime | None = None,
    notes: str = "",
    close: bool = False,
    version: str | None = None,
) -> Operation:
    """After execution: when it really started and ended, the notes, and closing it when the work is done.

    The actual times must cover every arrest recorded, since the statistics and the summary read them.
    """
    _require_operation_officer(actor, operation)
    _operation_lock(operation, version)
    if operation.status != Operation.Status.EXECUTED:
        raise ValidationFailed(_("Only the record of an executed operation can be changed."))
    _actual_moment_check(
        actual_start,
        future=_("The actual start cannot be in the future."),
        past=_("The actual start cannot be before 1 January 2000."),
    )
    if actual_end is not None:
        _actual_moment_check(
            actual_end,
            future=_("The actual end cannot be in the future."),
            past=_("The actual end cannot be before 1 January 2000."),
        )
    if actual_end is not None and actual_end < actual_start:
        raise ValidationFailed(_("The actual end cannot be before the actual start."))
    arrests = Arrest.objects.filter(operation=operation).order_by("arrested_at")
    first, last = arrests.first(), arrests.last()
    if first is not None and first.arrested_at < actual_start:
        raise ValidationFailed(
            _("The actual start cannot be after the first arrest, at %(time)s.")
            % {"time": timezone.localtime(first.arrested_at).strftime("%Y-%m-%d %H:%M")}
        )
    if last is not None and actual_end is not None and last.arrested_at > actual_end:
        raise ValidationFailed(
            _("The actual end cannot be before the last arrest, at %(time)s.")
            % {"time": timezone.localtime(last.arrested_at).strftime("%Y-%m-%d %H:%M")}
        )
    notes = _text(notes)
    if len(notes) > 4000:
        raise ValidationFailed(_("The notes are at most 4000 characters."))
    changes: dict[str, object] = {}
    for name, value in (("actual_start", actual_start), ("actual_end", actual_end), ("notes", notes)):
        if getattr(operation, name) != value:
            setattr(operation, name, value)
            changes[name] = value
    if changes:
        operation.save(update_fields=list(changes))
        audit.record(actor=actor, action="enforcement.operation.update", target=operation, changes=changes)
    if close:
        operation_status_set(actor=actor, operation=operation, status=Operation.Status.CLOSED)
    return operation


OPERATION_FLOW = Workflow(
    action="enforcement.operation.status",
    field="status",
    steps={
        Operation.Status.PLANNED: {Operation.Status.EXECUTED, Operation.Status.CLOSED},
        Operation.Status.EXECUTED: {Operation.Status.CLOSED},
        Operation.Status.CLOSED: set(),
    },
    refusal=gettext_lazy("An operation cannot go from %(before)s to %(after)s."),
)


def operation_statuses_next(operation: Operation) -> list[str]:
    """The statuses an operation may move to from the one it has, in the order of its life."""
    allowed = OPERATION_FLOW.allowed(operation.status)
    return [status.value for status in Operation.Status if status in allowed]


@transaction.atomic
def operation_status_set(
    *,
    actor: Actor,
    operation: Operation,
    status: str,
    actual_start: datetime | None = None,
    actual_end: datetime | None = None,
    before_planned_start_confirmed: bool = False,
    reason: str = "",
) -> Operation:
    """Planned -> executed (with the actual times) -> closed; a planned operation may also be called off.

    Each step is audited and kept in the operation's history with ``reason``. Executing before the
    planned start is usually a slip (the wrong operation, or the plan's date is wrong), so it needs the
    officer's confirmation, and the step's reason then says that it was early.
    """
    _require_operation_officer(actor, operation)
    OPERATION_FLOW.check(operation, status)
    if status == Operation.Status.EXECUTED:
        operation.actual_start = actual_start or operation.actual_start or timezone.now()
        operation.actual_end = actual_end
        if operation.actual_end and operation.actual_end < operation.actual_start:
            raise ValidationFailed(_("The actual end cannot be before the actual start."))
        if operation.actual_start < operation.planned_start:
            if not before_planned_start_confirmed:
                raise ValidationFailed(
                    _(
                        "Operation %(codename)s is planned to start at %(time)s. To record it as executed "
                        "before then, confirm that it started early."
                    )
                    % {
                        "codename": operation.codename,
                        "time": timezone.localtime(operation.planned_start).strftime("%Y-%m-%d %H:%M"),
                    }
                )
            early = _("Executed before its planned start")
            reason = f"{early}: {reason}" if reason.strip() else early
    OPERATION_FLOW.move(
        actor=actor, record=operation, to=status, reason=reason, update_fields=["actual_start", "actual_end"]
    )
    return operation


@transaction.atomic
def premises_add(
    *,
    actor: Actor,
    operation: Operation,
    address: str,
    district: str,
    premises_type: str,
    business_name: str = "",
    visited_at: datetime | None = None,
) -> Premises:
    _require_operation_officer(actor, operation)
    _require_not_closed(operation)
    values = _premises_clean(
        address=address,
        district=district,
        premises_type=premises_type,
        business_name=business_name,
        visited_at=visited_at,
    )
    premises = Premises.objects.create(operation=operation, **values)
    audit.record(
        actor=actor, action="enforcement.premises.add", target=premises, changes={"operation": operation.pk}
    )
    return premises


@transaction.atomic
def premises_update(
    *,
    actor: Actor,
    premises: Premises,
    address: str,
    district: str,
    premises_type: str,
    business_name: str = "",
    visited_at: datetime | None = None,
) -> Premises:
    """Corrects a place of the operation until it is closed; arrests made there stay attached to it."""
    operation = premises.operation
    _require_operation_officer(actor, operation)
    _require_not_closed(operation)
    values = _premises_clean(
        address=address,
        district=district,
        premises_type=premises_type,
        business_name=business_name,
        visited_at=visited_at,
    )
    changes = {name: value for name, value in values.items() if getattr(premises, name) != value}
    if not changes:
        return premises
    for name, value in changes.items():
        setattr(premises, name, value)
    premises.save(update_fields=list(changes))
    audit.record(
        actor=actor,
        action="enforcement.premises.update",
        target=premises,
        changes={"operation": operation.pk, **changes},
    )
    return premises


@transaction.atomic
def premises_remove(*, actor: Actor, premises: Premises) -> None:
    """Removes a place entered by mistake. Where arrests were made it stays: they would lose their place."""
    operation = premises.operation
    _require_operation_officer(actor, operation)
    _require_not_closed(operation)
    arrests = Arrest.objects.filter(premises=premises).count()
    if arrests:
        raise ValidationFailed(
            ngettext(
                "These premises cannot be removed: %(count)s arrest was recorded there.",
                "These premises cannot be removed: %(count)s arrests were recorded there.",
                arrests,
            )
            % {"count": arrests}
        )
    audit.record(
        actor=actor,
        action="enforcement.premises.remove",
        target=premises,
        changes={"operation": operation.pk, "address": premises.address},
    )
    premises.delete()


def _require_not_closed(operation: Operation) -> None:
    if operation.status == Operation.Status.CLOSED:
        raise ValidationFailed(_("This operation is closed."))


def _premises_clean(
    *, address: str, district: str, premises_type: str, business_name: str, visited_at: datetime | None
) -> dict[str, object]:
    address = _text(address)
    if not address or len(address) > 300:
        raise ValidationFailed(_("Give the address of the premises (at most 300 characters)."))
    if district not in District.values:
        raise ValidationFailed(_("Choose a district from the list."))
    if premises_type not in PremisesType.values:
        raise ValidationFailed(_("Choose a type of premises from the list."))
    business_name = _text(business_name)
    if len(business_name) > 200:
        raise ValidationFailed(_("The business name is at most 200 characters."))
    if visited_at is not None:
        _actual_moment_check(
            visited_at,
            future=_("The time of the visit cannot be in the future."),
            past=_("The time of the visit cannot be before 1 January 2000."),
        )
    return {
        "address": address,
        "district": district,
        "premises_type": premises_type,
        "business_name": business_name,
        "normalised_address": address_normalise(address),
        "visited_at": visited_at,
    }
