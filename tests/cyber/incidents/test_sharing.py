"""One step from incident to sharing, and the correlation that says who else saw the same values."""

import json

import pytest

from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role
from lionrock.cyber.incidents import selectors, services
from lionrock.cyber.incidents.services import ObservableIn
from lionrock.cyber.intel import services as intel_services
from lionrock.cyber.intel.models import StixObject
from lionrock.cyber.intel.tlp import Tlp
from tests.core.accounts.factories import actor_make
from tests.cyber.incidents.factories import desk_make
from tests.cyber.intel.factories import indicator

pytestmark = pytest.mark.django_db


def _collection(desk):
    analyst = actor_make([Role.INTEL_ANALYST, Role.INCIDENT_HANDLER], organisation=desk.cert)
    collection = intel_services.collection_create(
        actor=analyst, owner=desk.cert, alias="cert-shared", title="CERT shared", default_tlp=Tlp.AMBER
    )
    return analyst, collection


def _partner_shares_the_ioc(desk):
    """The partner ISP, granted the CERT's collection, shares an indicator of the reported address."""
    analyst, collection = _collection(desk)
    partner = Organisation.objects.get(pk=desk.partner.primary_organisation_id)
    intel_services.collection_grant_set(
        actor=analyst, collection=collection, organisation=partner, can_read=True, can_write=True
    )
    intel_services.objects_add(
        actor=desk.partner,
        collection=collection,
        objects=[indicator("x", pattern="[ipv4-addr:value = '45.151.167.10']")],
    )
    return analyst, partner


def test_ioc_observables_become_indicators_in_the_chosen_collection_linked_back():
    desk = desk_make()
    analyst, collection = _collection(desk)
    incident = desk.report()
    ioc = incident.observables.get(ioc=True)
    previews = services.observables_preview(actor=analyst, incident=incident, observable_ids=[ioc.pk])
    assert previews[0].pattern == "[ipv4-addr:value = '45.151.167.10']"
    created = services.observables_share(
        actor=analyst, incident=incident, collection=collection, tlp=Tlp.GREEN, observable_ids=[ioc.pk]
    )
    stored = StixObject.objects.get(stix_id=created[0])
    assert stored.tlp == Tlp.GREEN and stored.collection == collection
    assert incident.reference in json.loads(stored.raw)["labels"]
    ioc.refresh_from_db()
    assert ioc.indicator_stix_id == created[0]


def test_a_value_on_a_warninglist_is_flagged_and_left_out_unless_asked():
    desk = desk_make()
    analyst, collection = _collection(desk)
    incident = desk.report(observables=[ObservableIn(type="ipv4-addr", value="8.8.8.8", ioc=True)])
    ioc = incident.observables.get()
    [preview] = services.observables_preview(actor=analyst, incident=incident, observable_ids=[ioc.pk])
    assert preview.warninglist
    created = services.observables_share(
        actor=analyst, incident=incident, collection=collection, tlp=Tlp.AMBER, observable_ids=[ioc.pk]
    )
    assert created == []


def test_the_incident_shows_which_other_stakeholders_shared_the_same_value_within_what_the_reader_sees():
    desk = desk_make()
    analyst, other_isp = _partner_shares_the_ioc(desk)
    incident = desk.report()
    seen = {
        s.observable.value: s for s in selectors.observables_seen_elsewhere(actor=analyst, incident=incident)
    }
    assert seen["45.151.167.10"].organisations == [str(other_isp)]
    # The reporter has no intel grant on the collection: the amber indicator stays out of its view.
    seen_by_reporter = selectors.observables_seen_elsewhere(actor=desk.reporter, incident=incident)
    assert all(not s.organisations for s in seen_by_reporter)


def _seen_with_queries(actor, incident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        seen = selectors.observables_seen_elsewhere(actor=actor, incident=incident)
    return {s.observable.value: s for s in seen}, len(queries)


def test_each_observable_gets_its_own_correlation_in_the_same_few_queries_however_many_there_are():
    desk = desk_make()
    analyst, partner = _partner_shares_the_ioc(desk)
    earlier = desk.report(
        title="Defacement",
        observables=[ObservableIn(type="domain-name", value="tickets.example.hk", ioc=False)],
    )
    two = desk.report()
    many = desk.report(
        observables=[
            ObservableIn(type="ipv4-addr", value="45.151.167.10", ioc=True),
            ObservableIn(type="domain-name", value="tickets.example.hk", ioc=False),
            *[ObservableIn(type="ipv4-addr", value=f"198.51.100.{n}", ioc=True) for n in range(1, 9)],
        ]
    )
    seen_two, queries_two = _seen_with_queries(analyst, two)
    seen_many, queries_many = _seen_with_queries(analyst, many)
    assert queries_many == queries_two
    for seen in (seen_two, seen_many):
        assert seen["45.151.167.10"].organisations == [str(partner)]
        assert seen["45.151.167.10"].since is not None
        assert earlier in seen["tickets.example.hk"].other_incidents
        assert not seen["tickets.example.hk"].organisations  # the earlier report is the same ISP's
    assert len(seen_many) == 10
    assert all(not seen_many[f"198.51.100.{n}"].organisations for n in range(1, 9))
    assert two in seen_many["tickets.example.hk"].other_incidents
    assert all(many not in s.other_incidents for s in seen_many.values())
