"""The core file store: checked by content, names neutralised, encrypted at rest when asked, downloaded
only through the owner's access check and never rendered, deleted with its row."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from lionrock.core.files import IMAGES, MB, PDF, TEXT, FilePolicy, name_neutralise, registry, store
from lionrock.core.files import services as files
from lionrock.core.files.models import Attachment
from tests.core.accounts.factories import OrganisationFactory, actor_make

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EVIDENCE = FilePolicy(kinds=IMAGES | PDF | TEXT, max_bytes=1 * MB, max_files=3)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Each test its own data directory, so files left by one never count in another."""
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def members_may_read() -> Iterator[None]:
    """Organisations' files may be read by their own members (a stand-in for a module's rule)."""
    saved = dict(registry._CHECKS)
    registry.access_register("accounts.organisation", lambda actor, org: org.pk in actor.grants)
    yield
    registry._CHECKS.clear()
    registry._CHECKS.update(saved)


def _client(actor) -> Client:  # type: ignore[no-untyped-def]
    from tests.immigration.enforcement.factories import client_signed_in

    return client_signed_in(actor)


def test_a_file_is_stored_encrypted_and_downloaded_whole_as_an_attachment_that_is_never_rendered(
    members_may_read,
):
    owner = OrganisationFactory()
    actor = actor_make([Role.ORG_ADMIN], organisation=owner)
    [attachment] = files.attachments_add(
        actor=actor, owner=owner, files=[("scan.png", PNG)], policy=EVIDENCE, encrypt=True
    )

    raw = store.blob_path(attachment.area, attachment.stored_name).read_bytes()
    assert PNG not in raw and b"IHDR" not in raw
    response = _client(actor).get(f"/files/{attachment.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEntry.objects.filter(action="files.attachment.add").exists()
    assert AuditEntry.objects.filter(action="files.attachment.read").exists()


def test_a_file_is_served_to_nobody_the_owners_check_refuses_nor_when_no_check_is_registered(
    members_may_read,
):
    owner = OrganisationFactory()
    [attachment] = files.attachments_add(
        actor=None, owner=owner, files=[("a.pdf", PDF_BYTES)], policy=EVIDENCE
    )

    assert _client(actor_make()).get(f"/files/{attachment.pk}/").status_code == 404
    registry._CHECKS.clear()
    member = _client(actor_make([Role.ORG_ADMIN], organisation=owner))
    assert member.get(f"/files/{attachment.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("page.png", b"<html><script>alert(1)</script></html>", "contains content"),
        ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "contains content"),
        ("doc.pdf", PDF_BYTES.replace(b"/Catalog", b"/Catalog /OpenAction 2 0 R"), "contains content"),
        ("cut.png", PNG[:-4], "accepted type"),
        ("big.txt", b"a" * (MB + 1), "larger than"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_file_is_judged_by_its_bytes_and_refused_with_a_reason(name, data, reason):
    with pytest.raises(ValidationFailed, match=reason):
        files.attachments_add(actor=None, owner=OrganisationFactory(), files=[(name, data)], policy=EVIDENCE)


def test_files_are_taken_all_or_none():
    owner = OrganisationFactory()
    with pytest.raises(ValidationFailed):
        files.attachments_add(
            actor=None, owner=owner, files=[("a.png", PNG), ("b.png", b"<script>")], policy=EVIDENCE
        )
    assert not Attachment.objects.exists()
    assert not store.directory(files.AREA).exists() or not any(store.directory(files.AREA).iterdir())
    with pytest.raises(ValidationFailed, match="at most 3"):
        files.attachments_add(actor=None, owner=owner, files=[("a.png", PNG)] * 4, policy=EVIDENCE)


def test_names_are_neutralised_and_carry_the_extension_of_their_real_type():
    assert name_neutralise("../../etc/passwd.png", "image/png") == "passwd.png"
    assert name_neutralise("C:\\Users\\x\\report.html", "application/pdf") == "report.html.pdf"
    assert name_neutralise("invoice\u202egnp.exe", "image/png") == "invoicegnp.exe.png"
    assert name_neutralise(".hidden", None) == "hidden"
    assert name_neutralise('a"b.txt', "text/plain") == "a'b.txt"


def test_deleting_an_attachment_removes_its_bytes_after_the_deletion_commits(
    django_capture_on_commit_callbacks,
):
    owner = OrganisationFactory()
    [attachment] = files.attachments_add(actor=None, owner=owner, files=[("a.png", PNG)], policy=EVIDENCE)
    path = store.blob_path(attachment.area, attachment.stored_name)
    with django_capture_on_commit_callbacks(execute=True):
        files.attachment_delete(actor=None, attachment=attachment)
        assert path.exists()  # not before the commit
    assert not path.exists()


def test_key_rotation_reseals_encrypted_files(settings):
    from lionrock.core.crypto.rotation import keys_rotate

    settings.LIONROCK_FIELD_KEY = "old-key-0123456789"
    owner = OrganisationFactory()
    [attachment] = files.attachments_add(
        actor=None, owner=owner, files=[("a.png", PNG)], policy=EVIDENCE, encrypt=True
    )
    settings.LIONROCK_FIELD_KEY = "new-key-9876543210"
    settings.LIONROCK_FIELD_KEYS_PREVIOUS = "old-key-0123456789"

    assert keys_rotate()["files"] == 1

    settings.LIONROCK_FIELD_KEYS_PREVIOUS = ""
    assert store.blob_read(attachment.area, attachment.stored_name, encrypted=True) == PNG


def test_bytes_no_row_names_are_swept_once_they_are_old():
    owner = OrganisationFactory()
    [kept] = files.attachments_add(actor=None, owner=owner, files=[("a.png", PNG)], policy=EVIDENCE)
    [gone] = files.attachments_add(actor=None, owner=owner, files=[("b.png", PNG)], policy=EVIDENCE)
    Attachment.objects.filter(pk=gone.pk).update(stored_name="0" * 32)  # as if its row had rolled back

    assert files.orphans_sweep(older_than_hours=1) == 0  # too young
    assert files.orphans_sweep(older_than_hours=-1) == 1

    assert store.blob_path(files.AREA, kept.stored_name).exists()
    assert not store.blob_path(files.AREA, gone.stored_name).exists()
    assert isinstance(owner, Organisation)


def test_a_file_the_platform_made_is_moved_into_the_store_and_streamed_whole_to_those_allowed(
    members_may_read, tmp_path
):
    import hashlib

    owner = OrganisationFactory()
    actor = actor_make([Role.ORG_ADMIN], organisation=owner)
    made = tmp_path / "made.zip"
    content = b"PK\x03\x04" + bytes(range(256)) * 4096  # an archive uploads may never carry
    made.write_bytes(content)

    attachment = files.attachment_add_made(
        actor=None, owner=owner, source=made, name="team-logs.zip", content_type="application/zip"
    )

    assert not made.exists()  # moved, not copied
    assert (attachment.size, attachment.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert AuditEntry.objects.filter(action="files.attachment.add", target_id=str(attachment.pk)).exists()
    response = _client(actor).get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/zip"
    assert _client(actor_make([Role.ORG_ADMIN])).get(f"/files/{attachment.pk}/").status_code == 404
