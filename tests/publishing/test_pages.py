"""Every publishing page of the demo renders in both languages, without inline script or style."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lionrock import demo
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.publishing.models import Meeting, PressRelease, ReleaseTemplate
from tests.immigration.enforcement.factories import client_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def press_client(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    return client_signed_in(actor_for_user(User.objects.get(email="press.isd@lionrock.test")))


def _staff_pages() -> list[str]:
    release = PressRelease.objects.get(operation__codename="Contribute")
    return [
        "/",
        "/publishing/",
        "/publishing/?state=published",
        "/publishing/new/",
        f"/publishing/releases/{release.pk}/",
        f"/publishing/releases/{release.pk}/edit/",
        f"/publishing/operations/{release.operation_id}/source/",
        "/publishing/meetings/",
        "/publishing/meetings/new/",
        f"/publishing/meetings/{Meeting.objects.get().pk}/",
        "/publishing/templates/",
        f"/publishing/templates/{ReleaseTemplate.objects.first().pk}/",  # type: ignore[union-attr]
        f"/publishing/events/{PressRelease.objects.get(kind='event').event_id}/source/",
    ]


def _public_pages() -> list[str]:
    references = PressRelease.objects.values_list("reference", flat=True)
    return ["/press/", "/statistics/", *[f"/press/{reference}/" for reference in references]]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_press_page_of_the_demo_renders_in_both_languages_without_inline_script_or_style(
    press_client, language
) -> None:  # type: ignore[no-untyped-def]
    for url in _staff_pages() + _public_pages():
        response = press_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), url


def test_the_public_pages_need_no_sign_in_and_speak_traditional_chinese(press_client) -> None:  # type: ignore[no-untyped-def]
    for url in _public_pages():
        response = Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
        assert response.status_code == 200 and 'lang="zh-Hant-HK"' in response.content.decode(), url
