import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from lionrock.core.accounts import services as account_services
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import Tlp
from lionrock.cyber.monitoring.models import MatchRun, Sighting
from tests.core.accounts.factories import totp_device_make
from tests.cyber.intel.factories import community_make, indicator
from tests.cyber.monitoring.factories import operator_make, zeek_dns_log

pytestmark = pytest.mark.django_db


def browser(actor) -> Client:
    user = User.objects.get(pk=actor.user.pk)
    device = totp_device_make(user)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_an_operator_uploads_from_the_page_and_follows_the_run(django_capture_on_commit_callbacks):
    community = community_make()
    bad = indicator("page.example", tlp=Tlp.GREEN)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
    operator = operator_make(Organisation.objects.get(pk=community.direct_reader.primary_organisation_id))
    client = browser(operator)
    form_page = client.get(reverse("monitoring:runs"))
    assert form_page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:runs"),
            {
                "logs": [SimpleUploadedFile("dns.log", zeek_dns_log(["page.example"]))],
                "organisation": operator.primary_organisation_id,
                "collection": str(community.collection.pk),
                "tlp": Tlp.AMBER_STRICT,
            },
        )
    run = MatchRun.objects.get()
    assert response["Location"] == reverse("monitoring:run", args=[run.pk])
    progress = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in progress  # finished: the page stops polling
    assert "dns.log" in progress


def test_the_dashboard_shows_sighted_indicators_with_a_chart(django_capture_on_commit_callbacks):
    community = community_make()
    bad = indicator("dash.example", tlp=Tlp.GREEN, name="Dashboard C2")
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
    operator = operator_make(Organisation.objects.get(pk=community.direct_reader.primary_organisation_id))
    from tests.cyber.monitoring.test_services import run_upload

    run_upload(
        operator, community, [("dns.log", zeek_dns_log(["dash.example"]))], django_capture_on_commit_callbacks
    )
    page = browser(community.creator).get(reverse("monitoring:dashboard"))
    html = page.content.decode()
    assert "Dashboard C2" in html
    assert "<svg" in html and 'class="bar"' in html
    drill = browser(community.creator).get(reverse("monitoring:indicator", args=[bad["id"]]))
    assert drill.status_code == 200
    assert Sighting.objects.get().organisation.name_en in drill.content.decode()


def test_people_without_intelligence_roles_get_not_found():
    community = community_make()
    assert browser(community.no_intel_role).get(reverse("monitoring:dashboard")).status_code == 404
    assert browser(community.creator).get(reverse("monitoring:runs")).status_code == 404


def test_a_hidden_indicator_has_no_drill_down_page():
    community = community_make()
    secret = indicator("hidden.example", tlp=Tlp.RED)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[secret])
    url = reverse("monitoring:indicator", args=[secret["id"]])
    assert browser(community.direct_reader).get(url).status_code == 404


def _sightings_posted(tlp: str, django_capture_on_commit_callbacks):
    community = community_make()
    bad = indicator("api.example", tlp=Tlp.GREEN)
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
    operator = operator_make(Organisation.objects.get(pk=community.direct_reader.primary_organisation_id))
    _, secret = account_services.token_create(
        actor=operator,
        organisation=operator.primary_organisation_id,
        name="matcher",
        scopes=["monitoring:write", "intel:write", "intel:read"],
    )
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": "sighting--0f6c2b1a-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
        "created": "2026-11-20T00:00:00.000Z",
        "modified": "2026-11-20T00:00:00.000Z",
        "sighting_of_ref": bad["id"],
        "count": 3,
    }
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post(
            "/api/monitoring/sightings",
            {
                "collection": community.collection.alias,
                "tlp": tlp,
                "bundle": {"type": "bundle", "objects": [sighting]},
            },
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )


def test_the_api_accepts_sightings_from_the_command_line(django_capture_on_commit_callbacks):
    response = _sightings_posted("amber+strict", django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    assert response.json() == {"stored": 1}
    assert Sighting.objects.get().count == 3


def test_sightings_with_a_tlp_that_is_no_level_get_422_and_nothing_is_stored(
    django_capture_on_commit_callbacks,
):
    response = _sightings_posted("Ô.é<script>", django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert "is not a TLP level" in response.json()["detail"]
    assert not Sighting.objects.exists()


def _sightings_stored(community, count: int) -> None:
    """`count` indicators, each sighted once today by a stakeholder, as the analyst's dashboard shows them."""
    import uuid

    from django.utils import timezone

    from lionrock.cyber.monitoring import services as monitoring_services

    operator = operator_make(Organisation.objects.get(pk=community.direct_reader.primary_organisation_id))
    stamp = timezone.now().strftime("%Y-%m-%dT%H:%M:%S.000Z")
    objects = []
    for _ in range(count):
        bad = indicator(f"{uuid.uuid4().hex[:12]}.example", tlp=Tlp.GREEN)
        intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[bad])
        objects.append(
            {
                "type": "sighting",
                "spec_version": "2.1",
                "id": f"sighting--{uuid.uuid4()}",
                "created": stamp,
                "modified": stamp,
                "sighting_of_ref": bad["id"],
                "count": 3,
                "first_seen": stamp,
                "last_seen": stamp,
                "where_sighted_refs": ["identity--6b9e1f7e-1c1e-5b1a-9c55-2c6f0d1b7a10"],
            }
        )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):  # the dashboard rows are written after the commit
        monitoring_services.sightings_submit(
            actor=operator, collection=community.collection, bundle={"type": "bundle", "objects": objects}
        )


def test_the_dashboard_costs_the_same_queries_for_one_sighted_indicator_as_for_twenty():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = community_make()
    client = browser(community.creator)
    _sightings_stored(community, 1)
    client.get(reverse("monitoring:dashboard"))
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("monitoring:dashboard"))
    assert page.status_code == 200
    _sightings_stored(community, 19)
    with CaptureQueriesContext(connection) as twenty:
        page = client.get(reverse("monitoring:dashboard"))
    assert page.content.decode().count("/monitoring/indicators/indicator--") >= 20
    assert len(twenty.captured_queries) == len(one.captured_queries) <= 20


def test_the_dashboard_asks_once_which_collections_the_analyst_may_read():
    """Three charts and lists each filter by visibility; the collections behind it are looked up once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community = community_make()
    _sightings_stored(community, 2)
    client = browser(community.creator)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("monitoring:dashboard")).status_code == 200
    readable_lookups = [
        query["sql"]
        for query in queries.captured_queries
        # PostgreSQL's UNION opens with a parenthesis, SQLite's with SELECT
        if query["sql"].lstrip("(").startswith('SELECT "intel_collection"."id"') and "UNION" in query["sql"]
    ]
    assert len(readable_lookups) == 1  # readable, and which of them directly (AMBER+STRICT), in one
