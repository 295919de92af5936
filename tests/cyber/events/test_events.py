import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.events import selectors, services
from lionrock.cyber.events.models import Asset, ReadinessEntry
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from tests.cyber.events.factories import stage_make
from tests.cyber.intel.factories import community_make, indicator
from tests.cyber.intel.test_views import client_for

pytestmark = pytest.mark.django_db

VIEWERS = ("organiser", "cert", "isp", "other_participant", "outsider", "no_role")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_event_is_seen_by_its_organisations_only(viewer):
    stage = stage_make()
    visible = selectors.events_visible(actor=getattr(stage, viewer)).filter(pk=stage.event.pk).exists()
    assert visible == (viewer in {"organiser", "cert", "isp", "other_participant"})


@pytest.mark.parametrize("viewer", VIEWERS)
def test_assets_are_seen_by_their_organisation_and_the_coordinators(viewer):
    stage = stage_make()
    service = services.service_register(
        actor=stage.isp, event=stage.event, organisation=stage.isp_org, name="Transit"
    )
    services.asset_add(actor=stage.isp, service=service, kind="ipv4", value="198.51.100.0/24")
    actor = getattr(stage, viewer)
    try:
        seen = selectors.event_assets(actor=actor, event=stage.event).count()
    except NotFound:
        seen = 0
    assert seen == (1 if viewer in {"organiser", "cert", "isp"} else 0)


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("domain", "Tickets.Example.HK.", "tickets.example.hk"),
        ("ipv6", "2001:DB8:10::/48", "2001:db8:10::/48"),
        ("asn", "as64500", "AS64500"),
    ],
)
def test_assets_are_stored_in_canonical_form(kind, value, stored):
    stage = stage_make()
    service = services.service_register(
        actor=stage.isp, event=stage.event, organisation=stage.isp_org, name="Web"
    )
    assert services.asset_add(actor=stage.isp, service=service, kind=kind, value=value).value == stored


def test_a_malformed_asset_is_refused_naming_the_value():
    stage = stage_make()
    service = services.service_register(
        actor=stage.isp, event=stage.event, organisation=stage.isp_org, name="Web"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.asset_add(actor=stage.isp, service=service, kind="ipv4", value="2001:db8::/32")
    assert caught.value.field == "value"
    assert not Asset.objects.exists()


def test_a_participant_cannot_register_assets_for_another_organisation():
    stage = stage_make()
    with pytest.raises(NotFound):
        services.service_register(
            actor=stage.other_participant, event=stage.event, organisation=stage.isp_org, name="X"
        )


def test_readiness_shows_what_is_late_and_who_confirmed_what_is_done():
    stage = stage_make()
    item = selectors.readiness_item_get(actor=stage.isp, event=stage.event, code="ddos-tested")
    services.readiness_set(
        actor=stage.isp,
        event=stage.event,
        organisation=stage.isp_org,
        item=item,
        status="done",
        evidence="Test 1 Nov",
    )
    rows = {
        row.organisation: row for row in selectors.readiness_rows(actor=stage.organiser, event=stage.event)
    }
    isp_row = rows[stage.isp_org]
    assert isp_row.done == 1 and isp_row.late == 5  # the event started yesterday: every other item is late
    entry = ReadinessEntry.objects.get()
    assert entry.confirmed_by == stage.isp.user
    assert [row.organisation for row in selectors.readiness_rows(actor=stage.isp, event=stage.event)] == [
        stage.isp_org
    ]
    sectors = {s.sector: s for s in selectors.readiness_by_sector(actor=stage.organiser, event=stage.event)}
    assert sectors["Telecommunications and ISP"].done == 1


def _sighting(indicator_id, when):
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "type": "sighting",
        "spec_version": "2.1",
        "id": f"sighting--{uuid.uuid4()}",
        "created": stamp,
        "modified": stamp,
        "sighting_of_ref": indicator_id,
        "count": 3,
        "first_seen": stamp,
        "last_seen": stamp,
        "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
    }


def test_the_situation_board_shows_sightings_of_indicators_on_registered_assets(
    django_capture_on_commit_callbacks,
):
    stage = stage_make()
    service = services.service_register(
        actor=stage.isp, event=stage.event, organisation=stage.isp_org, name="Transit"
    )
    services.asset_add(actor=stage.isp, service=service, kind="ipv4", value="198.51.100.0/24")
    community = community_make()
    on_asset = indicator(
        "x", pattern="[ipv4-addr:value = '198.51.100.7']", object_marking_refs=[MARKING_ID_FOR[Tlp.GREEN]]
    )
    elsewhere = indicator("unrelated.example", object_marking_refs=[MARKING_ID_FOR[Tlp.GREEN]])
    intel_services.objects_add(
        actor=community.creator, collection=community.collection, objects=[on_asset, elsewhere]
    )
    now = datetime.now(tz=UTC) - timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):  # sightings are recorded after the store commits
        intel_services.objects_add(
            actor=community.direct_reader,
            collection=community.collection,
            objects=[_sighting(on_asset["id"], now), _sighting(elsewhere["id"], now)],
        )
    board = selectors.situation_board(actor=stage.organiser, event=stage.event)
    assert [(row.indicator_id, row.reason) for row in board.sightings] == [(on_asset["id"], "asset")]
    with pytest.raises(NotFound):
        selectors.situation_board(actor=stage.isp, event=stage.event)


@pytest.mark.parametrize("chunk", [250, 1], ids=["one chunk", "a chunk per sighting"])
def test_the_situation_board_shows_only_what_the_reader_may_see_in_the_intel_store(
    django_capture_on_commit_callbacks, monkeypatch, chunk
):
    monkeypatch.setattr(selectors, "_CHUNK", chunk)  # a later chunk names its indicators apart
    stage = stage_make()
    service = services.service_register(
        actor=stage.isp, event=stage.event, organisation=stage.isp_org, name="Ticketing"
    )
    services.asset_add(actor=stage.isp, service=service, kind="ipv4", value="198.51.100.0/24")
    services.asset_add(actor=stage.isp, service=service, kind="domain", value="tickets.example")
    community = community_make()
    green = indicator(
        "x", pattern="[ipv4-addr:value = '198.51.100.7']", object_marking_refs=[MARKING_ID_FOR[Tlp.GREEN]]
    )
    amber = indicator(
        "y", pattern="[ipv4-addr:value = '198.51.100.9']", object_marking_refs=[MARKING_ID_FOR[Tlp.AMBER]]
    )
    amber_domain = indicator(
        "z",
        pattern="[domain-name:value = 'tickets.example']",
        object_marking_refs=[MARKING_ID_FOR[Tlp.AMBER]],
    )
    green_domain = indicator(
        "w",
        pattern="[domain-name:value = 'tickets.example']",
        object_marking_refs=[MARKING_ID_FOR[Tlp.GREEN]],
    )
    intel_services.objects_add(
        actor=community.creator,
        collection=community.collection,
        objects=[green, amber, amber_domain, green_domain],
    )
    now = datetime.now(tz=UTC) - timedelta(minutes=5)
    hidden_by_its_own_marking = {
        **_sighting(green["id"], now),
        "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
    }
    with django_capture_on_commit_callbacks(execute=True):
        intel_services.objects_add(
            actor=community.direct_reader,
            collection=community.collection,
            objects=[
                _sighting(green["id"], now),
                _sighting(amber["id"], now),  # GREEN itself, but it names an AMBER indicator
                hidden_by_its_own_marking,
            ],
        )

    organisers = selectors.situation_board(actor=stage.organiser, event=stage.event)
    assert [(row.indicator_id, row.indicator_name) for row in organisers.sightings] == [
        (green["id"], "Known bad x")
    ]
    assert [obj.stix_id for obj in organisers.indicators] == [green_domain["id"]]
    page = client_for(stage.organiser).get(f"/events/{stage.event.slug}/watch/board/").content.decode()
    assert green["id"] in page and green_domain["id"] in page
    assert amber["id"] not in page and amber_domain["id"] not in page

    # The community's own analyst, a coordinator of the event, sees all of it.
    services.participant_add(
        actor=stage.organiser, event=stage.event, organisation=community.collection.owner, coordinator=True
    )
    everything = selectors.situation_board(actor=community.creator, event=stage.event)
    assert sorted((row.indicator_id, row.indicator_name) for row in everything.sightings) == sorted(
        [(green["id"], "Known bad x"), (green["id"], "Known bad x"), (amber["id"], "Known bad y")]
    )
    assert {obj.stix_id for obj in everything.indicators} == {amber_domain["id"], green_domain["id"]}


def test_the_situation_board_lists_incidents_of_the_events_organisations():
    from lionrock.cyber.incidents import services as incident_services
    from tests.cyber.incidents.factories import draft_make, regime_make

    stage = stage_make()
    regime_make(stage.cert_org())
    incident_services.incident_create(actor=stage.isp, draft=draft_make())
    board = selectors.situation_board(actor=stage.cert, event=stage.event)
    assert len(board.incidents) == 1
    # The organiser is not the handling CERT and the incident was not shared with it.
    assert selectors.situation_board(actor=stage.organiser, event=stage.event).incidents == []


def test_the_situation_board_leaves_out_exercise_reports_of_the_events_organisations():
    from lionrock.cyber.incidents import services as incident_services
    from tests.cyber.incidents.factories import draft_make, drill_make, regime_make

    stage = stage_make()
    regime_make(stage.cert_org())
    drill = drill_make(teams=[stage.isp_org, stage.cert_org()])
    incident_services.incident_create(actor=stage.isp, draft=draft_make(), exercise=drill.exercise.pk)
    assert selectors.situation_board(actor=stage.cert, event=stage.event).incidents == []


def test_the_situation_board_costs_the_same_queries_however_many_sightings_and_incidents(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from lionrock.cyber.incidents import services as incident_services
    from tests.cyber.incidents.factories import draft_make, regime_make

    stage = stage_make()
    regime_make(stage.cert_org())
    service = services.service_register(
        actor=stage.isp, event=stage.event, organisation=stage.isp_org, name="Transit"
    )
    services.asset_add(actor=stage.isp, service=service, kind="ipv4", value="198.51.100.0/24")
    community = community_make()
    on_asset = indicator(
        "x", pattern="[ipv4-addr:value = '198.51.100.7']", object_marking_refs=[MARKING_ID_FOR[Tlp.GREEN]]
    )
    intel_services.objects_add(actor=community.creator, collection=community.collection, objects=[on_asset])

    def happen(times):
        for n in range(times):
            when = datetime.now(tz=UTC) - timedelta(minutes=5 + n)
            incident_services.incident_create(actor=stage.isp, draft=draft_make(title=f"Outage {n}"))
            with django_capture_on_commit_callbacks(execute=True):  # sightings are recorded after the commit
                intel_services.objects_add(
                    actor=community.direct_reader,
                    collection=community.collection,
                    objects=[_sighting(on_asset["id"], when)],
                )

    def board_read():
        return (
            selectors.situation_board(actor=stage.organiser, event=stage.event),
            selectors.situation_board(actor=stage.cert, event=stage.event),
        )

    board_page = client_for(stage.organiser)
    url = f"/events/{stage.event.slug}/watch/board/"
    happen(1)
    with CaptureQueriesContext(connection) as first:
        board_read()
    with CaptureQueriesContext(connection) as first_page:
        assert board_page.get(url).status_code == 200
    happen(6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        organisers, certs = board_read()
    assert len(organisers.sightings) == 7
    assert len(certs.incidents) == 7
    with django_assert_max_num_queries(len(first_page.captured_queries)):
        assert on_asset["id"] in board_page.get(url).content.decode()


def test_the_alert_level_is_set_by_the_policy_office_and_logged():
    stage = stage_make()
    services.alert_level_set(
        actor=stage.organiser, event=stage.event, level="elevated", note="Booter chatter"
    )
    assert "Booter chatter" in selectors.shift_log(actor=stage.cert, event=stage.event)[0].text
    with pytest.raises(NotFound):
        services.alert_level_set(actor=stage.isp, event=stage.event, level="severe")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_watch_pages_reports_and_the_api_are_for_coordinators_only(viewer):
    stage = stage_make()
    client = client_for(getattr(stage, viewer))
    day = timezone.localdate().isoformat()
    expected = 200 if viewer in {"organiser", "cert"} else 404
    for path in ("watch/", "watch/board/", f"sitrep/{day}/", "summary/", "summary.json"):
        assert client.get(f"/events/{stage.event.slug}/{path}").status_code == expected, path
    page = client.get(f"/events/{stage.event.slug}/")
    assert page.status_code == (200 if viewer in {"organiser", "cert", "isp", "other_participant"} else 404)


def test_the_readiness_page_takes_a_participants_update():
    stage = stage_make()
    client = client_for(stage.isp)
    response = client.post(
        f"/events/{stage.event.slug}/act/readiness/",
        {
            "organisation": stage.isp_org.pk,
            "item": "contacts-confirmed",
            "status": "done",
            "evidence": "Roster sent",
        },
    )
    assert response.status_code == 302
    assert ReadinessEntry.objects.get().status == "done"
    assert "Roster sent" in client.get(f"/events/{stage.event.slug}/readiness/").content.decode()


def test_participants_with_late_readiness_items_are_reminded_once_a_day():
    from lionrock.core.notifications.models import Notification

    stage = stage_make(start=timezone.localdate() + timedelta(days=3))
    assert services.readiness_reminders_send() == 4  # every participant, the organiser's own included
    assert services.readiness_reminders_send() == 0
    recipients = set(
        Notification.objects.filter(kind="events.readiness.late").values_list("recipient", flat=True)
    )
    assert stage.isp.user.pk in recipients and stage.outsider.user.pk not in recipients


def test_readiness_evidence_files_are_kept_and_served_to_coordinators_and_their_organisation():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lionrock.core.files.models import Attachment

    stage = stage_make()
    client_for(stage.isp).post(
        f"/events/{stage.event.slug}/act/readiness/",
        {
            "organisation": stage.isp_org.pk,
            "item": "ddos-tested",
            "status": "done",
            "evidence_files": [
                SimpleUploadedFile("scrubbing-test.txt", b"Scrubbing test passed at 40 Gbit/s\n")
            ],
        },
    )
    [attachment] = Attachment.objects.all()
    for viewer in VIEWERS:
        expected = 200 if viewer in {"organiser", "cert", "isp"} else 404
        assert client_for(getattr(stage, viewer)).get(f"/files/{attachment.pk}/").status_code == expected, (
            viewer
        )


def test_the_daily_situation_report_is_a_bilingual_pdf_for_the_coordinators(tmp_path):
    from tests.pdf_reading import pdf_renderer_require, pdf_text

    pdf_renderer_require()
    stage = stage_make()
    services.alert_level_set(
        actor=stage.organiser, event=stage.event, level="elevated", note="Booter chatter"
    )
    response = client_for(stage.cert).get(
        f"/events/{stage.event.slug}/sitrep/{timezone.localdate().isoformat()}/"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "15th National Games" in text and "第十五屆全國運動會" in text
    assert "Booter chatter" in text and "每日情況報告" in text


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_events_api_follows_the_same_rules(viewer):
    from django.test import Client

    from tests.cyber.incidents.test_api import bearer

    stage = stage_make()
    headers = bearer(getattr(stage, viewer), ("incidents:read",))
    listed = Client().get("/api/events/", headers=headers)
    slugs = [row["slug"] for row in listed.json()] if listed.status_code == 200 else []
    assert (stage.event.slug in slugs) == (viewer in {"organiser", "cert", "isp", "other_participant"})
    situation = Client().get(f"/api/events/{stage.event.slug}/situation", headers=headers)
    assert situation.status_code == (200 if viewer in {"organiser", "cert"} else 404)
