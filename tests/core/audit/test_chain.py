import pytest
from django.db import connection

from lionrock.core.audit import services as audit
from lionrock.core.audit.models import AuditEntry
from lionrock.core.audit.selectors import audit_chain_verify
from tests.core.accounts.factories import actor_make

pytestmark = pytest.mark.django_db


def write_entries(count: int) -> None:
    actor = actor_make()
    for number in range(count):
        audit.record(actor=actor, action="test.write", target=("thing", number), changes={"n": number})


def raw_sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_each_entry_chains_to_the_one_before():
    write_entries(3)
    entries = list(AuditEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].entry_hash
    assert entries[2].prev_hash == entries[1].entry_hash
    report = audit_chain_verify()
    assert report.ok and report.checked == 3


def test_entries_cannot_be_edited_or_deleted_through_the_application():
    write_entries(1)
    entry = AuditEntry.objects.get()
    entry.action = "something.else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_a_row_changed_behind_the_applications_back_is_found():
    write_entries(5)
    raw_sql("UPDATE audit_auditentry SET actor_label = %s WHERE sequence = %s", ["mallory@example.org", 3])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == 3
    assert "altered" in report.reason


def test_a_deleted_row_is_found():
    write_entries(5)
    raw_sql("DELETE FROM audit_auditentry WHERE sequence = %s", [2])
    report = audit_chain_verify()
    assert report.broken_at == 2
    assert "missing" in report.reason


def test_a_row_rewritten_with_a_recomputed_hash_breaks_the_next_link():
    from lionrock.core.audit import chain

    write_entries(4)
    row = AuditEntry.objects.filter(sequence=2).values(*chain.HASHED_FIELDS).get()
    row["summary"] = "forged"
    raw_sql(
        "UPDATE audit_auditentry SET summary = %s, entry_hash = %s WHERE sequence = %s",
        ["forged", chain.entry_hash(row), 2],
    )
    report = audit_chain_verify()
    assert report.broken_at == 3


def test_changes_are_kept_as_a_digest_and_field_names_not_values():
    actor = actor_make()
    entry = audit.record(actor=actor, action="person.update", changes={"hkid": "A1234563", "name": "Chan"})
    assert entry.fields == ["hkid", "name"]
    assert "A1234563" not in str(AuditEntry.objects.filter(pk=entry.pk).values().get())


def test_reads_of_personal_data_are_recorded():
    actor = actor_make()
    audit.record_read(actor=actor, target_type="screening.record", target_ids=[7], purpose="debriefing")
    entry = AuditEntry.objects.get()
    assert entry.action == "screening.record.read"
    assert entry.target_id == "7"
