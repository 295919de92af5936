"""Demo incidents: the reporting regimes and their clocks, and the incidents the stakeholders reported during
the 15th National Games watch period (November 2025), triaged by GovCERT. Running it again changes nothing.

The Cap. 653 clocks are as publicly described (check the Ordinance and the Code of Practice before relying
on them). The liaison group's voluntary clocks are invented for the demo, on the same 12/48 hour pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.incidents import services
from lionrock.cyber.incidents.clocks import incident_deadlines
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.incidents.services import IncidentDraft, ObservableIn

HK = timezone.get_fixed_timezone(8 * 60)


@dataclass(frozen=True)
class DemoIncident:
    reporter: str
    title: str
    classification: str
    serious: bool
    aware: datetime
    observables: tuple[tuple[str, str, bool], ...]
    status: str
    description: str
    closing: tuple[str, str] | None = None


INCIDENTS = (
    DemoIncident(
        "soc.victoria",
        "DDoS against transit to the Games ticketing front end",
        'rsit:availability="ddos"',
        True,
        datetime(2025, 11, 9, 10, 15, tzinfo=HK),
        (("ipv4-addr", "192.0.2.10", False), ("url", "https://booter.example.com/panel", True)),
        "closed",
        "UDP reflection peaking at 38 Gbit/s towards the ticketing front end during the opening sales.",
        (
            "Scrubbing at the upstream provider within 22 minutes; ticketing degraded, not down.",
            "Pre-arrange upstream scrubbing before each ticket release.",
        ),
    ),
    DemoIncident(
        "noc.ix",
        "Reflection traffic across the exchange towards the ticketing range",
        'rsit:availability="ddos"',
        False,
        datetime(2025, 11, 9, 10, 40, tzinfo=HK),
        (("ipv4-addr", "192.0.2.10", False), ("url", "https://booter.example.com/panel", True)),
        "contained",
        "Members saw the same reflection traffic at the exchange; filtered at the route servers.",
    ),
    DemoIncident(
        "it.events",
        "Phishing e-mails to Games volunteers",
        'rsit:fraud="phishing"',
        False,
        datetime(2025, 11, 11, 8, 30, tzinfo=HK),
        (
            ("domain-name", "games2025-volunteer.example.net", True),
            ("email-addr", "roster@games2025-volunteer.example.net", True),
        ),
        "investigating",
        "Volunteers received e-mails asking them to confirm shifts on a lookalike site.",
    ),
    DemoIncident(
        "soc.kowloon",
        "Scanning of the results service",
        'rsit:information-gathering="scanner"',
        False,
        datetime(2025, 11, 14, 22, 5, tzinfo=HK),
        (("ipv4-addr", "198.51.100.23", True),),
        "acknowledged",
        "Sustained scanning of the results API from one address; no successful access seen.",
    ),
    DemoIncident(
        "security.registry",
        "Lookalike domains of the Games registered",
        'rsit:fraud="masquerade"',
        False,
        datetime(2025, 11, 7, 16, 0, tzinfo=HK),
        (("domain-name", "games2025-tickets.example.org", True),),
        "submitted",
        "Three registrations resembling the ticketing domain; takedown requested from the registrars.",
    ),
)


def _actor(local: str) -> Actor | None:
    user = User.objects.filter(email=f"{local}@lionrock.test").first()
    return actor_for_user(user) if user else None


def incidents_demo_build(*, quiet: bool) -> int:
    govcert = Organisation.objects.filter(slug="govcert").first()
    dpo = Organisation.objects.filter(slug="dpo").first()
    cert = _actor("cert")
    if govcert is None or cert is None:
        return 0
    services.regime_ensure(
        code="cap653",
        name_en="Protection of Critical Infrastructures (Computer Systems) Ordinance (Cap. 653)",
        name_zh="《保護關鍵基礎設施（電腦系統）條例》（第653章）",  # noqa: RUF001
        handling_organisation=govcert,
        is_default=True,
        clocks_from=date(2026, 1, 1),
        source="Cap. 653 as publicly described; check the Ordinance and the Code of Practice",
    )
    voluntary = services.regime_ensure(
        code="iilg-voluntary",
        name_en="Internet Infrastructure Liaison Group: voluntary reporting to GovCERT",
        name_zh="互聯網基礎設施聯絡小組：自願向政府電腦保安事故協調中心報告",  # noqa: RUF001
        handling_organisation=govcert,
        clocks_from=date(2025, 1, 1),
        source="Demo: agreed within the liaison group",
    )
    if Incident.objects.filter(title=INCIDENTS[0].title).exists():
        return 0
    created: list[Incident] = []
    for item in INCIDENTS:
        reporter = _actor(item.reporter)
        if reporter is None:
            continue
        incident = services.incident_create(
            actor=reporter,
            regime=voluntary,
            draft=IncidentDraft(
                title=item.title,
                classification=item.classification,
                detected_at=item.aware - timedelta(minutes=10),
                aware_at=item.aware,
                description=item.description,
                serious=item.serious,
                severity="high" if item.serious else "medium",
                tlp="amber",
                observables=[ObservableIn(type=t, value=v, ioc=ioc) for t, v, ioc in item.observables],
            ),
            source="demo",
        )
        _backdate(incident, item.aware + timedelta(hours=1))
        if item.status in ("acknowledged", "investigating", "contained", "closed"):
            services.incident_acknowledge(actor=cert, incident=incident)
            services.incident_assign(actor=cert, incident=incident, user=cert.user)
        if item.status in ("investigating", "contained"):
            services.incident_status_set(actor=cert, incident=incident, status=item.status)
        if item.status == "investigating":
            services.incident_request_information(
                actor=cert, incident=incident, text="Please send the full headers of two of the e-mails."
            )
        if item.status == "closed" and item.closing:
            services.incident_close(
                actor=cert, incident=incident, summary=item.closing[0], lessons=item.closing[1]
            )
        _handled_at(incident, item.aware)
        if dpo is not None:
            # GovCERT keeps the policy office, which runs the event's watch, in the picture.
            services.incident_share(actor=cert, incident=incident, organisations=[dpo])
        created.append(incident)
    if len(created) >= 2:
        services.incident_link(actor=cert, incident=created[0], other=created[1])
    if not quiet:
        print(f"Demo: {len(created)} incidents during the National Games watch period.")
    return len(created)


def _backdate(incident: Incident, submitted: datetime) -> None:
    """The demo tells a story in November 2025: the report was made then, not today."""
    clock = incident_deadlines(incident)
    Incident.objects.filter(pk=incident.pk).update(
        reference=services._next_reference(submitted),
        created_at=submitted,
        submitted_at=submitted,
        updated_at=submitted,
        written_report_by=submitted + clock.clock.written_report_within
        if clock.clock and clock.clock.written_report_within
        else None,
    )
    incident.refresh_from_db()


def _handled_at(incident: Incident, aware: datetime) -> None:
    incident.refresh_from_db()
    moments = {
        "acknowledged_at": aware + timedelta(hours=1, minutes=20),
        "contained_at": aware + timedelta(hours=3),
        "resolved_at": aware + timedelta(hours=9),
        "closed_at": aware + timedelta(days=2),
    }
    Incident.objects.filter(pk=incident.pk).update(
        **{name: moment for name, moment in moments.items() if getattr(incident, name) is not None},
        written_report_at=aware + timedelta(days=6) if incident.closed_at else None,
    )
    incident.entries.filter(at__gt=aware + timedelta(days=3)).update(
        at=aware + timedelta(hours=1, minutes=20)
    )
