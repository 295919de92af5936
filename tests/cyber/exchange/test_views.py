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
