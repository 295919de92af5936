"""The workflow mechanism: allowed steps, refusals, the audit entry and the history of each step."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from lionrock.core.accounts.models import Organisation
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.core.workflow import Workflow
from lionrock.core.workflow.models import Transition
from lionrock.core.workflow.selectors import transitions_for
from lionrock.core.workflow.services import transition_record
from tests.core.accounts.factories import OrganisationFactory, actor_make

pytestmark = pytest.mark.django_db

# Organisation.kind stands in for any record with a state field: the mechanism is the same for every model.
FLOW = Workflow(
    action="test.organisation.kind",
    field="kind",
    steps={
        Organisation.Kind.INFRASTRUCTURE: {Organisation.Kind.PUBLIC_BODY},
        Organisation.Kind.PUBLIC_BODY: set(),
    },
    refusal="cannot go from %(before)s to %(after)s",
)


def test_an_allowed_step_changes_the_state_and_keeps_who_when_and_why() -> None:
    actor = actor_make()
    record = OrganisationFactory(kind=Organisation.Kind.INFRASTRUCTURE)

    step = FLOW.move(actor=actor, record=record, to=Organisation.Kind.PUBLIC_BODY, reason="merged")

    record.refresh_from_db()
    assert record.kind == Organisation.Kind.PUBLIC_BODY
    history = list(transitions_for(record=record))
    assert [(h.from_state, h.to_state, h.reason, h.actor_label) for h in history] == [
        (Organisation.Kind.INFRASTRUCTURE, Organisation.Kind.PUBLIC_BODY, "merged", actor.user.email)
    ]
    entry = AuditEntry.objects.get(sequence=step.audit_sequence)
    assert entry.action == "test.organisation.kind"
    assert entry.target_id == str(record.pk)
    assert entry.fields == ["from", "kind", "reason"]


def test_a_step_not_in_the_table_is_refused_and_changes_nothing() -> None:
    actor = actor_make()
    record = OrganisationFactory(kind=Organisation.Kind.PUBLIC_BODY)
    entries = AuditEntry.objects.count()

    with pytest.raises(ValidationFailed, match="cannot go from"):
        FLOW.move(actor=actor, record=record, to=Organisation.Kind.INFRASTRUCTURE)

    record.refresh_from_db()
    assert record.kind == Organisation.Kind.PUBLIC_BODY
    assert AuditEntry.objects.count() == entries
    assert not Transition.objects.exists()


def test_a_final_state_allows_no_step() -> None:
    assert FLOW.allowed(Organisation.Kind.PUBLIC_BODY) == frozenset()
    assert FLOW.allowed("unknown") == frozenset()


def test_a_reason_given_for_the_audit_only_stays_out_of_the_history() -> None:
    record = OrganisationFactory()
    step = transition_record(
        actor=None,
        actor_label="system",
        record=record,
        field="kind",
        before="a",
        after="b",
        action="test.step",
        audit_changes={"reason": "a person's name"},
    )
    assert step.reason == ""
    assert step.actor_label == "system"
    assert AuditEntry.objects.get(sequence=step.audit_sequence).fields == ["from", "kind", "reason"]


def test_the_history_partial_shows_each_step_with_its_label() -> None:
    actor = actor_make()
    record = OrganisationFactory(kind=Organisation.Kind.INFRASTRUCTURE)
    FLOW.move(actor=actor, record=record, to=Organisation.Kind.PUBLIC_BODY, reason="merged")

    html = Template("{% load workflow %}{% transition_history record %}").render(Context({"record": record}))

    assert str(Organisation.Kind.PUBLIC_BODY.label) in html
    assert "merged" in html
    assert actor.user.email in html
