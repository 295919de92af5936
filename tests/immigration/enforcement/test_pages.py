import re

import pytest
from django.test import Client

from lionrock import demo
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import User
from lionrock.immigration.enforcement.models import Operation, Person, Report
from tests.immigration.enforcement.factories import client_signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(monkeypatch):
    monkeypatch.setenv("LIONROCK_DEMO_PASSWORD", "a demo password for tests")
    demo.demo_world_build(force=False, quiet=True)
    return client_signed_in(actor_for_user(User.objects.get(email="officer@lionrock.test")))


def _pages() -> list[str]:
    report = Report.objects.filter(channel="online").first()
    operation = Operation.objects.get(codename="Contribute")
    person = Person.objects.first()
    return [
        "/enforcement/reports/",
        "/enforcement/reports/new/",
        f"/enforcement/reports/{report.reference}/",
        "/enforcement/operations/",
        "/enforcement/operations/new/",
        f"/enforcement/operations/{operation.pk}/",
        f"/enforcement/persons/{person.pk}/",
        "/enforcement/screening-owed/",
        "/enforcement/offences/",
        "/enforcement/statistics/",
    ]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_officer_page_of_the_demo_renders_in_both_languages_without_inline_script_or_style(
    officer_client, language
):
    for url in _pages():
        response = officer_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), url


@pytest.mark.parametrize("url", ["/report/", "/report/status/", "/employer-check/"])
def test_the_public_pages_render_in_traditional_chinese(url):
    response = Client().get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 200 and 'lang="zh-Hant-HK"' in response.content.decode()
