"""The visibility matrix: who sees an incident, by TLP and sharing, on every read path."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lionrock.core.accounts.access import NotFound
from lionrock.core.accounts.models import Organisation
from lionrock.cyber.incidents import selectors, services
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.intel.tlp import Tlp
from tests.cyber.incidents.factories import desk_make

pytestmark = pytest.mark.django_db

VIEWERS = ("reporter", "reporter_handler", "handler", "partner", "outsider", "no_role", "platform_admin")
OWNERS = {"reporter", "reporter_handler", "handler"}
# Who sees a submitted incident of each TLP that was shared with the partner by name and, where the
# TLP allows it, with the community.
SHARED_VISIBILITY: dict[str, set[str]] = {
    Tlp.CLEAR: OWNERS | {"partner", "outsider"},
    Tlp.GREEN: OWNERS | {"partner", "outsider"},
    Tlp.AMBER: OWNERS | {"partner"},
    Tlp.AMBER_STRICT: OWNERS | {"partner"},
    # TLP:RED goes to named people: the reporter and the handler it named, not its own colleague.
    Tlp.RED: {"reporter", "handler"},
}


def shared_incident(desk, tlp):
    named = [desk.handler.user.email] if tlp == Tlp.RED else []
    incident = desk.report(tlp=tlp, recipients=named)
    if tlp != Tlp.RED:
        partner_org = Organisation.objects.get(pk=desk.partner.primary_organisation_id)
        services.incident_share(
            actor=desk.handler,
            incident=incident,
            organisations=[partner_org],
            community=tlp in (Tlp.CLEAR, Tlp.GREEN),
        )
    return incident


@pytest.mark.parametrize("tlp", list(Tlp))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_shared_incident_is_seen_as_its_tlp_allows(tlp, viewer):
    desk = desk_make()
    incident = shared_incident(desk, tlp)
    actor = getattr(desk, viewer)
    allowed = viewer in SHARED_VISIBILITY[tlp]
    assert selectors.incidents_visible(actor=actor).filter(pk=incident.pk).exists() == allowed
    if allowed:
        assert selectors.incident_get(actor=actor, pk=incident.pk) == incident
    else:
        with pytest.raises(NotFound):
            selectors.incident_get(actor=actor, pk=incident.pk)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_an_unshared_incident_is_seen_by_its_reporter_and_the_handling_cert_only(viewer):
    desk = desk_make()
    incident = desk.report(tlp=Tlp.CLEAR)
    assert selectors.incidents_visible(actor=getattr(desk, viewer)).filter(pk=incident.pk).exists() == (
        viewer in OWNERS
    )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_draft_is_seen_by_the_reporting_organisation_only(viewer):
    desk = desk_make()
    incident = desk.report(submit=False)
    assert selectors.incidents_visible(actor=getattr(desk, viewer)).filter(pk=incident.pk).exists() == (
        viewer in {"reporter", "reporter_handler"}
    )


def test_a_partner_who_may_see_an_incident_may_not_triage_it():
    desk = desk_make()
    incident = shared_incident(desk, Tlp.AMBER)
    assert not selectors.incident_may_handle(actor=desk.partner, incident=incident)
    assert not selectors.incident_may_edit(actor=desk.partner, incident=incident)


def test_the_desk_list_costs_the_same_few_queries_however_many_incidents(django_assert_max_num_queries):
    desk = desk_make()
    desk.report()
    with CaptureQueriesContext(connection) as first:
        selectors.incidents_desk(actor=desk.handler)
    for _ in range(5):
        desk.report()
    with django_assert_max_num_queries(len(first.captured_queries)):
        rows = selectors.incidents_desk(actor=desk.handler)
        names = [row.reporting_organisation.name_en for row in rows]
    assert len(names) == 6
    assert len(first.captured_queries) <= 6  # one per way an incident reaches a reader, and the page


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_desk_lists_the_newest_of_everything_the_reader_may_see(viewer):
    desk = desk_make()
    aware = timezone.now() - timedelta(days=1)
    for hours, tlp in enumerate([Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED]):
        when = aware - timedelta(hours=3 * hours)
        named = {"recipients": [desk.handler.user.email]} if tlp == Tlp.RED else {}
        incident = desk.report(tlp=tlp, aware_at=when, detected_at=when - timedelta(minutes=5), **named)
        if tlp != Tlp.RED:
            services.incident_share(
                actor=desk.handler,
                incident=incident,
                organisations=[Organisation.objects.get(pk=desk.partner.primary_organisation_id)],
                community=tlp == Tlp.GREEN,
            )
        desk.report(
            tlp=tlp, aware_at=when - timedelta(hours=1), detected_at=when - timedelta(hours=2), **named
        )
    desk.report(submit=False, aware_at=aware + timedelta(hours=1), detected_at=aware)
    actor = getattr(desk, viewer)
    everything = list(selectors.incidents_visible(actor=actor).order_by("-aware_at", "-id"))
    assert selectors.incidents_desk(actor=actor) == everything
    assert selectors.incidents_desk(actor=actor, limit=3) == everything[:3]
    open_ones = [i for i in everything if i.status in selectors.OPEN_STATUSES]
    assert selectors.incidents_desk(actor=actor, filters=selectors.DeskFilter(status="open")) == open_ones
    # Paging on: each page starts just after the last incident of the one before, none skipped or repeated.
    paged: list[Incident] = []
    before = None
    while page := selectors.incidents_desk(actor=actor, limit=3, before=before):
        paged += page
        before = (page[-1].aware_at, page[-1].pk)
    assert paged == everything
