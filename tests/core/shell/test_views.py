import pytest
from django.test import Client
from django.urls import reverse

from lionrock.core.accounts.models import User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit import services as audit
from tests.core.accounts.factories import actor_make

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_task_queue():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["task_queue"]["ok"] is True


def test_health_is_503_when_the_task_queue_is_unreachable(monkeypatch, tmp_path):
    from huey import RedisHuey
    from huey.contrib import djhuey

    # A real Redis client aimed at a closed loopback port: the failure is genuine, not simulated.
    unreachable = RedisHuey("health-check", url="redis://127.0.0.1:1/0")
    monkeypatch.setattr(djhuey, "HUEY", unreachable)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["task_queue"]["ok"] is False


def test_every_page_carries_the_security_headers():
    response = Client().get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_load_no_asset_from_another_host():
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page


def test_session_cookies_are_http_only_and_secure_behind_tls(settings, signed_in):
    settings.SESSION_COOKIE_SECURE = True
    from lionrock.core.accounts.models import User as UserModel

    user = UserModel.objects.create_user("tls@example.org", "correct horse battery staple", full_name="T")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": "correct horse battery staple"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"]


def test_home_shows_each_role_its_own_panels(signed_in):
    admin = signed_in([Role.PLATFORM_ADMIN])
    analyst = signed_in([Role.INTEL_ANALYST])
    admin_titles = [str(p.title) for p in admin.get(reverse("shell:home")).context["panels"]]
    analyst_titles = [str(p.title) for p in analyst.get(reverse("shell:home")).context["panels"]]
    assert "Platform" in admin_titles and "Your organisation" in admin_titles
    assert "Platform" not in analyst_titles and "Your account" in analyst_titles


def test_navigation_shows_only_the_modules_a_user_may_open(signed_in):
    admin = signed_in([Role.PLATFORM_ADMIN]).get(reverse("shell:home")).content.decode()
    officer = signed_in([Role.ENFORCEMENT_OFFICER]).get(reverse("shell:home")).content.decode()
    assert reverse("audit:entries") in admin
    assert reverse("audit:entries") not in officer


def test_a_user_without_roles_gets_a_friendly_home_page(signed_in):
    page = signed_in([]).get(reverse("shell:home")).content.decode()
    assert "has no roles yet" in page


def test_the_language_choice_sticks_to_the_account(signed_in):
    client = signed_in([Role.INTEL_ANALYST])
    response = client.post(reverse("shell:set_language"), {"language": "zh-hant", "next": "/"})
    assert response.cookies["django_language"].value == "zh-hant"
    assert User.objects.get(pk=client.user.pk).preferred_language == "zh-hant"
    assert 'lang="zh-Hant-HK"' in client.get(reverse("shell:home")).content.decode()


def test_unknown_pages_get_a_friendly_404(signed_in):
    response = signed_in([Role.INTEL_ANALYST]).get("/no/such/page/")
    assert response.status_code == 404


class TestAuditPage:
    def test_platform_admins_filter_the_trail(self, signed_in):
        client = signed_in([Role.PLATFORM_ADMIN])
        actor = actor_make([Role.INTEL_ANALYST])
        audit.record(actor=actor, action="intel.indicator.create", target=("indicator", "x"))
        audit.record(actor=actor, action="accounts.sign_in", outcome="failure")
        page = client.get(reverse("audit:entries"), {"action": "intel."})
        actions = [entry.action for entry in page.context["page"]]
        assert actions == ["intel.indicator.create"]

    def test_an_organisation_admin_sees_only_entries_of_their_organisation(self, signed_in):
        client = signed_in([Role.ORG_ADMIN])
        audit.record(actor=actor_make([Role.INTEL_ANALYST]), action="elsewhere.write")
        page = client.get(reverse("audit:entries"))
        assert "elsewhere.write" not in [entry.action for entry in page.context["page"]]

    def test_other_users_get_not_found(self, signed_in):
        assert signed_in([Role.INTEL_ANALYST]).get(reverse("audit:entries")).status_code == 404

    def test_the_audit_trail_cannot_be_changed_from_the_admin_site(self, signed_in):
        client = signed_in([Role.PLATFORM_ADMIN])
        User.objects.filter(pk=client.user.pk).update(is_staff=True, is_superuser=True)
        entry = audit.record(actor=None, action="x")
        from lionrock.core.audit.models import AuditEntry

        response = client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
        assert response.status_code in (403, 302)
        assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _current_menu_items(page: str) -> list[str]:
    import re

    nav = page.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)" aria-current="page"', nav)


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("shell:home", "shell:home"),
        ("enforcement:reports", "enforcement:reports"),
        ("enforcement:report_log", "enforcement:reports"),
        ("enforcement:operations", "enforcement:operations"),
        ("enforcement:offences", "enforcement:offences"),
        ("enforcement:statistics", "enforcement:statistics"),
        ("screening:cases", "screening:cases"),
    ],
)
def test_exactly_one_menu_item_is_marked_as_the_current_page(signed_in, url_name, expected):
    client = signed_in([Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER])
    page = client.get(reverse(url_name)).content.decode()
    assert _current_menu_items(page) == [reverse(expected)]
