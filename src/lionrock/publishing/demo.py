# ruff: noqa: RUF001, E501
"""Demo publishing: the release the department issued for Operation Contribute, the policy office's
special meeting with the Internet Infrastructure Liaison Group (29 July 2025) with its release, the
summary of the National Games watch, and (games_drill_release_build, called once the drills demo has
built it) the Games readiness drill.

Both drafted and submitted by the information service's press officer and approved by a press officer
of the agency that owns the record (docs/decisions/0015), so the public
pages, the feeds and the audit trail show them as real use would. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.cyber.drills.models import Exercise
from lionrock.cyber.events.models import Event
from lionrock.immigration.enforcement.models import Operation
from lionrock.publishing import services
from lionrock.publishing.models import Meeting, PressRelease

HKT = ZoneInfo("Asia/Hong_Kong")
PRESS_IMMD = "press.immd@lionrock.test"
PRESS_ISD = "press.isd@lionrock.test"
PRESS_DPO = "press.dpo@lionrock.test"

CONTRIBUTE_RELEASE_AT = datetime.combine(date(2026, 1, 15), time(20, 30), tzinfo=HKT)
CONTRIBUTE_PLACE_EN = "premises under renovation in a newly built public housing estate in Sheung Shui"
CONTRIBUTE_PLACE_ZH = "上水一個新落成公共屋邨內裝修中的單位"

MEETING_HELD_ON = date(2025, 7, 29)
MEETING_RELEASE_AT = datetime.combine(MEETING_HELD_ON, time(19, 0), tzinfo=HKT)
MEETING = services.MeetingDetails(
    held_on=MEETING_HELD_ON,
    name_en="a special meeting with the Internet Infrastructure Liaison Group",
    name_zh="互聯網基建聯絡小組特別會議",
    convened_by_en="The Commissioner for Digital Policy",
    convened_by_zh="數字政策專員",
    attendees_en="the Internet service providers, the Internet exchange, the domain name registry, data "
    "centre and cloud operators of the Group, and the Government Computer Emergency Response Team",
    attendees_zh="小組成員中的互聯網服務供應商、互聯網交換中心、域名註冊機構、數據中心及雲端服務營運者，以及"
    "政府電腦保安事故協調中心",
    topics_en="members reviewed recent large-scale denial-of-service attacks on local networks, agreed how "
    "threat indicators will be shared through the platform during major events, and discussed routing "
    "security and the protection of domain name services.",
    topics_zh="與會者檢視近期針對本地網絡的大規模阻斷服務攻擊，議定在大型活動期間透過平台分享威脅指標的安排，"
    "並討論路由保安及域名服務的保護。",
    follow_up_en="The Digital Policy Office will hold a joint attack-and-defence drill with members before the "
    "major events of the coming months, and members will report incidents to the Government Computer "
    "Emergency Response Team through the incident desk.",
    follow_up_zh="數字政策辦公室會在未來數月的大型活動前與成員舉行聯合攻防演練，成員亦會透過事故通報平台向政府電腦"
    "保安事故協調中心通報事故。",
    quotes=(
        {
            "speaker_en": "The Commissioner for Digital Policy",
            "speaker_zh": "數字政策專員",
            "quote_en": "Hong Kong's Internet infrastructure is only as strong as the trust between the people "
            "who run it. Sharing what we see, quickly, is how we stay ahead of attackers.",
            "quote_zh": "香港互聯網基建的穩健，有賴營運者之間的互信。迅速分享所見，才能走在攻擊者之前。",
        },
    ),
)
# The policy office's summary of the National Games watch, the day after the watch ended.
GAMES_EVENT = "national-games-2025"
GAMES_SUMMARY_AT = datetime.combine(date(2025, 11, 24), time(17, 0), tzinfo=HKT)
# The readiness drill before the Games (built by the drills demo), announced the evening it ran.
GAMES_DRILL = "National Games readiness drill 2025"
GAMES_DRILL_RELEASE_TIME = time(18, 0)

ATTENDING = (
    "govcert",
    "victoria-broadband",
    "kowloon-telecom",
    "lantau-fibre",
    "harbour-ix",
    "pearl-registry",
    "tsuen-wan-dc",
    "chai-wan-cloud",
)


def _publish(release: PressRelease, *, submitter: User, approver: User) -> None:
    services.release_submit(actor=actor_for_user(submitter), release=release)
    services.release_approve(actor=actor_for_user(approver), release=release)


def publishing_demo_build(*, quiet: bool) -> int:
    """Adds the demo releases once; returns how many were created."""
    users = {user.email: user for user in User.objects.filter(email__in=[PRESS_IMMD, PRESS_ISD, PRESS_DPO])}
    created = 0
    operation = Operation.objects.filter(organisation__slug="immigration", codename="Contribute").first()
    immd, isd, dpo_press = users.get(PRESS_IMMD), users.get(PRESS_ISD), users.get(PRESS_DPO)
    if (
        operation is not None
        and immd
        and isd
        and not PressRelease.objects.filter(operation=operation).exists()
    ):
        # The information service drafts and submits for the department; the department approves.
        release = services.release_draft_create(
            actor=actor_for_user(isd),
            operation=operation,
            release_at=CONTRIBUTE_RELEASE_AT,
            place_en=CONTRIBUTE_PLACE_EN,
            place_zh=CONTRIBUTE_PLACE_ZH,
        )
        _publish(release, submitter=isd, approver=immd)
        created += 1
    dpo = Organisation.objects.filter(slug="dpo").first()
    if dpo is not None and isd and dpo_press and not Meeting.objects.filter(organisation=dpo).exists():
        meeting = services.meeting_create(
            actor=actor_for_user(isd),
            organisation=dpo,
            details=MEETING,
            attendees=list(Organisation.objects.filter(slug__in=ATTENDING)),
        )
        release = services.release_draft_create(
            actor=actor_for_user(isd), meeting=meeting, release_at=MEETING_RELEASE_AT
        )
        _publish(release, submitter=isd, approver=dpo_press)
        created += 2
    created += _cyber_releases_build(isd, dpo_press)
    created += games_drill_release_build(quiet=True)
    if not quiet and created:
        print(f"Demo: {created} publishing records created.")
    return created


def _cyber_releases_build(isd: User | None, dpo_press: User | None) -> int:
    """The National Games summary: drafted and submitted by the information service, approved by the
    policy office (decision 0015)."""
    if isd is None or dpo_press is None:
        return 0
    event = Event.objects.filter(slug=GAMES_EVENT, organiser__slug="dpo").first()
    if event is None or PressRelease.objects.filter(event=event).exists():
        return 0
    release = services.release_draft_create(
        actor=actor_for_user(isd), event=event, release_at=GAMES_SUMMARY_AT
    )
    _publish(release, submitter=isd, approver=dpo_press)
    return 1


def games_drill_release_build(*, quiet: bool) -> int:
    """The release of the National Games readiness drill, the evening it ran (the demo world builds the
    drills before publishing); running it again changes nothing."""
    users = {user.email: user for user in User.objects.filter(email__in=[PRESS_ISD, PRESS_DPO])}
    isd, dpo_press = users.get(PRESS_ISD), users.get(PRESS_DPO)
    drill = Exercise.objects.filter(
        name_en=GAMES_DRILL,
        organiser__slug="dpo",
        status__in=[Exercise.Status.ENDED, Exercise.Status.CLOSED],
    ).first()
    if isd is None or dpo_press is None or drill is None:
        return 0
    if PressRelease.objects.filter(exercise=drill).exists():
        return 0
    ran_on = (drill.started_at or drill.starts_at).astimezone(HKT).date()
    release = services.release_draft_create(
        actor=actor_for_user(isd),
        exercise=drill,
        release_at=datetime.combine(ran_on, GAMES_DRILL_RELEASE_TIME, tzinfo=HKT),
    )
    _publish(release, submitter=isd, approver=dpo_press)
    if not quiet:
        print("Demo: the National Games readiness drill announced.")
    return 1
