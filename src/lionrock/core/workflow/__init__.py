"""States, allowed transitions and their history, for any record that moves through steps.

Public face::

    from lionrock.core.workflow import Workflow

    OPERATION_FLOW = Workflow(
        action="enforcement.operation.status",   # the audit action of each step
        field="status",                           # the model field holding the state
        steps={"planned": {"executed", "closed"}, "executed": {"closed"}},
        refusal=_("An operation cannot go from %(before)s to %(after)s."),
    )
    OPERATION_FLOW.move(actor=actor, record=operation, to="executed", reason="...")

A step whose rule is not a plain table (a revocation from any open state) is kept with
``lionrock.core.workflow.services.transition_record``. Each step writes one audit entry and one history
row (who, when, from, to, why); the partial
``workflow/partials/history.html`` (template tag ``{% transition_history record %}``) shows the history on
the record's page. See docs/decisions/0002-workflow.md.
"""

from __future__ import annotations

from lionrock.core.workflow.machine import Workflow

__all__ = ["Workflow"]
