"""Demo intelligence: GovCERT and policy-office collections shared with the ISPs, indicators in every TLP,
a malware family, a relationship, a sighting from an ISP and a report tying them together.

Only reserved documentation values are used (example.com/.net/.org, 192.0.2.0/24, 198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32). Called by lionrock.demo.world.demo_world_build; running it
again changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from lionrock.core.accounts.access import Actor, actor_for_email
from lionrock.core.accounts.models import Organisation
from lionrock.cyber.intel import services
from lionrock.cyber.intel.models import Collection, SharingGroup, StixObject
from lionrock.cyber.intel.services import stix_timestamp
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp

DEMO_NAMESPACE = uuid.UUID("6f1d3c1e-7a43-4c55-9a3e-2b8f6f3d9a10")
ISP_SLUGS = ("victoria-broadband", "kowloon-telecom", "lantau-fibre", "harbour-ix")


def _id(stix_type: str, key: str) -> str:
    return f"{stix_type}--{uuid.uuid5(DEMO_NAMESPACE, key)}"


def _base(stix_type: str, key: str, tlp: Tlp, at: datetime, **extra: Any) -> dict[str, Any]:
    stamp = stix_timestamp(at)
    return {
        "type": stix_type,
        "spec_version": "2.1",
        "id": _id(stix_type, key),
        "created": stamp,
        "modified": stamp,
        "object_marking_refs": [MARKING_ID_FOR[tlp]],
        **extra,
    }


def _indicator(
    key: str, tlp: Tlp, at: datetime, name: str, pattern: str, labels: list[str], **extra: Any
) -> dict[str, Any]:
    return _base(
        "indicator",
        key,
        tlp,
        at,
        name=name,
        pattern=pattern,
        pattern_type="stix",
        valid_from=stix_timestamp(at),
        labels=labels,
        **extra,
    )


def _collection(actor: Actor, owner: Organisation, alias: str, **settings: Any) -> Collection:
    existing = Collection.objects.filter(alias=alias).first()
    return existing or services.collection_create(actor=actor, owner=owner, alias=alias, **settings)


def intel_demo_build(*, quiet: bool) -> int:
    """Adds the demo collections and objects once; returns how many object versions were stored."""
    cert, analyst, isp = (
        actor_for_email("cert@lionrock.test", ip_address=None),
        actor_for_email("analyst@lionrock.test", ip_address=None),
        actor_for_email("soc.victoria@lionrock.test", ip_address=None),
    )
    slugs = [*ISP_SLUGS, "govcert", "dpo", "major-events", "electoral-systems"]
    orgs = {org.slug: org for org in Organisation.objects.filter(slug__in=slugs)}
    if cert is None or analyst is None or isp is None or len(orgs) < len(slugs):
        return 0
    group = SharingGroup.objects.filter(slug="isps").first() or services.sharing_group_create(
        actor=cert,
        slug="isps",
        name="Internet service providers",
        description="The ISPs and the Internet exchange of the liaison group.",
        organisations=[orgs[slug] for slug in ISP_SLUGS],
    )
    govcert = _collection(
        cert,
        orgs["govcert"],
        "govcert-indicators",
        title="GovCERT indicators",
        description="Indicators curated by GovCERT for the Internet infrastructure stakeholders.",
        default_tlp=Tlp.AMBER,
        max_tlp=Tlp.RED,
    )
    events = _collection(
        analyst,
        orgs["dpo"],
        "major-events-watch",
        title="Major events watch",
        description="Threats to elections, the national games and anniversary events.",
        default_tlp=Tlp.GREEN,
        max_tlp=Tlp.AMBER_STRICT,
    )
    advisories = _collection(
        cert,
        orgs["govcert"],
        "public-advisories",
        title="Public advisories",
        description="Indicators that may be shared freely, published with GovCERT's advisories.",
        default_tlp=Tlp.CLEAR,
        max_tlp=Tlp.GREEN,
    )
    if StixObject.objects.filter(stix_id=_id("indicator", "botnet-c2")).exists():
        return 0

    services.collection_grant_set(actor=cert, collection=govcert, group=group, can_read=True, can_write=False)
    services.collection_grant_set(
        actor=cert, collection=govcert, organisation=orgs["victoria-broadband"], can_read=True, can_write=True
    )
    services.collection_grant_set(
        actor=cert, collection=advisories, group=group, can_read=True, can_write=True
    )
    assert isp.user is not None
    services.collection_red_recipients_set(actor=cert, collection=govcert, users=[isp.user])
    for slug, write in (("major-events", True), ("electoral-systems", False), ("govcert", True)):
        services.collection_grant_set(
            actor=analyst, collection=events, organisation=orgs[slug], can_read=True, can_write=write
        )
    services.collection_grant_set(
        actor=analyst, collection=events, group=group, can_read=True, can_write=False
    )

    now = timezone.now().replace(microsecond=0)
    day = timedelta(days=1)
    c2 = _indicator(
        "botnet-c2",
        Tlp.AMBER,
        now - 2 * day,
        "Harbour Rat botnet controller",
        "[ipv4-addr:value = '198.51.100.23']",
        ["botnet", "c2"],
        description="Command-and-control server of a botnet of home routers on local broadband networks.",
        confidence=85,
        valid_until=stix_timestamp(now + 30 * day),
    )
    malware = _base(
        "malware",
        "harbour-rat",
        Tlp.GREEN,
        now - 2 * day,
        name="Harbour Rat",
        is_family=True,
        malware_types=["bot", "remote-access-trojan"],
        description="Remote-access trojan spread through weak router passwords.",
    )
    indicates = _base(
        "relationship",
        "c2-indicates-harbour-rat",
        Tlp.AMBER,
        now - 2 * day,
        relationship_type="indicates",
        source_ref=c2["id"],
        target_ref=malware["id"],
    )
    govcert_objects = [
        c2,
        malware,
        indicates,
        _indicator(
            "parcel-phish",
            Tlp.GREEN,
            now - day,
            "Parcel-delivery smishing domain",
            "[domain-name:value = 'hk-parcel-delivery.example.net']",
            ["phishing", "smishing"],
            description="Linked from SMS messages claiming a parcel is held for customs fees.",
            confidence=90,
            valid_until=stix_timestamp(now + 3 * day),
        ),
        _indicator(
            "loader-hash",
            Tlp.GREEN,
            now - 3 * day,
            "Harbour Rat loader",
            "[file:hashes.'SHA-256' = '4c3a9f2b8e1d7a6c5b4f3e2d1c0b9a8f7e6d5c4b3a2918f7e6d5c4b3a2f1e0d9']",
            ["botnet", "loader"],
        ),
        _indicator(
            "staging-host",
            Tlp.AMBER_STRICT,
            now - day,
            "Intrusion staging host",
            "[ipv6-addr:value = '2001:db8:85a3::8a2e:370:7334']",
            ["targeted-intrusion"],
            description="Used to stage tools before lateral movement; share only inside the named ISPs.",
        ),
        _indicator(
            "ransom-desk",
            Tlp.RED,
            now - timedelta(hours=5),
            "Ransomware negotiation portal",
            "[domain-name:value = 'payments.ransom-desk.example.org']",
            ["ransomware"],
            description="Portal named in a live incident; for the named responders only.",
        ),
    ]
    stored = len(
        services.objects_add(
            actor=cert,
            collection=govcert,
            objects=govcert_objects,
            source="demo",
            recipient_organisations=[orgs["kowloon-telecom"]],
        ).added
    )
    stored += len(
        services.objects_add(
            actor=analyst,
            collection=events,
            objects=[
                _indicator(
                    "ticketing-scan",
                    Tlp.AMBER,
                    now - day,
                    "Scanning of event ticketing systems",
                    "[ipv4-addr:value = '203.0.113.0/24']",
                    ["scanning", "major-event"],
                ),
                _indicator(
                    "c2-at-events",
                    Tlp.AMBER,
                    now - timedelta(hours=6),
                    "Botnet controller probing the results website",
                    "[ipv4-addr:value = '198.51.100.23']",
                    ["botnet", "major-event"],
                ),
                _indicator(
                    "booter",
                    Tlp.GREEN,
                    now - 4 * day,
                    "DDoS-for-hire panel",
                    "[url:value = 'https://booter.example.com/panel']",
                    ["ddos"],
                    valid_until=stix_timestamp(now + 5 * day),
                ),
            ],
            source="demo",
        ).added
    )
    stored += len(
        services.objects_add(
            actor=cert,
            collection=advisories,
            objects=[
                _indicator(
                    "fake-bank-login",
                    Tlp.CLEAR,
                    now - 6 * day,
                    "Fake online-banking login page",
                    "[url:value = 'http://secure-login.example.com/hk/verify']",
                    ["phishing"],
                ),
                _indicator(
                    "scanner",
                    Tlp.CLEAR,
                    now - 8 * day,
                    "Mass scanner of remote-desktop services",
                    "[ipv4-addr:value = '192.0.2.77']",
                    ["scanning"],
                ),
            ],
            source="demo",
        ).added
    )
    sighting = _base(
        "sighting",
        "c2-seen-at-victoria",
        Tlp.AMBER,
        now - timedelta(hours=1),
        sighting_of_ref=c2["id"],
        count=4,
        first_seen=stix_timestamp(now - day),
        last_seen=stix_timestamp(now - timedelta(hours=2)),
        description="Outbound connections from four customer routers.",
    )
    stored += len(
        services.objects_add(actor=isp, collection=govcert, objects=[sighting], source="demo").added
    )
    services.report_create(
        actor=cert,
        collection=govcert,
        draft=services.ReportDraft(
            name="Harbour Rat botnet on local broadband networks",
            published=now,
            object_refs=[c2["id"], malware["id"], indicates["id"], _id("indicator", "loader-hash")],
            description="Home routers with default passwords are being recruited into a botnet whose "
            "controller also probed major-event websites. Block the controller and reset exposed routers.",
            labels=["botnet"],
            tlp=Tlp.AMBER,
        ),
        source="demo",
    )
    stored += 1
    if not quiet:
        print(f"Demo: {stored} intelligence objects in 3 collections shared with the ISPs.")
    return stored
