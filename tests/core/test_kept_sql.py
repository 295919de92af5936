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
