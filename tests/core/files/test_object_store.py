"""The same file store on an S3-compatible object store (LIONROCK_FILES_S3_BUCKET): stored, encrypted,
downloaded through the access check, resealed on key rotation, deleted with its row, orphans swept —
against a real S3 protocol server on loopback (moto's standalone server), nothing written to DATA_DIR."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lionrock.core.accounts.roles import Role
from lionrock.core.files import registry, store
from lionrock.core.files import services as files
from lionrock.core.files.models import Attachment
from tests.core.accounts.factories import OrganisationFactory, actor_make
from tests.core.files.test_files import EVIDENCE, PNG, _client

pytestmark = pytest.mark.django_db
BUCKET = "lionrock-evidence"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(settings, tmp_path, monkeypatch, s3_endpoint) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """A fresh bucket per test; credentials only in the environment, as boto3 reads them in production."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "lionrock-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "lionrock-test-secret")
    settings.DATA_DIR = tmp_path
    settings.LIONROCK_FILES_S3_BUCKET = BUCKET
    settings.LIONROCK_FILES_S3_ENDPOINT_URL = s3_endpoint
    settings.LIONROCK_FILES_S3_REGION = "ap-east-1"
    settings.LIONROCK_FILES_S3_PREFIX = "lionrock/"
    store._s3_client.cache_clear()
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="ap-east-1",
        aws_access_key_id="lionrock-test",
        aws_secret_access_key="lionrock-test-secret",
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-east-1"})
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    store._s3_client.cache_clear()


@pytest.fixture
def members_may_read() -> Iterator[None]:
    saved = dict(registry._CHECKS)
    registry.access_register("accounts.organisation", lambda actor, org: org.pk in actor.grants)
    yield
    registry._CHECKS.clear()
    registry._CHECKS.update(saved)


def _keys(bucket: Any) -> set[str]:
    return {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_an_encrypted_file_lives_in_the_bucket_as_ciphertext_and_downloads_whole(
    bucket, members_may_read, tmp_path
):
    owner = OrganisationFactory()
    actor = actor_make([Role.ORG_ADMIN], organisation=owner)
    [attachment] = files.attachments_add(
        actor=actor, owner=owner, files=[("scan.png", PNG)], policy=EVIDENCE, encrypt=True
    )

    key = f"lionrock/{attachment.area}/{attachment.stored_name}"
    assert _keys(bucket) == {key}
    stored = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert PNG not in stored and b"IHDR" not in stored
    assert not (tmp_path / "files").exists()
    response = _client(actor).get(f"/files/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Disposition"].startswith("attachment;")


def test_deleting_the_row_deletes_the_object_after_the_commit(bucket, django_capture_on_commit_callbacks):
    owner = OrganisationFactory()
    [attachment] = files.attachments_add(actor=None, owner=owner, files=[("a.png", PNG)], policy=EVIDENCE)
    with django_capture_on_commit_callbacks(execute=True):
        files.attachment_delete(actor=None, attachment=attachment)
        assert len(_keys(bucket)) == 1
    assert _keys(bucket) == set()
    with pytest.raises(FileNotFoundError):
        store.blob_read(attachment.area, attachment.stored_name)


def test_key_rotation_reseals_the_objects(bucket, settings):
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


def test_objects_no_row_names_are_swept_and_nothing_outside_the_prefix_is_touched(bucket):
    owner = OrganisationFactory()
    [kept] = files.attachments_add(actor=None, owner=owner, files=[("a.png", PNG)], policy=EVIDENCE)
    [gone] = files.attachments_add(actor=None, owner=owner, files=[("b.png", PNG)], policy=EVIDENCE)
    Attachment.objects.filter(pk=gone.pk).update(stored_name="0" * 32)  # as if its row had rolled back
    bucket.put_object(Bucket=BUCKET, Key="someone-else/readme.txt", Body=b"not ours")

    assert files.orphans_sweep(older_than_hours=1) == 0  # too young
    assert files.orphans_sweep(older_than_hours=-1) == 1
    assert _keys(bucket) == {f"lionrock/{files.AREA}/{kept.stored_name}", "someone-else/readme.txt"}


def test_a_name_the_store_did_not_make_never_reaches_the_bucket(bucket):
    for name in ("../../etc/passwd", "a" * 32 + "/x", "ABCDEF" * 6):
        with pytest.raises(ValueError):
            store.blob_read(files.AREA, name)


def test_a_file_the_platform_made_is_uploaded_in_parts_and_streamed_back(bucket, tmp_path):
    made = tmp_path / "team-logs.zip"
    made.write_bytes(b"PK\x03\x04" + b"x" * 9_000_000)  # over boto3's multipart threshold
    name = store.blob_adopt(files.AREA, made)
    assert not made.exists()
    assert f"lionrock/{files.AREA}/{name}" in _keys(bucket)
    handle = store.blob_open(files.AREA, name)
    first = handle.read(4)
    assert first == b"PK\x03\x04" and len(first + handle.read()) == 9_000_004
