# ruff: noqa: RUF001
# (Chinese text uses full-width punctuation and wide characters.)
"""Releases drawn from a finished drill and from a major event, built here, in both languages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound, actor_for_user
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.core.errors import ValidationFailed
from lionrock.cyber.drills import services as drills
from lionrock.cyber.drills.models import Canary, Exercise
from lionrock.cyber.events import services as events
from lionrock.cyber.events.models import ReadinessEntry, ReadinessItem
from lionrock.cyber.incidents import services as incidents
from lionrock.cyber.incidents.models import Incident
from lionrock.publishing import selectors, services
from lionrock.publishing.models import SourceKind
from tests.core.accounts.factories import member_make
from tests.cyber.drills.factories import DrillWorld, exercise_make, world_make
from tests.cyber.events.factories import Stage, stage_make
from tests.cyber.incidents.factories import draft_make, regime_make
from tests.immigration.enforcement.factories import client_signed_in

pytestmark = pytest.mark.django_db


def press_officer_make(organisation: Organisation | None = None) -> Actor:
    return actor_for_user(member_make([Role.PRESS_OFFICER], organisation=organisation).user)


def _finished_drill() -> tuple[DrillWorld, Exercise]:
    world = world_make()
    Organisation.objects.filter(pk=world.team_a.pk).update(sector=Organisation.Sector.TELECOMS)
    Organisation.objects.filter(pk=world.team_b.pk).update(sector=Organisation.Sector.DOMAIN_REGISTRY)
    exercise = exercise_make(world, lines_per_team=100)
    # Run earlier today in Hong Kong, however soon after midnight: the release says "today".
    now = timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time()))
    start = max(now - timedelta(hours=3), midnight)
    drills.exercise_start(actor=world.planner, exercise=exercise, now=start)
    drills.exercise_end(actor=world.planner, exercise=exercise, now=start + (now - start) * 2 / 3)
    exercise.refresh_from_db()
    return world, exercise


def test_a_drill_release_states_the_drill_its_teams_sectors_scenario_and_capabilities_in_both_languages() -> (
    None
):
    world, exercise = _finished_drill()
    press = press_officer_make(world.office)
    release = services.release_draft_create(actor=press, exercise=exercise, release_at=timezone.now())
    assert release.kind == SourceKind.DRILL
    assert release.title_en == "Digital Policy Office conducts cybersecurity attack and defence drill"
    day = timezone.localdate()
    assert "conducted a large-scale cybersecurity attack and defence drill" in release.body_en
    assert f'"{exercise.name_en}", today (' in release.body_en
    assert "with two organisations taking part" in release.body_en
    assert "came from the following sectors: telecommunications and domain registry." in release.body_en
    assert '"Phishing and C2 beacon against a registry"' in release.body_en
    assert "ability to detect attacks, report incidents, share threat intelligence" in release.body_en
    assert release.body_en.endswith(
        f"{day.year}\nIssued at HKT {timezone.localtime(release.release_at):%H:%M}"
    )
    assert release.title_zh == "數字政策辦公室舉行網絡安全攻防演練"
    assert "今日（" in release.body_zh
    assert "共有兩個機構參與" in release.body_zh
    assert "「針對域名註冊機構的網絡釣魚及命令與控制信標」為情景" in release.body_zh
    assert "偵測攻擊、通報事故" in release.body_zh
    assert "參與機構來自電訊及域名註冊界別。" in release.body_zh
    assert release.body_zh.count("完") >= 1


def test_a_drill_release_names_no_team_score_or_planted_value() -> None:
    world, exercise = _finished_drill()
    release = services.release_draft_create(
        actor=press_officer_make(world.office), exercise=exercise, release_at=timezone.now()
    )
    text = release.body_en + release.body_zh + str(release.generated)
    for name in (world.team_a.name_en, world.team_b.name_en, world.team_a.name_zh, world.team_b.name_zh):
        assert name not in text
    values = list(Canary.objects.filter(exercise=exercise).values_list("value", flat=True))
    assert values
    assert not any(value in text for value in values)
    assert "score" not in release.body_en.lower()


def test_every_figure_of_a_drill_release_links_to_its_source_page_which_the_press_officer_can_open() -> None:
    world, exercise = _finished_drill()
    press = press_officer_make(world.office)
    release = services.release_draft_create(actor=press, exercise=exercise, release_at=timezone.now())
    sources = {row["placeholder"]: row["source"] for row in release.generated["en"]["sources"]}
    page = f"/publishing/drills/{exercise.pk}/source/"
    for name in ("drill", "drill_date", "organisations", "sectors", "scenario", "capabilities"):
        assert sources[name].startswith(page)
    response = client_signed_in(press).get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert exercise.name_en in html
    assert "Telecommunications and ISP" in html
    chinese = client_signed_in(press).get(page, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "資料來源" in chinese


def test_a_drill_that_has_not_ended_cannot_be_announced_and_is_not_offered() -> None:
    world = world_make()
    exercise = exercise_make(world, lines_per_team=100)
    press = press_officer_make(world.office)
    assert not selectors.exercises_for_release(actor=press).exists()
    with pytest.raises(ValidationFailed):
        services.release_draft_create(actor=press, exercise=exercise, release_at=timezone.now())


def test_a_press_officer_of_another_agency_cannot_read_or_announce_the_drill() -> None:
    _world, exercise = _finished_drill()
    other = press_officer_make()
    assert not selectors.exercises_for_release(actor=other).exists()
    with pytest.raises(NotFound):
        services.release_draft_create(actor=other, exercise=exercise, release_at=timezone.now())
    assert client_signed_in(other).get(f"/publishing/drills/{exercise.pk}/source/").status_code == 404


def _event_with_incidents() -> tuple[Stage, list[Incident]]:
    stage = stage_make()
    regime_make(stage.cert_org())
    reported = [
        incidents.incident_create(actor=stage.isp, draft=draft_make(title=f"DDoS {n}"), submit=True)
        for n in range(3)
    ]
    reported.append(
        incidents.incident_create(
            actor=stage.isp,
            draft=draft_make(title="Red one", tlp="red", recipients=[stage.cert.user.email]),
            submit=True,
        )
    )
    return stage, reported


def test_a_major_event_summary_counts_submitted_incidents_of_the_watch_period_in_both_languages() -> None:
    stage, _reported = _event_with_incidents()
    incidents.incident_create(actor=stage.isp, draft=draft_make(title="Draft"), submit=False)
    exercise_report = incidents.incident_create(actor=stage.isp, draft=draft_make(title="Drill"), submit=True)
    Incident.objects.filter(pk=exercise_report.pk).update(is_exercise=True)
    press = press_officer_make(stage.event.organiser)
    release = services.release_draft_create(actor=press, event=stage.event, release_at=timezone.now())
    assert release.kind == SourceKind.EVENT
    # Three AMBER and one RED: drafts and exercise reports are not counted, and a TLP:RED incident only
    # by readers named on it — never the press office's reading of the event.
    assert "During the watch period, three cybersecurity incidents were reported" in release.body_en
    assert "三宗網絡安全事故" in release.body_zh
    assert "15th National Games" in release.title_en
    assert "第十五屆全國運動會" in release.title_zh
    assert "and three organisations kept watch" in release.body_en
    for incident in Incident.objects.all():
        assert incident.title not in release.body_en


@override_settings(LIONROCK_STATISTICS_MIN_COUNT=5)
def test_a_small_incident_count_is_withheld_in_a_major_event_summary() -> None:
    stage, _reported = _event_with_incidents()
    release = services.release_draft_create(
        actor=press_officer_make(stage.event.organiser), event=stage.event, release_at=timezone.now()
    )
    assert "fewer than five cybersecurity incidents" in release.body_en
    assert "少於五宗網絡安全事故" in release.body_zh
    assert "four" not in release.body_en


def test_a_major_event_without_incidents_says_so_and_gives_the_readiness_work_done() -> None:
    stage = stage_make()
    item = ReadinessItem.objects.filter(version=stage.event.checklist_version).order_by("order").first()
    assert item is not None
    events.readiness_set(
        actor=stage.isp,
        event=stage.event,
        organisation=stage.isp_org,
        item=item,
        status=ReadinessEntry.Status.DONE,
        evidence="Tested with the scrubbing provider",
    )
    release = services.release_draft_create(
        actor=press_officer_make(stage.event.organiser), event=stage.event, release_at=timezone.now()
    )
    assert "No cybersecurity incident was reported during the watch period." in release.body_en
    assert "completed one of " in release.body_en
    assert item.title_en[1:] in release.body_en
    assert "監察期間沒有收到網絡安全事故報告。" in release.body_zh


def test_an_event_summary_is_drafted_and_submitted_through_the_same_pages() -> None:
    stage, _reported = _event_with_incidents()
    press = press_officer_make(stage.event.organiser)
    client = client_signed_in(press)
    page = client.get("/publishing/new/").content.decode()
    assert f"event:{stage.event.pk}" in page
    response = client.post(
        "/publishing/new/",
        {"source": f"event:{stage.event.pk}", "release_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    release = selectors.releases_visible(actor=press).get()
    assert release.event_id == stage.event.pk
    services.release_submit(actor=press, release=release)
    source = client.get(f"/publishing/events/{stage.event.pk}/source/")
    assert source.status_code == 200


def test_a_drill_release_is_drafted_through_the_api_and_an_outsider_finds_nothing() -> None:
    from django.test import Client

    from lionrock.core.accounts import services as account_services
    from lionrock.core.accounts.roles import Scope

    def bearer(actor: Actor) -> dict[str, str]:
        _token, secret = account_services.token_create(
            actor=actor,
            organisation=actor.primary_organisation_id,
            name="tool",
            scopes=[Scope.PUBLISHING_WRITE],
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    world, exercise = _finished_drill()
    payload = {"drill": exercise.pk, "release_at": timezone.now().isoformat()}
    outsider = Client().post(
        "/api/publishing/releases", payload, content_type="application/json", **bearer(press_officer_make())
    )
    assert outsider.status_code == 404
    created = Client().post(
        "/api/publishing/releases",
        payload,
        content_type="application/json",
        **bearer(press_officer_make(world.office)),
    )
    assert created.status_code == 201
    assert created.json()["kind"] == "drill"


def test_a_drill_template_that_asks_for_a_team_or_a_score_is_refused_with_the_placeholders_it_may_use() -> (
    None
):
    from lionrock.publishing.generator import template_validate

    with pytest.raises(ValidationFailed) as refused:
        template_validate(
            kind="drill",
            title="{agency} drill",
            body="{team} scored {score}.\n\n{end_block}",
            phrases={},
        )
    assert "Unknown placeholder {score}, {team}" in str(refused.value)
    assert "{capabilities}" in str(refused.value)


def test_the_days_of_a_drill_or_an_event_are_told_from_the_release_date_in_both_languages() -> None:
    from datetime import date

    from lionrock.publishing.wording import day_span

    release = date(2025, 11, 24)
    assert day_span(date(2025, 11, 9), date(2025, 11, 21), release, "en") == "from November 9 to 21"
    assert day_span(date(2025, 11, 9), date(2025, 11, 21), release, "zh-hant") == "十一月九日至二十一日"
    assert day_span(date(2025, 10, 30), date(2025, 11, 2), release, "en") == "from October 30 to November 2"
    assert day_span(date(2025, 11, 24), date(2025, 11, 24), release, "en") == "today (November 24)"
    assert (
        day_span(date(2025, 12, 30), date(2026, 1, 2), date(2026, 1, 5), "en")
        == "from December 30, 2025 to January 2, 2026"
    )
    assert day_span(date(2024, 11, 9), date(2024, 11, 21), release, "zh-hant") == "2024年十一月九日至二十一日"
