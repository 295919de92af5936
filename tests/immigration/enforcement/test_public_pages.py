"""The public pages: whose they are, how to call, where the logo leads, and errors said once at the top."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.test import Client

from tests.immigration.enforcement.factories import immigration_make

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/public/", "/report/", "/report/status/", "/employer-check/", "/employer-check/records/"]


def _brand(html: str) -> str:
    return re.search(r'<a class="brand"[^>]*>.*?</a>', html, re.S).group(0)


@pytest.mark.parametrize("url", ["/public/", "/report/", "/report/status/"])
def test_the_hotline_is_a_telephone_link(url):
    html = Client().get(url).content.decode()
    assert '<a href="tel:+85238615000">3861 5000</a>' in html


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_the_receiving_departments_name_and_the_logo_leads_to_the_public_start(url):
    html = Client().get(url).content.decode()
    brand = _brand(html)
    assert 'href="/public/"' in brand and "Immigration Department" in brand
    assert "/sign-in/" not in brand and 'href="/"' not in brand


def test_the_department_name_is_the_one_configured_in_each_language(settings):
    settings.LIONROCK_PUBLIC_DEPARTMENT_NAME = "Labour Department"
    settings.LIONROCK_PUBLIC_DEPARTMENT_NAME_ZH = "勞工處"
    assert "Labour Department" in _brand(Client().get("/report/").content.decode())
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hant").get("/report/").content.decode()
    assert "勞工處" in _brand(chinese)


def test_the_public_start_page_leads_to_each_public_service():
    html = Client().get("/public/").content.decode()
    assert 'href="/report/"' in html and 'href="/employer-check/"' in html
    assert 'href="/report/status/"' in html and "tel:+85238615000" in html


def test_staff_pages_keep_the_lionrock_logo_leading_home(client):
    html = client.get("/sign-in/").content.decode()
    assert "Lionrock" in _brand(html) and 'href="/public/"' not in _brand(html)


def _summary(html: str) -> str:
    html = html.split("<main", 1)[1]
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    assert html.index('class="error-summary"') < html.index("<form"), "the summary is not above the form"
    return match.group(0)


def test_a_public_report_with_errors_starts_with_a_summary_linking_each_field():
    immigration_make()
    html = Client().post("/report/", {}).content.decode()
    summary = _summary(html)
    assert 'role="alert"' in summary and 'aria-labelledby="error-summary-title"' in summary
    assert 'href="#id_category_0"' in summary and 'href="#id_description"' in summary
    assert 'href="#id_address"' in summary
    assert 'id="id_description"' in html and 'id="id_category_0"' in html


@pytest.mark.parametrize(
    ("method", "url", "data", "target"),
    [
        ("get", "/report/status/", {"reference": "x" * 40}, "#id_reference"),
        ("post", "/employer-check/", {"hkid": "", "zone": ""}, None),
        ("post", "/employer-check/records/", {"reference": "", "code": ""}, "#id_code"),
    ],
)
def test_every_public_form_with_errors_starts_with_a_summary(method, url, data, target):
    html = getattr(Client(), method)(url, data).content.decode()
    summary = _summary(html)
    if target:
        assert f'href="{target}"' in summary


def test_the_public_department_names_are_read_from_the_environment(tmp_path):
    environment = {
        **os.environ,
        "LIONROCK_DATA_DIR": str(tmp_path),
        "LIONROCK_PUBLIC_DEPARTMENT_NAME": "Labour Department",
        "LIONROCK_PUBLIC_DEPARTMENT_NAME_ZH": "勞工處",
    }
    script = (
        "import json; from lionrock.config import settings; print(json.dumps("
        "[settings.LIONROCK_PUBLIC_DEPARTMENT_NAME, settings.LIONROCK_PUBLIC_DEPARTMENT_NAME_ZH]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == ["Labour Department", "勞工處"]
