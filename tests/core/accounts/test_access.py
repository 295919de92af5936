import pytest

from lionrock.core.accounts import access
from lionrock.core.accounts.access import NotFound, actor_for_token, actor_for_user
from lionrock.core.accounts.roles import Module, Role
from tests.core.accounts.factories import OrganisationFactory, member_make

pytestmark = pytest.mark.django_db


def test_roles_count_only_in_the_organisation_that_granted_them():
    isp, cert = OrganisationFactory(), OrganisationFactory()
    membership = member_make([Role.INTEL_STAKEHOLDER], organisation=isp)
    member_make([Role.INTEL_ANALYST], organisation=cert, user=membership.user)
    actor = actor_for_user(membership.user)

    assert actor.has_role(Role.INTEL_STAKEHOLDER, isp)
    assert not actor.has_role(Role.INTEL_STAKEHOLDER, cert)
    assert actor.has_role(Role.INTEL_ANALYST)
    assert actor.organisations_with(Role.INTEL_ANALYST) == {cert.pk}


def test_a_deactivated_membership_or_organisation_grants_nothing():
    membership = member_make([Role.ENFORCEMENT_OFFICER])
    membership.is_active = False
    membership.save()
    assert not actor_for_user(membership.user).grants

    other = member_make([Role.ENFORCEMENT_OFFICER])
    other.organisation.is_active = False
    other.organisation.save()
    assert not actor_for_user(other.user).grants


def test_refusal_is_indistinguishable_from_absence():
    actor = actor_for_user(member_make([Role.SERVICE_PROVIDER]).user)
    with pytest.raises(NotFound):
        access.require(actor, Role.SCREENING_SUPERVISOR)
    assert issubclass(NotFound, __import__("django.http").http.Http404)


def test_navigation_modules_follow_the_roles_held():
    actor = actor_for_user(member_make([Role.SCREENING_OFFICER, Role.PRESS_OFFICER]).user)
    assert actor.modules() == [Module.SCREENING, Module.PUBLISHING]


def test_a_token_acts_only_for_its_own_organisation_with_its_scopes():
    from lionrock.core.accounts.models import ApiToken

    isp, cert = OrganisationFactory(), OrganisationFactory()
    membership = member_make([Role.INTEL_STAKEHOLDER], organisation=isp)
    member_make([Role.INTEL_ANALYST], organisation=cert, user=membership.user)
    from django.utils import timezone

    token = ApiToken.objects.create(
        user=membership.user,
        organisation=isp,
        name="feed",
        prefix="abc",
        digest="x",
        scopes=["intel:read"],
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    actor = actor_for_token(token)
    assert actor.organisation_ids == {isp.pk}
    assert actor.has_scope("intel:read")
    assert not actor.has_scope("intel:write")
    with pytest.raises(NotFound):
        access.require_scope(actor, "intel:write")


def test_a_record_belongs_to_the_first_organisation_where_its_maker_holds_the_role():
    first, second, elsewhere = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    membership = member_make([Role.ENFORCEMENT_OFFICER], organisation=second)
    member_make([Role.ENFORCEMENT_OFFICER], organisation=first, user=membership.user)
    member_make([Role.INTEL_ANALYST], organisation=elsewhere, user=membership.user)
    actor = actor_for_user(membership.user)
    home = access.home_organisation(actor, Role.ENFORCEMENT_OFFICER)
    assert home == min(first, second, key=lambda org: org.pk)
    assert access.home_organisation(actor, Role.INTEL_ANALYST) == elsewhere


def test_without_the_role_anywhere_there_is_no_home_organisation():
    actor = actor_for_user(member_make([Role.INTEL_ANALYST]).user)
    with pytest.raises(NotFound):
        access.home_organisation(actor, Role.ENFORCEMENT_OFFICER, Role.SCREENING_OFFICER)


def test_the_command_line_acts_for_an_active_user_found_by_any_spelling_of_their_address():
    membership = member_make([Role.INTEL_ANALYST])
    actor = access.actor_for_email(f"  {membership.user.email.upper()} ")
    assert actor is not None and actor.user == membership.user
    assert actor.ip_address == "command line"
    membership.user.is_active = False
    membership.user.save(update_fields=["is_active"])
    assert access.actor_for_email(membership.user.email) is None
    assert access.actor_for_email("nobody@example.org") is None
