# ruff: noqa: RUF001, E501
"""The demo tells the seed's story: Operation Contribute and the liaison group meeting, as announced."""

from __future__ import annotations

import pytest

from lionrock import demo
from lionrock.publishing.models import PressRelease, ReleaseVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)


def test_the_contribute_release_states_every_fact_the_department_announced(world) -> None:  # type: ignore[no-untyped-def]
    version = ReleaseVersion.objects.get(release__operation__codename="Contribute")
    en, zh = version.body_en, version.body_zh
    assert version.title_en == "Seven persons arrested during anti-illegal worker operation"
    for fact in (
        'codenamed "Contribute" today (January 15)',
        "premises under renovation in a newly built public housing estate in Sheung Shui in the North District",
        "six suspected illegal workers and one suspected employer were arrested",
        "six men, aged 22 to 41",
        "one man, aged 45",
        'distributed leaflets "Don\'t Employ Illegal Workers" to the public from a promotional vehicle',
        "The investigation into the employers continues",
        "breach of a condition of stay is an offence under s.41",
        "a fine of $50,000 and two years' imprisonment",
        "a fine of $500,000 and 10 years' imprisonment (raised on August 1, 2021 from a fine of $350,000 and three years' imprisonment)",
        "Under s.17J, an employer must inspect a job seeker's identity card",
        "screened for trafficking in persons and forced labour",
        "3861 5000",
        "2824 1166",
        "anti_crime@immd.gov.hk",
        '"Online Reporting of Immigration Offences"',
        "Ends/Thursday, January 15, 2026\nIssued at HKT 20:30",
    ):
        assert fact in en, fact
    assert version.title_zh == "入境事務處打擊非法勞工拘捕七人"
    for fact in (
        "今日（一月十五日）",
        "搜查北區上水一個新落成公共屋邨內裝修中的單位",
        "六名懷疑非法勞工及一名懷疑僱主",
        "六男，年齡介乎22至41歲",
        "一男，45歲",
        "透過宣傳車向市民派發「切勿僱用非法勞工」宣傳單張",
        "罰款五萬元及監禁兩年",
        "罰款五十萬元及監禁十年（2021年8月1日起由罰款三十五萬元及監禁三年提高）",
        "第17J條",
        "3861 5000",
        "完\n\n2026年1月15日（星期四）\n香港時間20時30分",
    ):
        assert fact in zh, fact
    for personal in ("NGUYEN", "WONG Kwok Keung", "黃國強", "VNM", "宏達"):
        assert personal not in en + zh


def test_the_liaison_group_meeting_has_its_release_with_the_quote_as_entered(world) -> None:  # type: ignore[no-untyped-def]
    version = ReleaseVersion.objects.get(release__meeting__isnull=False)
    assert "Internet Infrastructure Liaison Group today (July 29)" in version.body_en
    assert 'The Commissioner for Digital Policy said, "Hong Kong' in version.body_en
    assert "Ends/Tuesday, July 29, 2025" in version.body_en
    assert "今日（七月二十九日）" in version.body_zh and "數字政策專員表示：「" in version.body_zh


def test_building_the_demo_again_adds_no_release(world) -> None:  # type: ignore[no-untyped-def]
    count = PressRelease.objects.count()
    assert count == 4  # Contribute, the liaison-group meeting, the Games watch and the Games drill
    demo.demo_world_build(force=False, quiet=True)
    assert PressRelease.objects.count() == count


def test_the_demo_summarises_the_national_games_watch_in_both_languages(world) -> None:  # type: ignore[no-untyped-def]
    version = ReleaseVersion.objects.get(release__event__slug="national-games-2025")
    assert "15th National Games" in version.title_en
    assert "from November 9 to 21" in version.body_en
    assert (
        "kept watch over the information systems the event relied on from November 2 to 23" in version.body_en
    )
    assert "第十五屆全國運動會" in version.title_zh
    assert "Ends/Monday, November 24, 2025" in version.body_en


def test_the_demo_announces_the_national_games_drill_once(world) -> None:  # type: ignore[no-untyped-def]
    from lionrock.publishing.demo import games_drill_release_build

    assert games_drill_release_build(quiet=True) == 0  # the demo world already did, after the drills
    version = ReleaseVersion.objects.get(release__exercise__name_en="National Games readiness drill 2025")
    assert '"National Games readiness drill 2025", today (October 28)' in version.body_en
    assert "DDoS on a major-event web site" in version.body_en
    assert "全國運動會應變演習2025" in version.body_zh
