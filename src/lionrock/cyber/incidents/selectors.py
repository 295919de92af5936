"""Every read of incidents, for an actor: visibility is decided here, once, for web, REST, exports and PDFs.

The rules (docs/users/incident-reporting.md says the same in plain words):
* the reporting organisation sees its incidents, drafts included;
* the handling organisation (the CERT of the regime) sees every submitted incident it handles;
* anyone else sees a submitted incident only when it was shared, and only as its TLP allows: when shared
  with their organisation by name (any TLP but RED), or, for TLP:CLEAR and TLP:GREEN, when shared with the
  community; TLP:RED is never shared.
* TLP:RED goes to named people only (`IncidentRecipient`): the reporter names people of the reporting
  and handling organisations, the handling CERT may add others; everyone else, even in the reporting
  organisation, gets not-found.
* an exercise report (filed in a drill, `is_exercise`) is on no real path — desk, lists, counts, sector
  times, the situation board, "also seen by", exports: only its own pages show it, to its reporting
  organisation, under the exercise banner.
Forbidden looks like not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.core.accounts.models import Organisation, User
from lionrock.core.accounts.roles import Scope
from lionrock.core.kept_sql import KeptSql
from lionrock.core.request_memo import memoised
from lionrock.cyber.incidents.exercises import ExerciseRef, exercises_running_for
from lionrock.cyber.incidents.models import (
    Incident,
    IncidentEntry,
    IncidentLink,
    IncidentRecipient,
    IncidentShare,
    NotificationClock,
    Observable,
    ReportingRegime,
)
from lionrock.cyber.incidents.sharing import HANDLER_ROLES, INCIDENT_ROLES
from lionrock.cyber.intel.tlp import Tlp

OPEN_STATUSES = (
    Incident.Status.SUBMITTED,
    Incident.Status.ACKNOWLEDGED,
    Incident.Status.INVESTIGATING,
    Incident.Status.CONTAINED,
)


def incident_organisations(actor: Actor, *, write: bool = False) -> frozenset[int]:
    """The organisations through which the actor works with incidents (and the token allows it)."""
    if actor.user is None or not actor.has_scope(Scope.INCIDENTS_WRITE if write else Scope.INCIDENTS_READ):
        return frozenset()
    return actor.organisations_with(*INCIDENT_ROLES)


def handler_organisations(actor: Actor) -> frozenset[int]:
    if actor.user is None or not actor.has_scope(Scope.INCIDENTS_READ):
        return frozenset()
    return actor.organisations_with(*HANDLER_ROLES)


def _user_id(actor: Actor) -> int:
    return actor.user.pk if actor.user is not None else 0  # ids start at 1: no user, nobody named


def _named(user_id: int) -> Exists:
    """The user is named on the incident (TLP:RED's only door)."""
    return Exists(IncidentRecipient.objects.filter(incident=OuterRef("pk"), user_id=user_id))


def visibility_q(actor: Actor) -> Q:
    """The single filter behind every read path."""
    return _visibility_q(incident_organisations(actor), _user_id(actor))


def _visibility_q(orgs: frozenset[int], user_id: int) -> Q:
    if not orgs:
        return Q(pk__in=[])
    shared = IncidentShare.objects.filter(incident=OuterRef("pk"), organisation_id__in=orgs)
    submitted = ~Q(status=Incident.Status.DRAFT)
    named = _named(user_id)
    not_red = ~Q(tlp=Tlp.RED)
    return (
        Q(not_red, reporting_organisation_id__in=orgs)
        | Q(not_red, submitted, handling_organisation_id__in=orgs)
        | Q(submitted, tlp__in=[Tlp.CLEAR, Tlp.GREEN], shared_with_community=True)
        | Q(Exists(shared), submitted, tlp__in=[Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT])
        # TLP:RED: the named people only; a draft only to those of the reporting organisation.
        | Q(named, Q(submitted) | Q(reporting_organisation_id__in=orgs), tlp=Tlp.RED)
    )


def incidents_visible(*, actor: Actor, exercises: bool = False) -> QuerySet[Incident]:
    """Everything this actor may see; the only door to the table.

    Real incidents only: exercise reports are left out here, once, for every real path. A single
    incident's own pages pass `exercises=True` to let its reporting organisation open its drill reports.

    The rule is checked on each row rather than used to pick indexes (as the intel store does): left
    bare, its OR of terms leads SQLite to gather every visible incident from four indexes and sort them
    all (two seconds for the desk's first page at 100,000 incidents). Wrapped in CASE it is opaque to the
    planner, which reads the index of the caller's own filter (a window of awareness, an organisation,
    a primary key) and stops once it has enough rows.
    """
    return _incidents_visible_kept(incident_organisations(actor), _user_id(actor), exercises).all()


# Built and compiled once per set of terms (the reader's organisations and user), as the intel store's
# rule is: each incident page asks it three or four times, at 2-4 ms of Django's time a question.
@lru_cache(maxsize=256)
def _incidents_visible_kept(orgs: frozenset[int], user_id: int, exercises: bool) -> QuerySet[Incident]:
    rule = Q(_visibility_q(orgs, user_id), is_exercise=False)
    if exercises:
        own_drills = Q(is_exercise=True, reporting_organisation_id__in=orgs)
        rule |= own_drills & (~Q(tlp=Tlp.RED) | Q(_named(user_id)))
    visible = Case(When(rule, then=Value(True)), default=Value(False))
    return Incident.objects.alias(visible=KeptSql(visible, BooleanField())).filter(visible=True)


def incident_get(*, actor: Actor, pk: int | str) -> Incident:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise NotFound from None
    if not 0 < key < 2**63:  # beyond any id; PostgreSQL would refuse the comparison itself
        raise NotFound
    incident = memoised(  # a page's later selectors check the incident again; once is enough per view
        ("incidents.get", incident_organisations(actor), _user_id(actor), key),
        lambda: (
            incidents_visible(actor=actor, exercises=True)
            .filter(pk=key)
            .select_related(
                "regime", "reporting_organisation", "handling_organisation", "reported_by", "assigned_to"
            )
            .first()
        ),
    )
    if incident is None:
        raise NotFound
    return incident


def incident_by_reference(*, actor: Actor, reference: str) -> Incident:
    incident = incidents_visible(actor=actor).filter(reference=reference).first()
    if incident is None:
        raise NotFound
    return incident


def incident_may_handle(*, actor: Actor, incident: Incident) -> bool:
    """Triage (acknowledge, assign, status, close, share) is for the handling organisation's handlers."""
    return (
        incident.status != Incident.Status.DRAFT
        and not incident.is_exercise  # a drill report never reaches the real CERT's hands
        and incident.handling_organisation_id in handler_organisations(actor)
        and _named_if_red(actor, incident)
    )


def _named_if_red(actor: Actor, incident: Incident) -> bool:
    """A TLP:RED incident is worked on by the people named on it only."""
    if incident.tlp != Tlp.RED:
        return True
    return (
        actor.user is not None
        and IncidentRecipient.objects.filter(incident=incident, user=actor.user).exists()
    )


def incident_may_edit(*, actor: Actor, incident: Incident) -> bool:
    """The reporter's organisation edits its report until it is closed."""
    return (
        incident.status != Incident.Status.CLOSED
        and incident.reporting_organisation_id in incident_organisations(actor, write=True)
        and _named_if_red(actor, incident)
    )


def incident_is_reporter(*, actor: Actor, incident: Incident) -> bool:
    return incident.reporting_organisation_id in incident_organisations(actor)


@dataclass(frozen=True)
class DeskFilter:
    status: str = ""  # "", "open", a status, or "overdue" / "due"
    organisation: int | None = None
    query: str = ""


def _desk_routes(actor: Actor) -> list[Q]:
    """Index-led filters that, between them, reach every incident visibility_q lets this actor see.

    One for each of visibility_q's terms, each on an index ending in the desk's order (awareness): the
    reporter's own, the handler's, the community's, those shared with the reader's organisations, and
    the TLP:RED ones the reader is named on.
    A new term in visibility_q needs its route here, or the desk will not list what it lets through.
    """
    orgs = incident_organisations(actor)
    if not orgs:
        return []
    shared = IncidentShare.objects.filter(organisation_id__in=orgs).values("incident_id")
    user_id = actor.user.pk if actor.user is not None else 0
    named = IncidentRecipient.objects.filter(user_id=user_id).values("incident_id")
    return [
        Q(reporting_organisation_id__in=orgs),
        Q(handling_organisation_id__in=orgs),
        Q(shared_with_community=True),
        Q(pk__in=shared),
        Q(pk__in=named),  # TLP:RED named people, of any organisation
    ]


DESK_PAGE = 50  # what a desk shows at once; "Older" pages on by awareness and id


def incidents_desk(
    *,
    actor: Actor,
    filters: DeskFilter | None = None,
    limit: int = DESK_PAGE,
    before: tuple[datetime, int] | None = None,
) -> list[Incident]:
    """The list: newest awareness first, with the clocks; the same few queries however many incidents.

    Each route (see _desk_routes) gives its newest `limit` visible incidents through its own index; the
    newest `limit` of those are the page. An OR of the routes in one query would let the planner read
    every visible incident and sort them all.
    `before` (an incident's awareness and id) gives the page after that incident: the next `limit` older.
    """
    rows = _desk_filtered(incidents_visible(actor=actor), filters or DeskFilter())
    if before is not None:
        aware_at, pk = before
        # A range on the index's awareness, the id only to break ties within the same instant.
        rows = rows.filter(Q(aware_at__lt=aware_at) | Q(pk__lt=pk), aware_at__lte=aware_at)
    order = ("-aware_at", "-id")
    found: list[tuple[datetime, int]] = []
    for route in _desk_routes(actor):
        found += rows.filter(route).order_by(*order).values_list("aware_at", "id")[:limit]
    newest = [pk for _, pk in sorted(set(found), reverse=True)[:limit]]
    if not newest:
        return []
    return list(
        incidents_visible(actor=actor)
        .filter(pk__in=newest)
        .select_related("reporting_organisation", "assigned_to")
        .order_by(*order)
    )


def _desk_filtered(rows: QuerySet[Incident], filters: DeskFilter) -> QuerySet[Incident]:
    now = timezone.now()
    if filters.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif filters.status == "overdue":
        rows = rows.filter(status=Incident.Status.DRAFT, notify_by__lt=now) | rows.filter(
            status__in=OPEN_STATUSES, acknowledged_at__isnull=True, notify_by__lt=now
        )
    elif filters.status == "due":
        rows = rows.filter(status__in=[Incident.Status.DRAFT, *OPEN_STATUSES], notify_by__gte=now).filter(
            notify_by__lt=now + timedelta(hours=24)
        )
    elif filters.status in Incident.Status.values:
        rows = rows.filter(status=filters.status)
    if filters.organisation:
        rows = rows.filter(reporting_organisation_id=filters.organisation)
    if filters.query.strip():
        text = filters.query.strip()
        rows = rows.filter(Q(title__icontains=text) | Q(reference__iexact=text))
    return rows


def incident_overdue(incident: Incident, now: datetime | None = None) -> bool:
    """Not notified (still a draft) past the deadline, or the written report late."""
    now = now or timezone.now()
    if incident.status == Incident.Status.DRAFT:
        return bool(incident.notify_by and incident.notify_by < now)
    if (
        incident.written_report_by
        and not incident.written_report_at
        and incident.status != Incident.Status.CLOSED
    ):
        return incident.written_report_by < now
    return False


def incidents_attention_counts(*, actor: Actor) -> dict[str, int]:
    now = timezone.now()
    visible = incidents_visible(actor=actor)
    handled = visible.filter(handling_organisation_id__in=handler_organisations(actor))
    own = visible.filter(reporting_organisation_id__in=incident_organisations(actor))
    return {
        "to_acknowledge": handled.filter(status=Incident.Status.SUBMITTED).count(),
        "drafts_overdue": own.filter(status=Incident.Status.DRAFT, notify_by__lt=now).count(),
        # One row per unanswered request (a join, not a subquery: the kept rule stays compiled).
        "questions": own.filter(entries__kind=IncidentEntry.Kind.REQUEST, entries__answered=False).count(),
        "reports_overdue": own.filter(
            written_report_by__lt=now, written_report_at__isnull=True, status__in=OPEN_STATUSES
        ).count(),
    }


def incident_entries(*, actor: Actor, incident: Incident) -> QuerySet[IncidentEntry]:
    incident_get(actor=actor, pk=incident.pk)
    return incident.entries.select_related("author", "organisation")


def incident_observables(*, actor: Actor, incident: Incident) -> QuerySet[Observable]:
    incident_get(actor=actor, pk=incident.pk)
    return incident.observables.all()


def incident_links(*, actor: Actor, incident: Incident) -> list[Incident]:
    """Linked incidents, only those the reader may see."""
    others = IncidentLink.objects.filter(incident=incident).values("other_id")
    return list(incidents_visible(actor=actor).filter(pk__in=others).select_related("reporting_organisation"))


def incident_shares(*, actor: Actor, incident: Incident) -> list[Organisation]:
    if not (
        incident_may_handle(actor=actor, incident=incident)
        or incident_is_reporter(actor=actor, incident=incident)
    ):
        return []
    return [share.organisation for share in incident.shares.select_related("organisation")]


def observables_by_value(*, actor: Actor, kind: str, value: str) -> QuerySet[Observable]:
    """Observables of visible incidents naming this normalised value (drills check canaries this way)."""
    from lionrock.cyber.intel.correlation import value_key

    return Observable.objects.filter(
        key=value_key(kind, value), incident__in=incidents_visible(actor=actor).values("pk")
    ).select_related("incident")


def handlers_of(*, actor: Actor, incident: Incident) -> QuerySet[User]:
    """People who may be assigned: handlers of the handling organisation."""
    if not incident_may_handle(actor=actor, incident=incident):
        return User.objects.none()
    people = User.objects.filter(
        memberships__organisation_id=incident.handling_organisation_id,
        memberships__is_active=True,
        memberships__role_grants__role__in=HANDLER_ROLES,
        is_active=True,
    )
    if incident.tlp == Tlp.RED:  # only a named person may be given a TLP:RED incident
        people = people.filter(pk__in=IncidentRecipient.objects.filter(incident=incident).values("user_id"))
    return people.distinct()


def regimes_available(*, actor: Actor) -> QuerySet[ReportingRegime]:
    return ReportingRegime.objects.select_related("handling_organisation").order_by("-is_default", "name_en")


@dataclass(frozen=True)
class SectorTimes:
    sector: str
    incidents: int
    to_acknowledge: timedelta | None
    to_contain: timedelta | None
    to_resolve: timedelta | None


def _span(end: str) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(F(end) - F("submitted_at"), output_field=DurationField())


def handling_times_by_sector(*, actor: Actor) -> list[SectorTimes]:
    """Mean time to acknowledge, contain and resolve, from submission, per reporting sector."""
    rows = (
        incidents_visible(actor=actor)
        .exclude(status=Incident.Status.DRAFT)
        .values("reporting_organisation__sector")
        .annotate(
            n=Count("id"),
            ack=Avg(_span("acknowledged_at")),
            contain=Avg(_span("contained_at")),
            resolve=Avg(_span("resolved_at")),
        )
        .order_by("reporting_organisation__sector")
    )
    labels = dict(Organisation.Sector.choices)
    return [
        SectorTimes(
            sector=str(
                labels.get(row["reporting_organisation__sector"], row["reporting_organisation__sector"])
            ),
            incidents=row["n"],
            to_acknowledge=row["ack"],
            to_contain=row["contain"],
            to_resolve=row["resolve"],
        )
        for row in rows
    ]


@dataclass
class SeenElsewhere:
    """Who else, within what the reader may see, shared or sighted an observable's value, and since when."""

    observable: Observable
    organisations: list[str]
    since: datetime | None
    other_incidents: list[Incident]


def observables_seen_elsewhere(*, actor: Actor, incident: Incident, limit: int = 50) -> list[SeenElsewhere]:
    """The existing correlation (intel's value index and monitoring's sightings), for each observable.

    Three lookups for all the observables together (objects naming the values, their sightings, other
    incidents naming them), not three per observable: an incident may carry fifty."""
    from django.db.models import Min

    from lionrock.cyber.intel import selectors as intel_selectors
    from lionrock.cyber.monitoring import selectors as monitoring_selectors

    observables = list(incident.observables.all()[:limit])
    keys = {obs.key for obs in observables}
    if not keys:
        return []
    reporter = incident.reporting_organisation_id
    objects = intel_selectors.values_appearances(actor=actor, keys=keys, limit=100)
    indicator_ids = {row.stix_id for rows in objects.values() for row in rows if row.type == "indicator"}
    sightings: dict[str, list[tuple[int, str, datetime]]] = {}
    if indicator_ids:
        for seen in (
            monitoring_selectors.sightings_visible(actor=actor)
            .filter(indicator_id__in=sorted(indicator_ids))
            .exclude(organisation_id=reporter)
            .values("indicator_id", "organisation_id", "organisation__short_name", "organisation__name_en")
            .annotate(first=Min("first_seen"))
        ):
            name = seen["organisation__short_name"] or seen["organisation__name_en"]
            sightings.setdefault(seen["indicator_id"], []).append(
                (seen["organisation_id"], name, seen["first"])
            )
    others: dict[str, list[Incident]] = {}
    # The visible incidents joined to their observables (the rule stays the outer query, compiled once).
    for found in (
        incidents_visible(actor=actor)
        .exclude(pk=incident.pk)
        .filter(observables__key__in=sorted(keys))
        .annotate(matched_key=F("observables__key"))
        .select_related("reporting_organisation")
        .order_by("matched_key", "-pk")
    ):
        named = others.setdefault(found.matched_key, [])
        if len(named) < 10 and all(seen.pk != found.pk for seen in named):
            named.append(found)
    results = []
    for obs in observables:
        names: dict[int, str] = {}
        moments: list[datetime] = []
        for row in objects.get(obs.key, []):
            if row.created_by_org_id != reporter:
                names[row.created_by_org_id] = str(row.created_by_org)
                moments.append(row.date_added)
            for organisation_id, name, first in (
                sightings.get(row.stix_id, []) if row.type == "indicator" else []
            ):
                names[organisation_id] = name
                moments.append(first)
        for other in others.get(obs.key, []):
            if other.reporting_organisation_id != reporter:
                names[other.reporting_organisation_id] = str(other.reporting_organisation)
                moments.append(other.aware_at)
        results.append(
            SeenElsewhere(
                obs, sorted(names.values()), min(moments) if moments else None, others.get(obs.key, [])
            )
        )
    return results


def notification_clocks(*, actor: Actor) -> QuerySet[NotificationClock]:
    """Every rule, past and present, for the platform administrator's clocks page."""
    from lionrock.core.accounts import access
    from lionrock.core.accounts.roles import Role

    access.require(actor, Role.PLATFORM_ADMIN)
    return NotificationClock.objects.select_related("regime").order_by(
        "regime__name_en", "serious", "-effective_from"
    )


def share_candidates(*, actor: Actor, incident: Incident) -> QuerySet[Organisation]:
    """Organisations an incident may be shared with: active ones other than the reporter and the handler."""
    if incident.is_exercise or not (
        incident_may_handle(actor=actor, incident=incident)
        or incident_may_edit(actor=actor, incident=incident)
    ):
        return Organisation.objects.none()
    return Organisation.objects.filter(is_active=True).exclude(
        pk__in=[incident.reporting_organisation_id, incident.handling_organisation_id]
    )


def incident_ids_naming(keys: list[str]) -> QuerySet[Observable, Any]:
    """Ids (as a subquery) of incidents with an observable of these correlation keys; filter by visibility."""
    return Observable.objects.filter(key__in=keys).values("incident_id")


def exercises_to_report_in(*, actor: Actor, organisation_id: int) -> list[ExerciseRef]:
    """The drills under way the actor's organisation is a team of: it may file drill reports for them."""
    if organisation_id not in incident_organisations(actor, write=True):
        return []
    return exercises_running_for(organisation_id)


def regime_get(*, actor: Actor, pk: int) -> ReportingRegime:
    """A regime for the platform administrator's clocks page; anyone else gets not-found."""
    from lionrock.core.accounts import access
    from lionrock.core.accounts.roles import Role

    access.require(actor, Role.PLATFORM_ADMIN)
    regime = ReportingRegime.objects.filter(pk=pk).select_related("handling_organisation").first()
    if regime is None:
        raise NotFound
    return regime


def regime_handler_candidates(*, actor: Actor) -> QuerySet[Organisation]:
    """Organisations that may handle a new regime's reports: the active ones."""
    from lionrock.core.accounts import access
    from lionrock.core.accounts.roles import Role

    access.require(actor, Role.PLATFORM_ADMIN)
    return Organisation.objects.filter(is_active=True).order_by("name_en")


def incident_recipients(*, actor: Actor, incident: Incident) -> list[User]:
    """The people named to see a TLP:RED incident, for those who may see it."""
    incident_get(actor=actor, pk=incident.pk)
    return [row.user for row in IncidentRecipient.objects.filter(incident=incident).select_related("user")]


def exercise_reports_own(*, actor: Actor, limit: int = 100) -> list[Incident]:
    """The drill reports of the actor's organisations (never on the real desk), newest first."""
    return list(
        incidents_visible(actor=actor, exercises=True)
        .filter(is_exercise=True)
        .select_related("reporting_organisation")
        .order_by("-aware_at", "-id")[:limit]
    )
