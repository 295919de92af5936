"""The demo world's organisations and people: the agencies, operators and providers of both mission areas.

Names are invented. Built through the core's account services, so the demo leaves the same audit trail as
real use; every other part of the world (lionrock.demo.world) signs in as these people. Running it again
changes nothing.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lionrock.core.accounts import services
from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Membership, Organisation, User
from lionrock.core.accounts.roles import Role

K = Organisation.Kind
S = Organisation.Sector
R = Role

DEMO_DOMAIN = "lionrock.test"
PLATFORM_SLUG = "platform"

# slug, English name, Chinese name, short name, kind, sector
ORGANISATIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (PLATFORM_SLUG, "Platform operations", "平台營運", "Platform", K.GOVERNMENT, S.GOVERNMENT),
    ("dpo", "Digital Policy Office", "數字政策辦公室", "DPO", K.GOVERNMENT, S.GOVERNMENT),
    (
        "govcert",
        "Government Computer Emergency Response Team",
        "政府電腦保安事故協調中心",
        "GovCERT",
        K.CERT,
        S.CYBERSECURITY,
    ),
    (
        "harbourcert",
        "Harbour CERT Coordination Centre",
        "海港電腦保安事故協調中心",
        "HarbourCERT",
        K.CERT,
        S.CYBERSECURITY,
    ),
    (
        "victoria-broadband",
        "Victoria Broadband Limited",
        "維港寬頻有限公司",
        "Victoria Broadband",
        K.INFRASTRUCTURE,
        S.TELECOMS,
    ),
    ("kowloon-telecom", "Kowloon Telecom", "九龍電訊", "Kowloon Telecom", K.INFRASTRUCTURE, S.TELECOMS),
    ("lantau-fibre", "Lantau Fibre Networks", "大嶼光纖網絡", "Lantau Fibre", K.INFRASTRUCTURE, S.TELECOMS),
    (
        "harbour-ix",
        "Harbour Internet Exchange",
        "海港互聯網交換中心",
        "Harbour IX",
        K.INFRASTRUCTURE,
        S.INTERNET_EXCHANGE,
    ),
    (
        "pearl-registry",
        "Pearl Domain Name Registry",
        "明珠域名註冊",
        "Pearl Registry",
        K.INFRASTRUCTURE,
        S.DOMAIN_REGISTRY,
    ),
    (
        "tsuen-wan-dc",
        "Tsuen Wan Data Centre",
        "荃灣數據中心",
        "TW Data Centre",
        K.INFRASTRUCTURE,
        S.DATA_CENTRE,
    ),
    (
        "chai-wan-cloud",
        "Chai Wan Cloud Campus",
        "柴灣雲端園區",
        "Chai Wan Cloud",
        K.INFRASTRUCTURE,
        S.DATA_CENTRE,
    ),
    (
        "major-events",
        "Sports and Major Events Office",
        "體育及大型活動辦公室",
        "Major Events",
        K.GOVERNMENT,
        S.SPORTS_AND_EVENTS,
    ),
    (
        "electoral-systems",
        "Electoral Systems Unit",
        "選舉系統組",
        "Electoral Systems",
        K.GOVERNMENT,
        S.GOVERNMENT,
    ),
    ("immigration", "Immigration Department", "入境事務處", "ImmD", K.LAW_ENFORCEMENT, S.LAW_ENFORCEMENT),
    (
        "anti-trafficking-alliance",
        "Harbour Anti-Trafficking Alliance",
        "海港反人口販運聯盟",
        "HATA",
        K.SUPPORT_SERVICE,
        S.SOCIAL_SERVICES,
    ),
    (
        "migrant-support",
        "Migrant Workers Support Centre",
        "外來工人支援中心",
        "MWSC",
        K.SUPPORT_SERVICE,
        S.SOCIAL_SERVICES,
    ),
    (
        "safe-harbour-shelter",
        "Safe Harbour Shelter",
        "安港庇護中心",
        "Safe Harbour",
        K.SUPPORT_SERVICE,
        S.SOCIAL_SERVICES,
    ),
    (
        "information-services",
        "Information Services Department",
        "政府新聞處",
        "ISD",
        K.GOVERNMENT,
        S.GOVERNMENT,
    ),
)

# local part, full name, organisation slug, roles
PEOPLE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("admin", "Alex Chan", PLATFORM_SLUG, (R.PLATFORM_ADMIN, R.ORG_ADMIN)),
    ("analyst", "Wong Ka-yan", "dpo", (R.INTEL_ANALYST, R.DRILL_PLANNER, R.ORG_ADMIN)),
    ("watch", "Lee Chi-ming", "dpo", (R.INTEL_ANALYST, R.MONITORING_OPERATOR)),
    ("cert", "Cheung Wing-sze", "govcert", (R.INTEL_ANALYST, R.INCIDENT_HANDLER, R.ORG_ADMIN)),
    ("hcc", "Ng Hoi-lam", "harbourcert", (R.INTEL_ANALYST, R.INCIDENT_HANDLER)),
    (
        "soc.victoria",
        "Lam Tsz-hin",
        "victoria-broadband",
        (R.INTEL_STAKEHOLDER, R.MONITORING_OPERATOR, R.INCIDENT_HANDLER, R.DRILL_PARTICIPANT, R.ORG_ADMIN),
    ),
    (
        "soc.kowloon",
        "Ho Man-kit",
        "kowloon-telecom",
        (R.INTEL_STAKEHOLDER, R.MONITORING_OPERATOR, R.DRILL_PARTICIPANT),
    ),
    ("noc.lantau", "Yip Sin-yi", "lantau-fibre", (R.INTEL_STAKEHOLDER, R.MONITORING_OPERATOR)),
    (
        "noc.ix",
        "Tang Kwok-wai",
        "harbour-ix",
        (R.INTEL_STAKEHOLDER, R.MONITORING_OPERATOR, R.DRILL_PARTICIPANT),
    ),
    ("security.registry", "Leung Pui-shan", "pearl-registry", (R.INTEL_STAKEHOLDER, R.INCIDENT_HANDLER)),
    ("ops.tsuenwan", "Fung Chun-yu", "tsuen-wan-dc", (R.INTEL_STAKEHOLDER, R.MONITORING_OPERATOR)),
    ("ops.chaiwan", "Kwan Hiu-tung", "chai-wan-cloud", (R.INTEL_STAKEHOLDER, R.MONITORING_OPERATOR)),
    (
        "it.events",
        "Mak Sze-wing",
        "major-events",
        (R.INTEL_STAKEHOLDER, R.INCIDENT_HANDLER, R.DRILL_PARTICIPANT),
    ),
    ("it.elections", "Choi Ka-lok", "electoral-systems", (R.INTEL_STAKEHOLDER, R.INCIDENT_HANDLER)),
    ("officer", "Chow Kin-fai", "immigration", (R.ENFORCEMENT_OFFICER,)),
    ("taskforce.lead", "Siu Wai-man", "immigration", (R.ENFORCEMENT_OFFICER, R.ORG_ADMIN)),
    ("screening", "Poon Lok-yi", "immigration", (R.SCREENING_OFFICER,)),
    ("supervisor", "Kwok Mei-ling", "immigration", (R.SCREENING_SUPERVISOR, R.SCREENING_OFFICER)),
    # A second supervisor, so that a decision one supervisor records can be approved by the other (four eyes).
    ("supervisor2", "Ho Siu-ling", "immigration", (R.SCREENING_SUPERVISOR, R.SCREENING_OFFICER)),
    ("press.immd", "Yuen Hoi-ching", "immigration", (R.PRESS_OFFICER,)),
    ("caseworker", "Maria Santos", "anti-trafficking-alliance", (R.SERVICE_PROVIDER, R.ORG_ADMIN)),
    ("counsellor", "Priya Raman", "migrant-support", (R.SERVICE_PROVIDER,)),
    ("shelter", "Chan Siu-fong", "safe-harbour-shelter", (R.SERVICE_PROVIDER,)),
    ("press.isd", "Lo Hiu-kwan", "information-services", (R.PRESS_OFFICER,)),
    ("press.dpo", "Tse Wing-kei", "dpo", (R.PRESS_OFFICER,)),
)


class DemoRefused(RuntimeError):
    """The database holds data that is not demo data, and --force was not given."""


@dataclass
class DemoWorld:
    password: str
    created_organisations: int = 0
    created_people: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def _password_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-password"


def _demo_password() -> str:
    """LIONROCK_DEMO_PASSWORD, or one generated once and kept (mode 0600) beside the data."""
    configured = os.environ.get("LIONROCK_DEMO_PASSWORD")
    if configured:
        return configured
    path = _password_file()
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = "-".join(secrets.token_hex(3) for _ in range(4))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password)
    return password


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def accounts_demo_build(*, force: bool, quiet: bool) -> DemoWorld:
    """The organisations and people of the demo world, with one shared password; first of every part.

    Refuses (DemoRefused) a database that holds anything but demo data unless `force` is given, and a
    configured password the validators reject. Runs inside the caller's transaction.
    """
    demo_slugs = {row[0] for row in ORGANISATIONS}
    foreign = (
        Organisation.objects.exclude(slug__in=demo_slugs).exists()
        or User.objects.exclude(email__endswith=f"@{DEMO_DOMAIN}").exists()
    )
    if foreign and not force:
        raise DemoRefused("this database already holds real data; add --force to add demo data beside it")

    world = DemoWorld(password=_demo_password())
    try:
        validate_password(world.password)
    except ValidationError as exc:
        raise DemoRefused("LIONROCK_DEMO_PASSWORD is too weak: " + " ".join(exc.messages)) from exc
    admin_email = demo_email(PEOPLE[0][0])
    admin = User.objects.filter(email=admin_email).first()
    if admin is None:
        admin = services.platform_admin_create(
            email=admin_email,
            full_name=PEOPLE[0][1],
            password=world.password,
            organisation_slug=PLATFORM_SLUG,
        )
        admin.must_change_password = False
        admin.save(update_fields=["must_change_password"])
        world.created_people += 1
    actor = actor_for_user(admin)

    organisations = {org.slug: org for org in Organisation.objects.filter(slug__in=demo_slugs)}
    for slug, name_en, name_zh, short, kind, sector in ORGANISATIONS:
        if slug not in organisations:
            organisations[slug] = services.organisation_create(
                actor=actor,
                slug=slug,
                name_en=name_en,
                name_zh=name_zh,
                short_name=short,
                kind=kind,
                sector=sector,
                contact_email=f"security@{slug}.{DEMO_DOMAIN}",
            )
            world.created_organisations += 1

    existing = set(
        Membership.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").values_list(
            "user__email", "organisation__slug"
        )
    )
    for local, full_name, slug, roles in PEOPLE:
        email = demo_email(local)
        world.accounts.append(
            (email, str(organisations[slug]), ", ".join(str(r.label) for r in map(Role, roles)))
        )
        if (email, slug) in existing:
            continue
        membership, _password = services.member_add(
            actor=actor, organisation=organisations[slug], email=email, full_name=full_name, roles=roles
        )
        user = membership.user
        user.set_password(world.password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        world.created_people += 1
    if not quiet:
        print(f"Demo: {world.created_organisations} organisations and {world.created_people} people created.")
    return world
