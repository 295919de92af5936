"""Writing to the audit trail. Every service calls record() inside its own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from lionrock.core.audit import chain
from lionrock.core.audit.models import AuditEntry

if TYPE_CHECKING:
    from lionrock.core.accounts.access import Actor

# An arbitrary constant naming the audit chain's PostgreSQL advisory lock.
_PG_CHAIN_LOCK = 0x4C494F4E


def _lock_chain() -> None:
    """Serialises appends so two writers never chain to the same predecessor.

    SQLite already serialises writers (transactions begin IMMEDIATE); PostgreSQL needs a lock held
    until the surrounding transaction commits.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_CHAIN_LOCK])


def _target_parts(target: models.Model | tuple[str, str | int] | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return target[0], str(target[1])
    return target._meta.label_lower, str(target.pk)


def record(
    *,
    actor: Actor | None,
    action: str,
    target: models.Model | tuple[str, str | int] | None = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
    outcome: str = AuditEntry.Outcome.SUCCESS,
    actor_label: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Appends one entry. `changes` is hashed, and only its field names are kept in clear."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-sequence").values("sequence", "entry_hash").first()
        user = actor.user if actor else None
        values: dict[str, Any] = {
            "sequence": (last["sequence"] + 1) if last else 1,
            "at": timezone.now(),
            "actor_user_id": user.pk if user else None,
            "actor_label": (user.email if user else actor_label)[:254],
            "actor_token_id": actor.token.pk if actor and actor.token else None,
            "actor_organisation_id": actor.primary_organisation_id if actor else None,
            "ip_address": (ip_address or (actor.ip_address if actor else None) or "")[:45],
            "action": action[:100],
            "outcome": str(outcome),
            "target_type": "",
            "target_id": "",
            "fields": sorted(changes) if changes else [],
            "summary": summary[:500],
            "changes_digest": chain.changes_digest(changes),
            "prev_hash": last["entry_hash"] if last else chain.GENESIS_HASH,
        }
        values["target_type"], values["target_id"] = _target_parts(target)
        values["target_id"] = values["target_id"][:100]
        values["entry_hash"] = chain.entry_hash(values)
        return AuditEntry.objects.create(**values)


def record_read(
    *, actor: Actor, target_type: str, target_ids: list[str | int], purpose: str = ""
) -> AuditEntry:
    """Reads of personal data leave the same trail as writes."""
    ids = [str(i) for i in target_ids]
    return record(
        actor=actor,
        action=f"{target_type}.read",
        target=(target_type, ids[0] if len(ids) == 1 else f"{len(ids)} records"),
        changes={"ids": ids, "purpose": purpose},
        summary=purpose,
    )
