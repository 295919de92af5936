import pytest
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from lionrock.core.accounts.models import Membership, Organisation
from lionrock.core.kept_sql import KeptSql
from tests.core.accounts.factories import OrganisationFactory, member_make

pytestmark = pytest.mark.django_db


class CountedCase(Case):
    """A CASE that counts how often Django compiles it."""

    compiled = 0

    def as_sql(self, *args, **kwargs):
        type(self).compiled += 1
        return super().as_sql(*args, **kwargs)


def _with_members():
    rule = CountedCase(
        When(Exists(Membership.objects.filter(organisation=OuterRef("pk"))), then=Value(True)),
        default=Value(False),
    )
    return Organisation.objects.alias(kept=KeptSql(rule, BooleanField())).filter(kept=True)


def test_a_kept_rule_is_compiled_once_however_often_its_rows_are_read():
    staffed = member_make([]).organisation
    empty = OrganisationFactory()
    rows = _with_members()
    CountedCase.compiled = 0
    assert list(rows.filter(pk=staffed.pk)) == [staffed]
    assert list(rows.filter(pk=empty.pk)) == []
    assert rows.order_by("pk").count() == 1
    assert CountedCase.compiled == 1


def test_a_kept_rule_compiles_again_when_put_inside_another_query():
    """Inside a subquery its tables are renamed: the text kept for the outer query would be wrong there."""
    staffed = member_make([]).organisation
    OrganisationFactory()
    rows = _with_members()
    assert list(rows) == [staffed]
    CountedCase.compiled = 0
    nested = Organisation.objects.filter(Q(pk__in=rows.values("pk")) | Q(slug="nobody"))
    assert list(nested) == [staffed]
    assert list(nested) == [staffed]
    assert CountedCase.compiled >= 1
    assert list(rows) == [staffed]


def test_a_kept_query_is_built_once_per_key_and_its_rows_read_afresh_each_time():
    from lionrock.core.kept_sql import kept_query_rows

    organisation = OrganisationFactory()
    built = []

    def members():
        built.append(1)
        return Membership.objects.filter(organisation_id=organisation.pk).values_list("organisation_id")

    key = ("test.members", organisation.pk)
    assert kept_query_rows(key, members) == []
    member_make([], organisation=organisation)
    assert kept_query_rows(key, members) == [(organisation.pk,)]
    member_make([], organisation=organisation)
    assert kept_query_rows(key, members) == [(organisation.pk,), (organisation.pk,)]
    assert len(built) == 1


def test_kept_queries_of_different_keys_do_not_share_their_sql():
    from lionrock.core.kept_sql import kept_query_rows

    first, second = OrganisationFactory(), OrganisationFactory()
    member_make([], organisation=first)

    def members_of(organisation):
        members = Membership.objects.filter(organisation_id=organisation.pk)
        return lambda: members.values_list("organisation_id")

    assert kept_query_rows(("test.members.of", first.pk), members_of(first)) == [(first.pk,)]
    assert kept_query_rows(("test.members.of", second.pk), members_of(second)) == []
