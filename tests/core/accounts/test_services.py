from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lionrock.core.accounts import services
from lionrock.core.accounts.access import NotFound, actor_for_user
from lionrock.core.accounts.models import ApiToken, Organisation, User
from lionrock.core.accounts.roles import Role
from lionrock.core.audit.models import AuditEntry
from lionrock.core.errors import ValidationFailed
from tests.core.accounts.factories import PASSWORD, OrganisationFactory, actor_make, member_make, totp_code

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


def test_platform_admin_creates_an_organisation_and_the_write_is_audited():
    admin = actor_make([Role.PLATFORM_ADMIN])
    organisation = services.organisation_create(
        actor=admin,
        slug="kowloon-telecom",
        name_en="Kowloon Telecom",
        kind=Organisation.Kind.INFRASTRUCTURE,
        name_zh="九龍電訊",
    )
    entry = AuditEntry.objects.get(action="accounts.organisation.create")
    assert entry.target_id == str(organisation.pk)
    assert entry.actor_user_id == admin.user.pk
    assert "name_zh" in entry.fields


def test_an_organisation_admin_cannot_create_organisations():
    with pytest.raises(NotFound):
        services.organisation_create(
            actor=actor_make([Role.ORG_ADMIN]), slug="x", name_en="X", kind=Organisation.Kind.CERT
        )
    assert not Organisation.objects.filter(slug="x").exists()
    assert "accounts.organisation.create" not in actions()


def test_adding_a_new_member_issues_a_one_time_password_that_must_be_replaced():
    admin = actor_make([Role.ORG_ADMIN])
    organisation = Organisation.objects.get(pk=admin.primary_organisation_id)
    membership, password = services.member_add(
        actor=admin,
        organisation=organisation,
        email="New.Person@Example.org",
        full_name="New Person",
        roles=[Role.INTEL_STAKEHOLDER],
    )
    user = membership.user
    assert user.email == "new.person@example.org"
    assert user.must_change_password
    assert password and user.check_password(password)
    assert actor_for_user(user).has_role(Role.INTEL_STAKEHOLDER, organisation)


def test_an_organisation_admin_manages_only_their_own_organisation():
    admin = actor_make([Role.ORG_ADMIN])
    elsewhere = OrganisationFactory()
    with pytest.raises(NotFound):
        services.member_add(actor=admin, organisation=elsewhere, email="a@b.org", full_name="A", roles=[])
    assert not User.objects.filter(email="a@b.org").exists()


def test_only_a_platform_admin_can_grant_platform_administration():
    admin = actor_make([Role.ORG_ADMIN])
    organisation = Organisation.objects.get(pk=admin.primary_organisation_id)
    with pytest.raises(ValidationFailed):
        services.member_add(
            actor=admin,
            organisation=organisation,
            email="x@y.org",
            full_name="X",
            roles=[Role.PLATFORM_ADMIN],
        )
    assert not User.objects.filter(email="x@y.org").exists()


def test_unknown_roles_are_refused():
    admin = actor_make([Role.ORG_ADMIN])
    membership = member_make(organisation=Organisation.objects.get(pk=admin.primary_organisation_id))
    with pytest.raises(ValidationFailed):
        services.membership_set_roles(actor=admin, membership=membership, roles=["superuser"])


def test_changing_roles_records_before_and_after():
    admin = actor_make([Role.ORG_ADMIN])
    membership = member_make(
        [Role.INTEL_STAKEHOLDER], organisation=Organisation.objects.get(pk=admin.primary_organisation_id)
    )
    services.membership_set_roles(actor=admin, membership=membership, roles=[Role.MONITORING_OPERATOR])
    assert list(membership.role_grants.values_list("role", flat=True)) == [Role.MONITORING_OPERATOR]
    entry = AuditEntry.objects.get(action="accounts.member.roles")
    assert entry.summary == "intel_stakeholder -> monitoring_operator"


def test_removing_a_member_revokes_their_tokens_for_that_organisation():
    admin = actor_make([Role.ORG_ADMIN])
    organisation = Organisation.objects.get(pk=admin.primary_organisation_id)
    membership = member_make([Role.INTEL_STAKEHOLDER], organisation=organisation)
    token, _ = services.token_create(
        actor=actor_for_user(membership.user), organisation=organisation, name="feed", scopes=["intel:read"]
    )
    services.membership_deactivate(actor=admin, membership=membership)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not actor_for_user(membership.user).grants


def test_a_password_reset_by_the_admin_forces_a_new_password_and_can_reset_mfa():
    admin = actor_make([Role.ORG_ADMIN])
    membership = member_make(organisation=Organisation.objects.get(pk=admin.primary_organisation_id))
    TOTPDevice.objects.create(user=membership.user, confirmed=True)
    password = services.member_password_reset(actor=admin, membership=membership, reset_mfa=True)
    membership.user.refresh_from_db()
    assert membership.user.check_password(password)
    assert not membership.user.check_password(PASSWORD)
    assert membership.user.must_change_password
    assert not TOTPDevice.objects.filter(user=membership.user).exists()


def test_a_weak_new_password_is_refused_and_the_old_one_still_works():
    actor = actor_make()
    with pytest.raises(ValidationError):
        services.user_password_change(actor=actor, current_password=PASSWORD, new_password="12345678")
    actor.user.refresh_from_db()
    assert actor.user.check_password(PASSWORD)


def test_a_wrong_current_password_is_refused_and_audited_as_a_failure():
    actor = actor_make()
    with pytest.raises(ValidationFailed):
        services.user_password_change(
            actor=actor, current_password="wrong", new_password="a much better one!"
        )
    assert AuditEntry.objects.filter(action="accounts.password.change", outcome="failure").exists()


class TestApiTokens:
    def test_the_secret_is_returned_once_and_only_its_digest_is_stored(self):
        actor = actor_make([Role.INTEL_STAKEHOLDER])
        token, secret = services.token_create(
            actor=actor, organisation=actor.primary_organisation_id, name="SIEM", scopes=["intel:read"]
        )
        stored = ApiToken.objects.get(pk=token.pk)
        assert secret.startswith(f"lrk_{stored.prefix}_")
        assert secret.split("_", 2)[2] not in stored.digest
        authenticated = services.token_authenticate(secret)
        assert authenticated is not None and authenticated.token == stored

    def test_a_token_cannot_be_issued_for_an_organisation_one_does_not_belong_to(self):
        actor = actor_make([Role.INTEL_STAKEHOLDER])
        with pytest.raises(NotFound):
            services.token_create(
                actor=actor, organisation=OrganisationFactory(), name="x", scopes=["intel:read"]
            )

    @pytest.mark.parametrize("scopes", [[], ["root"], ["intel:read", "everything"]])
    def test_invalid_scopes_are_refused(self, scopes):
        actor = actor_make([Role.INTEL_STAKEHOLDER])
        with pytest.raises(ValidationFailed):
            services.token_create(
                actor=actor, organisation=actor.primary_organisation_id, name="x", scopes=scopes
            )
        assert not ApiToken.objects.exists()

    def test_revoked_and_expired_tokens_no_longer_authenticate_and_the_refusal_is_audited(self):
        actor = actor_make([Role.INTEL_STAKEHOLDER])
        revoked, revoked_secret = services.token_create(
            actor=actor, organisation=actor.primary_organisation_id, name="a", scopes=["account:read"]
        )
        expired, expired_secret = services.token_create(
            actor=actor, organisation=actor.primary_organisation_id, name="b", scopes=["account:read"]
        )
        services.token_revoke(actor=actor, token=revoked)
        ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

        assert services.token_authenticate(revoked_secret) is None
        assert services.token_authenticate(expired_secret) is None
        summaries = set(
            AuditEntry.objects.filter(action="accounts.token.authenticate", outcome="denied").values_list(
                "summary", flat=True
            )
        )
        assert summaries == {"revoked", "expired"}

    @pytest.mark.parametrize(
        "raw", ["", "garbage", "lrk_nope_nope", "lrk__", "x" * 5000, "lrk_' OR 1=1 --_x"]
    )
    def test_malformed_or_unknown_tokens_are_refused(self, raw):
        assert services.token_authenticate(raw) is None

    def test_a_token_cannot_mint_further_tokens(self):
        actor = actor_make([Role.INTEL_STAKEHOLDER])
        _, secret = services.token_create(
            actor=actor, organisation=actor.primary_organisation_id, name="a", scopes=["account:read"]
        )
        token_actor = services.token_authenticate(secret)
        with pytest.raises(NotFound):
            services.token_create(
                actor=token_actor,
                organisation=actor.primary_organisation_id,
                name="b",
                scopes=["account:read"],
            )


class TestMfa:
    def test_enrolment_refuses_a_wrong_first_code(self):
        actor = actor_make()
        device = services.mfa_totp_begin(actor=actor)
        wrong = "000000" if totp_code(device) != "000000" else "111111"
        with pytest.raises(ValidationFailed):
            services.mfa_totp_confirm(actor=actor, device=device, code=wrong)
        device.refresh_from_db()
        assert not device.confirmed

    def test_enrolment_returns_single_use_recovery_codes(self):
        actor = actor_make()
        device = services.mfa_totp_begin(actor=actor)
        codes = services.mfa_totp_confirm(actor=actor, device=device, code=totp_code(device))
        assert len(codes) == services.RECOVERY_CODE_COUNT
        assert services.mfa_verify(actor=actor, code=codes[0]) is not None
        assert services.mfa_verify(actor=actor, code=codes[0]) is None

    def test_a_wrong_code_at_sign_in_is_audited(self):
        actor = actor_make()
        device = services.mfa_totp_begin(actor=actor)
        services.mfa_totp_confirm(actor=actor, device=device, code=totp_code(device))
        assert services.mfa_verify(actor=actor, code="123") is None
        assert AuditEntry.objects.filter(action="accounts.mfa.verify", outcome="failure").exists()

    def test_someone_elses_enrolment_cannot_be_confirmed(self):
        owner, intruder = actor_make(), actor_make()
        device = services.mfa_totp_begin(actor=owner)
        with pytest.raises(NotFound):
            services.mfa_totp_confirm(actor=intruder, device=device, code=totp_code(device))
