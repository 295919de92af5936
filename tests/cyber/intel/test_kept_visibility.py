"""The visibility rule keeps its compiled SQL: it must stay exactly the rule Django would compile afresh,
wherever a selector puts it (a filter, a subquery, a subquery of a subquery, an EXISTS)."""

import pytest
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone

from lionrock.cyber.intel import selectors, services
from lionrock.cyber.intel.models import ObservableValue, StixObject
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp
from lionrock.cyber.monitoring.models import Sighting
from tests.cyber.intel.factories import VIEWERS, community_make, indicator

pytestmark = pytest.mark.django_db

SHAPES = {
    "by id": lambda rows: rows.filter(stix_id__startswith="indicator--"),
    "newest five": lambda rows: rows.order_by("-date_added", "pk")[:5],
    "by marking": lambda rows: rows.filter(tlp__in=[Tlp.AMBER, Tlp.RED]),
    "as a subquery": lambda rows: StixObject.objects.filter(pk__in=rows.values("pk")),
    "as a subquery of a subquery": lambda rows: ObservableValue.objects.filter(
        stix_object__in=StixObject.objects.filter(pk__in=rows.values("pk")).values("pk")
    ),
    "in an EXISTS": lambda rows: Sighting.objects.filter(Exists(rows.filter(pk=OuterRef("stix_object_id")))),
    "in an EXISTS inside a subquery": lambda rows: StixObject.objects.filter(
        pk__in=Sighting.objects.filter(Exists(rows.filter(pk=OuterRef("stix_object_id")))).values(
            "stix_object_id"
        )
    ),
}


def _compiled_afresh(actor):
    """The same rule, the way Django builds and compiles it without anything kept."""
    visible = Case(When(selectors.visibility_q(actor), then=Value(True)), default=Value(False))
    return (
        StixObject.objects.alias(visible=visible).filter(visible=True).exclude(collection__is_exercise=True)
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_kept_rule_answers_what_the_rule_compiled_afresh_answers(viewer, shape):
    community = community_make()
    objects = [indicator(f"{tlp.value}.example", tlp=tlp) for tlp in Tlp]
    services.objects_add(actor=community.creator, collection=community.collection, objects=objects)
    now = timezone.now()
    for stored in StixObject.objects.all():
        Sighting.objects.create(
            stix_object=stored,
            indicator_id=stored.stix_id,
            organisation=community.collection.owner,
            first_seen=now,
            last_seen=now,
        )
    actor = getattr(community, viewer)
    build = SHAPES[shape]

    afresh = sorted(build(_compiled_afresh(actor)).values_list("pk", flat=True))
    assert afresh or viewer in ("outsider", "no_intel_role", "platform_admin")
    for _ in range(2):  # the second time from the kept text
        kept = build(selectors.stix_objects_visible(actor=actor))
        assert sorted(kept.values_list("pk", flat=True)) == afresh


def test_the_kept_rule_follows_a_changed_grant():
    """A reader losing a collection is a new set of terms: the old kept text is not used for them."""
    community = community_make()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator(tlp=Tlp.AMBER)]
    )
    reader = community.direct_reader
    assert selectors.stix_objects_visible(actor=reader).count() == 1
    services.collection_grant_set(
        actor=community.creator,
        collection=community.collection,
        organisation=community.collection.grants.get(organisation__isnull=False).organisation,
        can_read=False,
        can_write=False,
    )
    assert selectors.stix_objects_visible(actor=reader).count() == 0


def test_a_sighting_of_a_red_indicator_stays_hidden_through_the_kept_rule():
    community = community_make()
    red = indicator("red.example", tlp=Tlp.RED)
    sighting = {
        "type": "sighting",
        "spec_version": "2.1",
        "id": "sighting--6f2a1c3e-1b7d-4d0e-9c7a-2e5b8f1d3a40",
        "created": "2026-01-01T00:00:00.000Z",
        "modified": "2026-01-01T00:00:00.000Z",
        "sighting_of_ref": red["id"],
        "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
    }
    services.objects_add(actor=community.creator, collection=community.collection, objects=[red, sighting])

    def types_seen(actor):
        return set(selectors.stix_objects_visible(actor=actor).values_list("type", flat=True))

    for _ in range(2):
        assert types_seen(community.direct_reader) == set()
        assert types_seen(community.creator) == {"indicator", "sighting"}


def test_on_postgresql_the_rule_is_prepared_on_its_first_run_with_one_plan_for_every_reader():
    """PostgreSQL spent longer parsing and planning the rule than running it, and each serving thread has
    a connection of its own: prepared on its first run, with one plan from then on, each connection plans
    it once. Several commands in one string (migrations, maintenance) still run, unprepared."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's: this run is on SQLite")
    community = community_make()
    services.objects_add(
        actor=community.creator, collection=community.collection, objects=[indicator("prepared.example")]
    )
    rows = selectors.stix_objects_visible(actor=community.direct_reader)

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%CASE WHEN%"]
            )
            return cursor.fetchone()[0]

    before = prepared()
    seen = [[o.stix_id for o in rows.all()]]
    assert prepared() == before + 1  # the first run prepares it
    seen.append([o.stix_id for o in rows.all()])
    assert prepared() == before + 1  # and later runs use it
    assert len({tuple(ids) for ids in seen}) == 1 and len(seen[0]) == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
        for _ in range(3):
            cursor.execute("SELECT 1; SELECT 2")
            assert cursor.fetchone() == (1,)  # the first command's rows; the second's follow
