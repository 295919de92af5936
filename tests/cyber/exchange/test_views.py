import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lionrock.cyber.exchange.models import ImportRun
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.exchange.fixtures import bundle, indicator
from tests.cyber.intel.test_views import _every_field_labelled, _no_inline_script_or_style, client_for

pytestmark = pytest.mark.django_db


def _upload(client, community, data, name="list.txt", **extra):
    return client.post(
        reverse("exchange:home"),
        {
            "file": SimpleUploadedFile(name, data),
            "collection": community.collection.alias,
            "format": "auto",
            **extra,
        },
    )


def test_the_wizard_previews_flags_and_stores_only_after_confirmation(community):
    client = client_for(community.creator)
    response = _upload(client, community, b"8.8.8.8\nhxxp://evil[.]example/x\n")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "List of known IPv4 public DNS resolvers" in page
    assert "http://evil.example/x" in page
    assert not StixObject.objects.exists()
    client.post(response["Location"], {"action": "confirm"})
    assert StixObject.objects.filter(collection=community.collection).count() == 2
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE


def test_a_bad_file_is_shown_its_error_and_nothing_is_kept(community):
    client = client_for(community.creator)
    response = _upload(client, community, b'{"type": "bundle", "objects": [', name="b.json")
    assert response.status_code == 400
    assert "b.json: line 1, column" in response.content.decode()
    assert not ImportRun.objects.exists() and not StixObject.objects.exists()


def test_cancelling_a_draft_stores_nothing(community):
    client = client_for(community.creator)
    response = _upload(client, community, bundle(indicator("x.example")), name="b.json")
    client.post(response["Location"], {"action": "cancel"})
    assert ImportRun.objects.get().status == ImportRun.Status.CANCELLED
    assert not StixObject.objects.exists()


def test_an_export_downloads_as_an_attachment_and_honours_tlp(community):
    from lionrock.cyber.intel import services as intel

    intel.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[indicator("green.example", tlp=Tlp.GREEN), indicator("red.example", tlp=Tlp.RED)],
    )
    client = client_for(community.direct_reader)
    response = client.get(
        reverse("exchange:export"), {"collection": community.collection.alias, "format": "stix"}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = json.loads(b"".join(response.streaming_content))
    names = {obj["name"] for obj in body["objects"]}
    assert names == {"Known bad green.example"}


def test_the_pages_are_labelled_and_free_of_inline_script_and_style(community):
    client = client_for(community.creator)
    for url in (reverse("exchange:home"), reverse("exchange:feeds")):
        html = client.get(url).content.decode()
        _no_inline_script_or_style(html)
        _every_field_labelled(html)


def test_people_without_an_intel_role_do_not_find_the_pages(community):
    client = client_for(community.no_intel_role)
    assert client.get(reverse("exchange:home")).status_code == 404


def test_an_analyst_adds_a_feed_polls_it_now_and_pauses_it(community):
    from lionrock.cyber.exchange.models import Feed

    client = client_for(community.creator)
    response = client.post(
        reverse("exchange:feeds"),
        {
            "name": "Partner CERT",
            "url": "https://taxii.partner.example/api1/collections/abc/",
            "collection": community.collection.alias,
            "auth": "bearer",
            "secret_env": "LIONROCK_FEED_PARTNER_TOKEN",
            "interval_minutes": 30,
            "verify_tls": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    feed = Feed.objects.get()
    assert (feed.secret_env, feed.secret_sealed) == ("LIONROCK_FEED_PARTNER_TOKEN", "")
    page = client.get(response["Location"]).content.decode()
    assert "Partner CERT" in page and "LIONROCK_FEED_PARTNER_TOKEN" in page
    _no_inline_script_or_style(page)
    client.post(response["Location"], {"action": "pause"})
    feed.refresh_from_db()
    assert not feed.is_active


def test_a_feed_url_the_operator_does_not_allow_is_refused_beside_the_field(community, settings):
    from lionrock.cyber.exchange.models import Feed

    settings.LIONROCK_FEED_ALLOWED_HOSTS = ["taxii.partner.example"]
    response = client_for(community.creator).post(
        reverse("exchange:feeds"),
        {
            "name": "Somewhere else",
            "url": "https://taxii.elsewhere.example/api1/collections/abc/",
            "collection": community.collection.alias,
            "auth": "none",
            "interval_minutes": 30,
        },
    )
    assert response.status_code == 400 and not Feed.objects.exists()
    assert (
        "taxii.elsewhere.example is not among the TAXII servers" in response.context["form"].errors["url"][0]
    )


def test_resuming_a_feed_the_operator_no_longer_allows_says_why(community, settings):
    from lionrock.cyber.exchange import services

    feed = services.feed_create(
        actor=community.creator,
        collection=community.collection,
        name="Partner",
        url="https://taxii.partner.example/api1/collections/abc/",
    )
    services.feed_update(actor=community.creator, feed=feed, is_active=False)
    settings.LIONROCK_FEED_ALLOWED_HOSTS = []
    client = client_for(community.creator)
    response = client.post(reverse("exchange:feed", args=[feed.pk]), {"action": "resume"}, follow=True)
    assert "is not among the TAXII servers" in response.content.decode()
    feed.refresh_from_db()
    assert not feed.is_active


def test_a_stakeholder_cannot_add_feeds_to_a_collection_it_does_not_own(community):
    client = client_for(community.direct_reader)
    html = client.get(reverse("exchange:feeds")).content.decode()
    assert "Add a feed" not in html


def test_a_finished_import_page_shows_its_outcome(community):
    client = client_for(community.creator)
    response = _upload(client, community, b"evil.example\n")
    client.post(response["Location"], {"action": "confirm"})
    page = client.get(response["Location"]).content.decode()
    assert "1 new object version(s)" in page


def test_the_polls_table_refreshes_as_an_htmx_partial(community):
    from lionrock.cyber.exchange import services

    feed = services.feed_create(
        actor=community.creator, collection=community.collection, name="P", url="https://t.example/c/x/"
    )
    client = client_for(community.creator)
    partial = client.get(
        reverse("exchange:feed", args=[feed.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "<table>" in partial and "<html" not in partial
