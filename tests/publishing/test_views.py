# ruff: noqa: RUF001
"""The press officers' pages and the public's: drafting in the browser, the public page and feed at the
embargo time, in both languages, without signing in."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from lionrock.publishing import services
from lionrock.publishing.models import PressRelease
from tests.immigration.enforcement.factories import client_signed_in
from tests.publishing.factories import (
    EMPLOYER,
    hkt,
    operation_with_arrests_make,
    press_officer_make,
    release_make,
    workers,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 1, 15)


@pytest.fixture
def operation():  # type: ignore[no-untyped-def]
    return operation_with_arrests_make(day=DAY, people=[*workers(2), (EMPLOYER, "M", 45, ("s17i",))])


def _published(operation, *, release_at=None):  # type: ignore[no-untyped-def]
    drafter, approver = press_officer_make(), press_officer_make()
    release = release_make(drafter, operation, release_at=release_at or hkt(DAY))
    services.release_submit(actor=drafter, release=release)
    services.release_approve(actor=approver, release=release)
    return release


def test_a_press_officer_drafts_edits_and_submits_in_the_browser(operation) -> None:  # type: ignore[no-untyped-def]
    press = press_officer_make()
    client = client_signed_in(press)
    assert client.get("/publishing/new/").status_code == 200
    response = client.post(
        "/publishing/new/",
        {
            "source": f"operation:{operation.pk}",
            "release_at": "2026-01-15T20:30",
            "place_en": "",
            "place_zh": "",
        },
    )
    release = PressRelease.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publishing/releases/{release.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Three persons arrested during anti-illegal worker operation" in page
    assert f'href="/publishing/operations/{operation.pk}/source/#arrests"' in page
    edited = client.post(
        f"/publishing/releases/{release.pk}/edit/",
        {
            "title_en": "Three arrested in anti-illegal worker operation",
            "body_en": release.body_en,
            "title_zh": release.title_zh,
            "body_zh": release.body_zh,
            "release_at": "2026-01-15T20:30",
        },
    )
    assert edited.status_code == 302
    client.post(f"/publishing/releases/{release.pk}/action/", {"action": "submit"})
    release.refresh_from_db()
    assert (
        release.state == "submitted" and release.title_en == "Three arrested in anti-illegal worker operation"
    )
    own = client.post(f"/publishing/releases/{release.pk}/action/", {"action": "approve"}, follow=True)
    assert "never by its drafter" in own.content.decode()
    assert PressRelease.objects.get(pk=release.pk).state == "submitted"


def test_the_source_page_counts_rows_and_shows_no_name(operation) -> None:  # type: ignore[no-untyped-def]
    page = client_signed_in(press_officer_make()).get(f"/publishing/operations/{operation.pk}/source/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="role-illegal_worker"' in html and "s.17I" in html
    assert "CHAN Tai Man" not in html and "陳大文" not in html and "VNM" not in html


def test_the_public_page_and_feed_show_a_release_only_from_its_embargo_time(operation) -> None:  # type: ignore[no-untyped-def]
    release = _published(operation, release_at=timezone.now() + timedelta(hours=1))
    public = Client()
    assert release.reference not in public.get("/press/").content.decode()
    assert public.get(f"/press/{release.reference}/").status_code == 404
    assert release.reference not in public.get("/press/feed/en.atom").content.decode()
    release.versions.update(published_at=timezone.now() - timedelta(minutes=1))  # the embargo has passed
    assert "Three persons arrested" in public.get("/press/?lang=en").content.decode()
    assert release.title_zh in public.get("/press/?lang=zh-hant").content.decode()
    page = public.get(f"/press/{release.reference}/?lang=zh-hant").content.decode()
    assert '<article lang="zh-Hant-HK">' in page and "拘捕三人" in page
    feed = public.get("/press/feed/zh-hant.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "拘捕三人" in feed.content.decode() and 'xml:lang="zh-Hant-HK"' in feed.content.decode()
    assert "Three persons arrested" in public.get("/press/feed/en.atom").content.decode()


def test_a_correction_is_listed_on_the_public_page_with_what_changed(operation) -> None:  # type: ignore[no-untyped-def]
    release = _published(operation)
    drafter = press_officer_make()
    services.release_correction_start(actor=drafter, release=release)
    services.release_update(
        actor=drafter,
        release=release,
        title_en=release.title_en,
        title_zh=release.title_zh,
        body_en=release.body_en + "\n\nCorrected.",
        body_zh=release.body_zh,
        change_note_en="Adds a closing line.",
        change_note_zh="加上結語。",
    )
    services.release_submit(actor=drafter, release=release)
    services.release_approve(actor=press_officer_make(), release=release)
    page = Client().get(f"/press/{release.reference}/?lang=en").content.decode()
    assert "Corrected." in page and "Adds a closing line." in page and "Version 2" in page


def test_an_unknown_feed_language_is_not_found() -> None:
    assert Client().get("/press/feed/fr.atom").status_code == 404


def test_a_press_officer_records_a_meeting_with_a_quote_and_drafts_its_release() -> None:
    from tests.immigration.enforcement.factories import department_make

    policy_office = department_make("policy-office")
    press = press_officer_make(policy_office)
    client = client_signed_in(press)
    assert client.get("/publishing/meetings/new/").status_code == 200
    response = client.post(
        "/publishing/meetings/new/",
        {
            "organisation": str(policy_office.pk),
            "held_on": "2025-07-29",
            "name_en": "a special meeting with the Internet Infrastructure Liaison Group",
            "name_zh": "互聯網基建聯絡小組特別會議",
            "convened_by_en": "The Commissioner for Digital Policy",
            "convened_by_zh": "數字政策專員",
            "attendees_en": "members of the Group",
            "attendees_zh": "小組成員",
            "topics_en": "members discussed routing security.",
            "topics_zh": "與會者討論路由保安。",
            "speaker_en_1": "The Commissioner",
            "speaker_zh_1": "專員",
            "quote_en_1": "We share quickly.",
            "quote_zh_1": "我們迅速分享。",
        },
    )
    assert response.status_code == 302
    from lionrock.publishing.models import Meeting

    meeting = Meeting.objects.get()
    assert meeting.quotes == [
        {
            "speaker_en": "The Commissioner",
            "speaker_zh": "專員",
            "quote_en": "We share quickly.",
            "quote_zh": "我們迅速分享。",
        }
    ]
    release = services.release_draft_create(
        actor=press, meeting=meeting, release_at=hkt(date(2025, 7, 29), 19, 0)
    )
    assert (
        release.title_en
        == f"{policy_office.name_en} holds a special meeting with the Internet Infrastructure Liaison Group"
    )
    assert 'The Commissioner said, "We share quickly."' in release.body_en
    assert "專員表示：「我們迅速分享。」" in release.body_zh
    assert "today (July 29)" in release.body_en


def test_the_home_page_tells_a_press_officer_what_awaits_them(operation) -> None:  # type: ignore[no-untyped-def]
    drafter, approver = press_officer_make(), press_officer_make()
    assert "Operations not yet announced" in client_signed_in(approver).get("/").content.decode()
    release = release_make(drafter, operation, release_at=hkt(DAY))
    services.release_submit(actor=drafter, release=release)
    home = client_signed_in(approver).get("/").content.decode()
    assert "Releases awaiting your approval" in home and "Operations not yet announced" not in home
    assert "Releases awaiting your approval" not in client_signed_in(drafter).get("/").content.decode()


def test_a_template_saved_in_the_browser_becomes_the_next_version_and_a_bad_one_is_shown_its_error() -> None:
    from lionrock.publishing.models import ReleaseTemplate

    press = press_officer_make()
    client = client_signed_in(press)
    current = ReleaseTemplate.objects.get(kind="operation", language="en", organisation__isnull=True)
    page = client.get(f"/publishing/templates/{current.pk}/")
    assert page.status_code == 200 and "{persons_arrested}" in page.content.decode()
    import json

    form = {
        "title": current.title,
        "body": current.body + "\n\nThey came from {nationality}.",
        "phrases": json.dumps(current.phrases),
        "note": "Adds the nationality",
    }
    refused = client.post(f"/publishing/templates/{current.pk}/", form)
    assert refused.status_code == 200 and "Unknown placeholder {nationality}" in refused.content.decode()
    assert not ReleaseTemplate.objects.filter(organisation__isnull=False).exists()
    form["body"] = current.body.replace("mounted", "carried out")
    saved = client.post(f"/publishing/templates/{current.pk}/", form)
    assert saved.status_code == 302
    assert ReleaseTemplate.objects.get(organisation__isnull=False).version == 2
