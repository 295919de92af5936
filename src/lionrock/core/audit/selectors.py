"""Reading the audit trail: filtered listings for admins, and verification of the chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.audit import chain
from lionrock.core.audit.models import AuditEntry


def audit_entries_visible(*, actor: Actor) -> QuerySet[AuditEntry]:
    """Platform admins read everything; organisation admins the entries of their organisations."""
    from lionrock.core.accounts.roles import Role

    if actor.is_platform_admin:
        return AuditEntry.objects.all()
    orgs = actor.organisations_with(Role.ORG_ADMIN)
    if not orgs:
        raise NotFound
    return AuditEntry.objects.filter(actor_organisation_id__in=orgs)


def audit_entries_filter(
    *,
    actor: Actor,
    action: str = "",
    actor_label: str = "",
    target_type: str = "",
    target_id: str = "",
    outcome: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    entries = audit_entries_visible(actor=actor)
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_label:
        entries = entries.filter(actor_label__icontains=actor_label)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if outcome == "problems":
        entries = entries.filter(outcome__in=[AuditEntry.Outcome.FAILURE, AuditEntry.Outcome.DENIED])
    elif outcome:
        entries = entries.filter(outcome=outcome)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-sequence")


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walks the chain in order and stops at the first entry that was changed, removed or inserted."""
    expected_prev = chain.GENESIS_HASH
    expected_sequence = 1
    checked = 0
    fields = ("pk", *chain.HASHED_FIELDS, "entry_hash")
    for row in AuditEntry.objects.order_by("sequence").values(*fields).iterator(chunk_size=batch_size):
        sequence = row["sequence"]
        if sequence != expected_sequence:
            return ChainReport(
                checked, expected_sequence, f"entry #{expected_sequence} is missing (next found: #{sequence})"
            )
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                checked, sequence, f"entry #{sequence} does not chain to entry #{sequence - 1}"
            )
        if chain.entry_hash(row) != row["entry_hash"]:
            return ChainReport(checked, sequence, f"entry #{sequence} was altered after it was written")
        expected_prev = row["entry_hash"]
        expected_sequence += 1
        checked += 1
    return ChainReport(checked)


def security_failures_recent(*, actor: Actor, hours: int = 24) -> int:
    """Denied or failed security events (sign-ins, tokens, CSRF) the actor may see, for the home page."""
    from datetime import timedelta

    from django.utils import timezone

    since = timezone.now() - timedelta(hours=hours)
    return audit_entries_visible(actor=actor).filter(at__gte=since, outcome__in=["denied", "failure"]).count()
