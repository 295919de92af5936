import pytest
from django.test import Client
from django.urls import reverse

from lionrock.core.accounts.models import Membership, User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from tests.core.accounts.factories import PASSWORD, UserFactory, member_make, totp_code, totp_device_make

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"email": email, "password": password}, **extra)


class TestSignIn:
    def test_a_wrong_password_gets_a_clear_message_and_an_audit_entry(self):
        user = member_make([Role.INTEL_ANALYST]).user
        response = sign_in(Client(), user.email, "not it")
        assert response.status_code == 200
        assert "The email address or password is not correct." in response.content.decode()
        assert AuditEntry.objects.filter(
            action="accounts.sign_in", outcome="failure", actor_label=user.email
        ).exists()

    def test_repeated_failures_lock_the_account_even_against_the_right_password(self, settings):
        user = member_make([Role.INTEL_ANALYST]).user
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, user.email, "guess")
        response = sign_in(client, user.email)
        assert response.status_code == 403
        assert "Account locked" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_a_first_sign_in_leads_to_enrolment_when_mfa_is_required(self):
        user = member_make([Role.INTEL_ANALYST]).user
        client = Client()
        response = sign_in(client, user.email)
        assert response.status_code == 302
        home = client.get(reverse("shell:home"))
        assert home.status_code == 302
        assert home["Location"].startswith(reverse("accounts:mfa_enrol"))

    def test_enrolment_then_the_home_page(self):
        user = member_make([Role.INTEL_ANALYST]).user
        client = Client()
        sign_in(client, user.email)
        page = client.get(reverse("accounts:mfa_enrol"))
        assert b"<svg" in page.content
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = client.post(reverse("accounts:mfa_enrol"), {"code": totp_code(device)})
        assert response.status_code == 200
        assert len(response.context["codes"]) == 10
        assert client.get(reverse("shell:home")).status_code == 200

    def test_a_user_with_a_device_must_enter_a_code_before_anything_else(self):
        user = member_make([Role.INTEL_ANALYST]).user
        device = totp_device_make(user)
        client = Client()
        sign_in(client, user.email)
        assert client.get(reverse("accounts:tokens"))["Location"].startswith(reverse("accounts:mfa_verify"))
        wrong = client.post(
            reverse("accounts:mfa_verify"), {"code": "000000" if totp_code(device) != "000000" else "1"}
        )
        assert "not correct" in wrong.content.decode()
        device.throttle_reset()
        response = client.post(
            reverse("accounts:mfa_verify") + "?next=/account/tokens/",
            {"code": totp_code(device), "next": "/account/tokens/"},
        )
        assert response["Location"] == "/account/tokens/"

    def test_an_open_redirect_after_sign_in_is_refused(self):
        user = member_make([Role.INTEL_ANALYST]).user
        client = Client()
        response = client.post(
            reverse("accounts:login"),
            {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"},
        )
        assert response["Location"] == reverse("shell:home")

    def test_a_one_time_password_must_be_replaced_before_work_starts(self, signed_in):
        client = signed_in([Role.INTEL_ANALYST])
        User.objects.filter(pk=client.user.pk).update(must_change_password=True)
        response = client.get(reverse("shell:home"))
        assert response["Location"].startswith(reverse("accounts:password_change"))

    def test_over_long_and_non_utf8_input_is_refused_cleanly(self):
        client = Client()
        response = sign_in(client, "a" * 300 + "@example.org", "x" * 300)
        assert response.status_code == 200
        assert response.context["form"].errors
        raw = client.post(
            reverse("accounts:login"),
            data=b"email=%FF%FE%FA&password=%C3%28",
            content_type="application/x-www-form-urlencoded",
        )
        assert raw.status_code in (200, 400)
        assert "_auth_user_id" not in client.session

    def test_sign_in_demands_a_csrf_token_and_says_so(self):
        user = member_make([Role.INTEL_ANALYST]).user
        client = Client(enforce_csrf_checks=True)
        response = sign_in(client, user.email)
        assert response.status_code == 403
        assert "This form has expired" in response.content.decode()
        assert AuditEntry.objects.filter(action="security.csrf", outcome="denied").exists()


class TestOrganisationAdmin:
    def test_an_admin_sees_only_their_own_organisation(self, signed_in):
        client = signed_in([Role.ORG_ADMIN])
        other = member_make([Role.ORG_ADMIN])
        assert client.get(reverse("accounts:members", args=[client.organisation.slug])).status_code == 200
        assert client.get(reverse("accounts:members", args=[other.organisation.slug])).status_code == 404
        assert client.get(reverse("accounts:members", args=["no-such-org"])).status_code == 404

    def test_a_member_without_the_admin_role_gets_not_found(self, signed_in):
        client = signed_in([Role.INTEL_ANALYST])
        assert client.get(reverse("accounts:members", args=[client.organisation.slug])).status_code == 404

    def test_adding_a_member_shows_the_one_time_password_once(self, signed_in):
        client = signed_in([Role.ORG_ADMIN])
        response = client.post(
            reverse("accounts:members", args=[client.organisation.slug]),
            {"email": "new@example.org", "full_name": "New Member", "roles": [Role.MONITORING_OPERATOR]},
        )
        assert response.status_code == 200
        password = response.context["password"]
        assert User.objects.get(email="new@example.org").check_password(password)

    def test_hostile_names_are_escaped_on_the_members_page(self, signed_in):
        client = signed_in([Role.ORG_ADMIN])
        member_make(organisation=client.organisation, user=UserFactory(full_name="<script>alert(1)</script>"))
        page = client.get(reverse("accounts:members", args=[client.organisation.slug])).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    def test_the_members_list_takes_a_fixed_number_of_queries(self, signed_in, django_assert_max_num_queries):
        client = signed_in([Role.ORG_ADMIN])
        for _ in range(15):
            member_make([Role.INTEL_STAKEHOLDER, Role.MONITORING_OPERATOR], organisation=client.organisation)
        with django_assert_max_num_queries(16):
            assert client.get(reverse("accounts:members", args=[client.organisation.slug])).status_code == 200

    def test_resetting_a_password_from_the_member_page(self, signed_in):
        client = signed_in([Role.ORG_ADMIN])
        membership = member_make([Role.INTEL_STAKEHOLDER], organisation=client.organisation)
        response = client.post(
            reverse("accounts:member_password", args=[client.organisation.slug, membership.pk])
        )
        membership.user.refresh_from_db()
        assert membership.user.check_password(response.context["password"])
        assert membership.user.must_change_password

    def test_platform_admin_creates_an_organisation_from_the_form(self, signed_in):
        client = signed_in([Role.PLATFORM_ADMIN])
        response = client.post(
            reverse("accounts:organisation_new"),
            {
                "slug": "lantau-fibre",
                "name_en": "Lantau Fibre",
                "name_zh": "大嶼光纖",
                "kind": "infrastructure",
                "sector": "telecoms",
            },
        )
        assert response.status_code == 302
        assert Membership.objects.count() == 1
        assert client.get(reverse("accounts:members", args=["lantau-fibre"])).status_code == 200


class TestTokensPage:
    def test_creating_a_token_shows_the_secret_once_and_lists_only_the_prefix(self, signed_in):
        client = signed_in([Role.INTEL_STAKEHOLDER])
        response = client.post(
            reverse("accounts:tokens"),
            {
                "name": "SIEM",
                "organisation": client.organisation.pk,
                "scopes": ["intel:read"],
                "expires_in_days": 30,
            },
        )
        secret = response.context["secret"]
        listing = client.get(reverse("accounts:tokens")).content.decode()
        assert secret not in listing
        assert secret.split("_")[1] in listing

    def test_another_users_token_cannot_be_revoked(self, signed_in):
        from lionrock.core.accounts import services
        from lionrock.core.accounts.access import actor_for_user

        owner = member_make([Role.INTEL_STAKEHOLDER])
        token, _ = services.token_create(
            actor=actor_for_user(owner.user), organisation=owner.organisation, name="x", scopes=["intel:read"]
        )
        client = signed_in([Role.INTEL_STAKEHOLDER])
        assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None


def _fail(email: str, address: str, times: int) -> None:
    for _ in range(times):
        sign_in(Client(REMOTE_ADDR=address), email, "guess")


class TestLockOutAndAddresses:
    def test_failures_from_one_address_lock_the_account_there_and_nowhere_else(self, settings):
        user = member_make([Role.INTEL_ANALYST]).user
        _fail(user.email, "198.51.100.1", settings.AXES_FAILURE_LIMIT)
        refused = sign_in(Client(REMOTE_ADDR="198.51.100.1"), user.email)
        assert refused.status_code == 403 and "Account locked" in refused.content.decode()
        assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), user.email).status_code == 302

    def test_one_addresses_failures_do_not_lock_another_account_at_that_address(self, settings):
        attacked, colleague = (member_make([Role.INTEL_ANALYST]).user for _ in range(2))
        _fail(attacked.email, "198.51.100.1", settings.AXES_FAILURE_LIMIT)
        assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), colleague.email).status_code == 302

    def test_failures_spread_over_many_addresses_pause_the_account_everywhere(self, settings):
        settings.LIONROCK_ACCOUNT_FAILURE_LIMIT = 12
        user = member_make([Role.INTEL_ANALYST]).user
        per_address = settings.AXES_FAILURE_LIMIT - 1
        for number in range(3):
            _fail(user.email, f"198.51.100.{number + 1}", per_address)
        assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), user.email).status_code == 403
        page = sign_in(Client(REMOTE_ADDR="203.0.113.10"), user.email).content.decode()
        assert "paused everywhere" in page

    def test_the_counts_are_kept_in_the_database_for_every_process(self, settings):
        from django.core.cache import caches

        user = member_make([Role.INTEL_ANALYST]).user
        _fail(user.email, "198.51.100.1", settings.AXES_FAILURE_LIMIT)
        for cache in caches.all():
            cache.clear()
        assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), user.email).status_code == 403

    def test_knocking_on_a_locked_door_neither_counts_nor_pauses_the_account(self, settings):
        settings.LIONROCK_ACCOUNT_FAILURE_LIMIT = 12
        user = member_make([Role.INTEL_ANALYST]).user
        _fail(user.email, "198.51.100.1", settings.AXES_FAILURE_LIMIT + 20)
        assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), user.email).status_code == 302

    def test_an_organisation_administrator_unlocks_a_member_and_it_is_audited(self, settings, signed_in):
        member = member_make([Role.INTEL_ANALYST])
        _fail(member.user.email, "198.51.100.1", settings.AXES_FAILURE_LIMIT)
        admin = signed_in([Role.ORG_ADMIN], organisation=member.organisation)
        page = admin.get(reverse("accounts:member", args=[member.organisation.slug, member.pk]))
        assert "Unlock sign-in" in page.content.decode()
        response = admin.post(reverse("accounts:member_unlock", args=[member.organisation.slug, member.pk]))
        assert response.status_code == 302
        assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), member.user.email).status_code == 302
        assert AuditEntry.objects.filter(
            action="accounts.member.unlock", actor_user_id=admin.user.pk
        ).exists()

    def test_an_administrator_of_another_organisation_cannot_unlock(self, settings, signed_in):
        member = member_make([Role.INTEL_ANALYST])
        _fail(member.user.email, "198.51.100.1", settings.AXES_FAILURE_LIMIT)
        outsider = signed_in([Role.ORG_ADMIN])
        url = reverse("accounts:member_unlock", args=[member.organisation.slug, member.pk])
        assert outsider.post(url).status_code == 404
        assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), member.user.email).status_code == 403

    def test_the_operator_unlocks_an_account_on_the_command_line_and_it_is_audited(self, settings, capsys):
        from lionrock.cli import main

        settings.LIONROCK_ACCOUNT_FAILURE_LIMIT = 12
        user = member_make([Role.PLATFORM_ADMIN]).user
        for number in range(3):
            _fail(user.email, f"198.51.100.{number + 1}", settings.AXES_FAILURE_LIMIT)
        assert main(["unlock", user.email.upper()]) == 0
        assert "Sign-in unlocked" in capsys.readouterr().out
        assert sign_in(Client(REMOTE_ADDR="198.51.100.1"), user.email).status_code == 302
        entry = AuditEntry.objects.get(action="accounts.member.unlock")
        assert entry.actor_label.startswith("command line")

    def test_a_forged_forwarded_header_does_not_change_the_address_without_a_proxy(self):
        client = Client(REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.9.9.9")
        sign_in(client, "nobody@example.org", "x")
        entry = AuditEntry.objects.get(action="accounts.sign_in", outcome="failure")
        assert entry.ip_address == "203.0.113.7"

    def test_health_and_sign_in_answer_head_requests(self):
        assert Client().head("/healthz").status_code == 200
        assert Client().head(reverse("accounts:login")).status_code == 200

    def test_behind_the_tls_proxy_the_address_the_proxy_appended_is_used(self, settings):
        settings.BEHIND_TLS_PROXY = True
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.8")
        sign_in(client, "nobody@example.org", "x")
        entry = AuditEntry.objects.get(action="accounts.sign_in", outcome="failure")
        assert entry.ip_address == "203.0.113.8"
