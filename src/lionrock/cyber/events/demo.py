"""Demo major events: the five events of the second half of 2025 with their real dates, the stakeholders'
services and assets (documentation addresses and .test names), readiness partly done, a roster, and the
National Games watch with sightings in its period. Running it again changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from lionrock.core.accounts.access import Actor, actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.events import selectors, services
from lionrock.cyber.events.models import Event
from lionrock.cyber.events.services import EventDraft

NAMESPACE = uuid.UUID("3c0f7b52-93a4-4d0e-8d7e-5f1a2b3c4d5e")

# slug, English, Chinese, first day, last day, days watched before, days after, venues, participants
EVENTS = (
    (
        "war-victory-80th",
        "80th anniversary of the victory of the War of Resistance: commemorative activities",
        "紀念中國人民抗日戰爭暨世界反法西斯戰爭勝利80周年活動",
        date(2025, 9, 3), date(2025, 9, 3), 2, 1,
        "Hong Kong Museum of the War of Resistance and Coastal Defence",
        ("victoria-broadband", "harbour-ix", "major-events"),
    ),
    (
        "ec-subsector-by-elections-2025",
        "Election Committee Subsector By-elections (polling 9 am to 6 pm)",
        "選舉委員會界別分組補選（投票時間上午9時至下午6時）",  # noqa: RUF001
        date(2025, 9, 7), date(2025, 9, 7), 2, 1,
        "Polling stations with the electronic poll register",
        ("victoria-broadband", "kowloon-telecom", "electoral-systems", "chai-wan-cloud"),
    ),
    (
        "national-day-76th",
        "76th anniversary of the founding of the People's Republic of China: celebrations",
        "慶祝中華人民共和國成立76周年",
        date(2025, 10, 1), date(2025, 10, 1), 2, 1,
        "Golden Bauhinia Square\nVictoria Harbour (fireworks)",
        ("victoria-broadband", "harbour-ix", "major-events"),
    ),
    (
        "national-games-2025",
        "15th National Games (co-hosted by Guangdong, Hong Kong and Macao)",
        "第十五屆全國運動會（粵港澳合辦）",  # noqa: RUF001
        date(2025, 11, 9), date(2025, 11, 21), 7, 2,
        "Kai Tak Sports Park\nHong Kong Coliseum\nVictoria Park\nHong Kong Velodrome",
        ("victoria-broadband", "kowloon-telecom", "harbour-ix", "pearl-registry", "major-events",
         "chai-wan-cloud"),
    ),
    (
        "legco-election-2025",
        "Eighth-term Legislative Council general election (polling 7:30 am to 11:30 pm)",
        "第八屆立法會換屆選舉（投票時間上午7時30分至晚上11時30分）",  # noqa: RUF001
        date(2025, 12, 7), date(2025, 12, 7), 3, 2,
        "Over 600 polling stations\nCentral counting station",
        ("victoria-broadband", "kowloon-telecom", "harbour-ix", "pearl-registry", "electoral-systems",
         "chai-wan-cloud"),
    ),
)  # fmt: skip

# event slug -> (organisation slug, service, assets as (kind, value))
SERVICES = {
    "national-games-2025": (
        ("major-events", "Ticketing", (("domain", "tickets.games2025.test"), ("ipv4", "192.0.2.0/26"))),
        (
            "major-events",
            "Results and live scores",
            (("domain", "results.games2025.test"), ("ipv6", "2001:db8:2025::/48")),
        ),
        ("major-events", "Accreditation", (("host", "accreditation.games2025.test"),)),
        ("victoria-broadband", "Transit for the venues", (("asn", "AS64500"), ("ipv4", "198.51.100.0/25"))),
        ("pearl-registry", "DNS for games2025.test", (("domain", "games2025.test"),)),
    ),
    "legco-election-2025": (
        (
            "electoral-systems",
            "Electronic poll register",
            (("host", "epr.elections.test"), ("ipv4", "192.0.2.128/26")),
        ),
        ("electoral-systems", "Results publication", (("domain", "results.elections.test"),)),
    ),
    "ec-subsector-by-elections-2025": (
        ("electoral-systems", "Electronic poll register", (("host", "epr.elections.test"),)),
    ),
}
# readiness done per event and organisation (item codes); the rest stays open, some of it late.
READINESS = {
    "national-games-2025": {
        "major-events": ("ddos-tested", "contacts-confirmed", "backups-restored", "emergency-plan-current"),
        "victoria-broadband": ("ddos-tested", "contacts-confirmed", "patches-applied", "drill-taken-part"),
        "harbour-ix": ("contacts-confirmed",),
        "pearl-registry": ("contacts-confirmed", "patches-applied"),
    },
    "legco-election-2025": {
        "electoral-systems": ("contacts-confirmed", "emergency-plan-current"),
        "victoria-broadband": ("contacts-confirmed",),
    },
}


def _actor(local: str) -> Actor | None:
    user = User.objects.filter(email=f"{local}@lionrock.test").first()
    return actor_for_user(user) if user else None


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    from django.utils import timezone

    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_fixed_timezone(8 * 60))


def events_demo_build(*, quiet: bool) -> int:
    analyst = _actor("analyst")
    orgs = {org.slug: org for org in Organisation.objects.all()}
    if analyst is None or "govcert" not in orgs or Event.objects.filter(slug=EVENTS[0][0]).exists():
        return 0
    built = 0
    for slug, name_en, name_zh, first, last, before, after, venues, participants in EVENTS:
        event = services.event_create(
            actor=analyst,
            organiser=orgs["dpo"],
            draft=EventDraft(
                slug=slug,
                name_en=name_en,
                name_zh=name_zh,
                starts_on=first,
                ends_on=last,
                watch_starts_at=_at(first - timedelta(days=before)),
                watch_ends_at=_at(last + timedelta(days=after), 23, 59),
                venues=venues,
            ),
        )
        services.participant_add(
            actor=analyst,
            event=event,
            organisation=orgs["govcert"],
            coordinator=True,
            responsibility="Incident handling",
        )
        for org_slug in participants:
            if org_slug in orgs:
                services.participant_add(actor=analyst, event=event, organisation=orgs[org_slug])
        _services(analyst, event, orgs)
        _readiness(analyst, event, orgs)
        built += 1
    games = Event.objects.get(slug="national-games-2025")
    _roster(analyst, games, orgs)
    cert = _actor("cert")
    services.alert_level_set(
        actor=analyst, event=games, level="elevated", note="Booter advertisements name the ticketing site."
    )
    if cert is not None:
        services.shift_log_add(
            actor=cert, event=games, text="Opening day: DDoS on ticketing transit mitigated upstream."
        )
    games.shift_log.update(at=_at(date(2025, 11, 9), 12, 0))
    services.event_lessons_set(
        actor=analyst,
        event=games,
        lessons="Ticket releases draw DDoS: arrange upstream scrubbing before each one.",
    )
    _sightings(orgs)
    if not quiet:
        print(f"Demo: {built} major events with services, assets, readiness and the National Games watch.")
    return built


def _services(actor: Actor, event: Event, orgs: dict[str, Organisation]) -> None:
    for org_slug, name, assets in SERVICES.get(event.slug, ()):
        service = services.service_register(actor=actor, event=event, organisation=orgs[org_slug], name=name)
        for kind, value in assets:
            services.asset_add(actor=actor, service=service, kind=kind, value=value)


def _readiness(actor: Actor, event: Event, orgs: dict[str, Organisation]) -> None:
    for org_slug, codes in READINESS.get(event.slug, {}).items():
        for code in codes:
            services.readiness_set(
                actor=actor,
                event=event,
                organisation=orgs[org_slug],
                item=selectors.readiness_item_get(actor=actor, event=event, code=code),
                status="done",
                evidence="Confirmed at the readiness meeting.",
            )


def _roster(actor: Actor, event: Event, orgs: dict[str, Organisation]) -> None:
    shifts = (
        ("govcert", "Cheung Wing-sze", "Duty incident handler", "+852 2000 0101", 8, 20),
        ("govcert", "Ng Hoi-lam", "Night incident handler", "+852 2000 0102", 20, 8),
        ("victoria-broadband", "Lam Tsz-hin", "NOC duty manager", "+852 2000 0201", 8, 20),
        ("major-events", "Mak Sze-wing", "Ticketing IT on call", "+852 2000 0301", 8, 22),
    )
    for day in (date(2025, 11, 9), date(2025, 11, 10)):
        for org_slug, person, role, phone, start, end in shifts:
            starts = _at(day, start)
            ends = _at(day + timedelta(days=1 if end <= start else 0), end)
            services.roster_shift_add(
                actor=actor, event=event, organisation=orgs[org_slug], person=person, role=role, phone=phone,
                starts_at=starts, ends_at=ends,
            )  # fmt: skip


def _sightings(orgs: dict[str, Organisation]) -> None:
    """A booter's target list naming the ticketing front end, and the ISPs' sightings of it in November."""
    from lionrock.cyber.intel import services as intel_services
    from lionrock.cyber.intel.models import Collection
    from lionrock.cyber.intel.services import stix_timestamp
    from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp

    analyst, watch = _actor("analyst"), Collection.objects.filter(alias="major-events-watch").first()
    sightings = Collection.objects.filter(alias="stakeholder-sightings").first()
    if analyst is None or watch is None or sightings is None:
        return
    at = _at(date(2025, 11, 8), 9)
    target = {
        "type": "indicator", "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid5(NAMESPACE, 'games-target')}",
        "created": stix_timestamp(at), "modified": stix_timestamp(at),
        "name": "Booter target list names the Games ticketing front end",
        "pattern": "[ipv4-addr:value = '192.0.2.10']", "pattern_type": "stix",
        "valid_from": stix_timestamp(at),
        "labels": ["ddos", "target", "major-event"], "object_marking_refs": [MARKING_ID_FOR[Tlp.GREEN]],
    }  # fmt: skip
    intel_services.objects_add(actor=analyst, collection=watch, objects=[target], source="demo")
    for local, day, hour, count in (
        ("soc.victoria", 9, 10, 4200),
        ("noc.ix", 9, 11, 1800),
        ("soc.kowloon", 12, 21, 35),
    ):
        person = _actor(local)
        if person is None:
            continue
        seen = _at(date(2025, 11, day), hour)
        sighting = {
            "type": "sighting", "spec_version": "2.1", "id": f"sighting--{uuid.uuid5(NAMESPACE, local)}",
            "created": stix_timestamp(seen), "modified": stix_timestamp(seen),
            "sighting_of_ref": target["id"], "count": count,
            "first_seen": stix_timestamp(seen - timedelta(hours=1)), "last_seen": stix_timestamp(seen),
            "object_marking_refs": [MARKING_ID_FOR[Tlp.AMBER_STRICT]],
        }  # fmt: skip
        intel_services.objects_add(actor=person, collection=sightings, objects=[sighting], source="demo")
