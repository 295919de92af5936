"""Recording a step: one audit entry and one history row, in the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from lionrock.core.audit import services as audit
from lionrock.core.workflow.models import Transition

if TYPE_CHECKING:
    from lionrock.core.accounts.access import Actor


@transaction.atomic
def transition_record(
    *,
    actor: Actor | None,
    record: models.Model,
    field: str,
    before: str,
    after: str,
    action: str,
    reason: str = "",
    actor_label: str = "",
    audit_changes: dict[str, Any] | None = None,
) -> Transition:
    """Keeps one step of ``record`` (already saved in its new state) in the audit trail and its history.

    For steps whose rule is not a plain table (a revocation allowed from any open state, say); ordinary
    steps go through ``Workflow.move``, which checks the table and then calls this. ``actor`` is None for
    the system (a task), named by ``actor_label``.

    ``reason`` is kept in clear in the history, shown to everyone who may see the record: never put
    personal data in it. A reason that may hold personal data goes in ``audit_changes`` (only its digest
    is kept in the trail) and, if it must be read again, encrypted on the owning record.
    """
    reason = reason.strip()
    changes: dict[str, Any] = {field: after, "from": before}
    if reason:
        changes["reason"] = reason
    changes.update(audit_changes or {})
    entry = audit.record(
        actor=actor, actor_label=actor_label or "system", action=action, target=record, changes=changes
    )
    user = actor.user if actor else None
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        field=field,
        from_state=before,
        to_state=after,
        at=entry.at,
        actor_user=user,
        actor_label=(user.email if user else actor_label or "system")[:254],
        reason=reason,
        audit_sequence=entry.sequence,
    )
