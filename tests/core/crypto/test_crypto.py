"""One core module for encryption at rest: separate keyrings, and one rotation command for all of them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lionrock.core import crypto
from lionrock.core.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_fields_and_feeds_use_separate_keys_so_changing_one_secret_leaves_the_other_readable(settings):
    settings.LIONROCK_FIELD_KEY = "field-secret-0123456789"
    settings.LIONROCK_FEED_KEY = "feed-secret-0123456789"
    field = crypto.encrypt("A123456(3)")
    feed = crypto.encrypt("feed password", crypto.FEEDS)

    settings.SECRET_KEY = "a-new-secret-key-after-a-lost-backup-0123456789"

    assert crypto.decrypt(field) == "A123456(3)"
    assert crypto.decrypt(feed, crypto.FEEDS) == "feed password"
    with pytest.raises(ValueError):
        crypto.decrypt(feed)  # a feed secret does not open with the field keys


def test_without_dedicated_keys_losing_the_secret_key_loses_the_encrypted_data(settings):
    settings.LIONROCK_FIELD_KEY = ""
    sealed = crypto.encrypt("A123456(3)")
    assert not crypto.FIELDS.dedicated()
    settings.SECRET_KEY = "a-new-secret-key-after-a-lost-backup-0123456789"
    with pytest.raises(ValueError, match="could not be read"):
        crypto.decrypt(sealed)


def test_keys_rotate_reseals_feed_secrets_so_the_old_feed_key_can_be_dropped(settings):
    from lionrock.cyber.exchange import credentials
    from lionrock.cyber.exchange.models import Feed
    from lionrock.cyber.intel.models import Collection
    from tests.core.accounts.factories import OrganisationFactory, UserFactory

    settings.LIONROCK_FEED_KEY = "old-feed-key-0123456789"
    owner = OrganisationFactory()
    collection = Collection.objects.create(alias="feeds", title="Feeds", owner=owner)
    feed = Feed.objects.create(
        name="CERT feed",
        url="https://taxii.example/api/collections/x/",
        collection=collection,
        created_by=UserFactory(),
        auth="basic",
        username="lionrock",
        secret_sealed=credentials.seal("s3cret"),
    )
    settings.LIONROCK_FEED_KEY = "new-feed-key-9876543210"
    settings.LIONROCK_FEED_KEYS_PREVIOUS = "old-feed-key-0123456789"

    out = StringIO()
    call_command("keys_rotate", stdout=out)

    settings.LIONROCK_FEED_KEYS_PREVIOUS = ""
    feed.refresh_from_db()
    assert credentials.unseal(feed.secret_sealed) == "s3cret"
    assert "sealed: 1" in out.getvalue()
    assert AuditEntry.objects.filter(action="crypto.keys.rotate").exists()


def test_every_module_that_seals_values_itself_is_registered_for_rotation():
    assert crypto.sealed_columns() == {("exchange.Feed", "secret_sealed"): crypto.FEEDS}
    assert "document_indexes" in crypto.rotation_hooks()
