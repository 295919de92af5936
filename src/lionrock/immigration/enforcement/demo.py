"""Demo enforcement data: reports from the public and the hotline, built through the services.

Called by lionrock.demo.world.demo_world_build; running it again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from lionrock.core.accounts.access import actor_for_user
from lionrock.core.accounts.models import Organisation, User
from lionrock.immigration.enforcement import services
from lionrock.immigration.enforcement.models import Operation, Report
from lionrock.immigration.enforcement.services import ReportDetails

DEMO_OFFICER = "officer@lionrock.test"
DEMO_SUBMITTER = "demo"

PUBLIC_REPORTS: tuple[tuple[str, ReportDetails], ...] = (
    (
        "demo-public-1",
        ReportDetails(
            category=Report.Category.ILLEGAL_WORK,
            description="上水新落成公共屋邨有單位裝修，有六名工人，聽說他們持旅遊簽證來港，每天早上七時開工。",  # noqa: RUF001
            address="新界上水新落成公共屋邨裝修中單位",
            district="north",
            premises_type="renovation_site",
            business_name="宏達裝修工程有限公司",
            observed_on=date(2026, 1, 8),
            language="zh-hant",
        ),
    ),
    (
        "demo-public-2",
        ReportDetails(
            category=Report.Category.EMPLOYING,
            description="A restaurant kitchen employs two workers who say they are visitors; they are paid "
            "in cash at the back door after closing.",
            address="G/F, 18 Woosung Street, Jordan",
            district="yau_tsim_mong",
            premises_type="restaurant",
            business_name="Harbour Noodle House Ltd",
            observed_on=date(2026, 11, 20),
            reporter_contact="reporter.demo@example.org",
            language="en",
        ),
    ),
    (
        "demo-public-3",
        ReportDetails(
            category=Report.Category.ILLEGAL_WORK,
            description="Same noodle shop: new faces in the kitchen again this week.",
            address="G/F, 18 Woosung St., Jordan",
            district="yau_tsim_mong",
            premises_type="restaurant",
            business_name="HARBOUR NOODLE HOUSE LIMITED",
            language="en",
        ),
    ),
)

HOTLINE_REPORT = ReportDetails(
    category=Report.Category.OVERSTAYING,
    description="Caller says a warehouse in Kwai Chung has night-shift packers whose visas expired "
    "in the summer.",
    address="Unit 12, 7/F, Kwai Tak Industrial Centre, Kwai Chung",
    district="kwai_tsing",
    premises_type="warehouse",
    reporter_name="Mr Lee",
    reporter_contact="9000 0000",
)


def enforcement_demo_build(*, quiet: bool) -> int:
    """Adds the demo reports once; returns how many were created."""
    organisation = Organisation.objects.filter(slug="immigration").first()
    officer = User.objects.filter(email=DEMO_OFFICER).first()
    if organisation is None or officer is None:
        return 0
    created = 0
    for key, details in PUBLIC_REPORTS:
        if Report.objects.filter(submission_key=key).exists():
            continue
        services.report_submit(
            organisation=organisation,
            details=details,
            files=[],
            submitter_address=DEMO_SUBMITTER,
            submission_key=key,
        )
        created += 1
    if not Report.objects.filter(organisation=organisation, channel=Report.Channel.HOTLINE).exists():
        services.report_log(
            actor=actor_for_user(officer),
            organisation=organisation,
            channel=Report.Channel.HOTLINE,
            details=HOTLINE_REPORT,
            received_at=timezone.now() - timedelta(days=1),
        )
        created += 1
    created += _operation_build(organisation, officer)
    if not quiet and created:
        print(f"Demo: {created} enforcement reports created.")
    return created


# name, Chinese name, sex, age, nationality, status, role, offences
ARRESTED = (
    ("NGUYEN Van Hai", "", "M", 29, "VNM", "illegal_immigrant", "illegal_worker", ("s38aa",)),
    ("TRAN Minh Duc", "", "M", 41, "VNM", "overstayer", "illegal_worker", ("s38aa",)),
    ("LE Quang Vinh", "", "M", 22, "VNM", "visitor", "illegal_worker", ("s41",)),
    ("PHAM Duc Anh", "", "M", 25, "VNM", "visitor", "illegal_worker", ("s41",)),
    ("HUANG Jianguo", "黃建國", "M", 33, "CHN", "visitor", "illegal_worker", ("s41",)),
    ("LIU Zhiqiang", "劉志強", "M", 37, "CHN", "visitor", "illegal_worker", ("s41",)),
    ("WONG Kwok Keung", "黃國強", "M", 45, "HKG", "resident", "employer", ("s17i",)),
)

# As the department announced it: raided on 15 January 2026, Hong Kong time.
CONTRIBUTE_START = datetime.combine(date(2026, 1, 15), time(10, 0), tzinfo=ZoneInfo("Asia/Hong_Kong"))


def _operation_build(organisation: Organisation, officer: User) -> int:
    """Operation Contribute as announced: premises under renovation in a newly built public housing estate
    in Sheung Shui, six suspected illegal workers and one suspected employer arrested, leaflets handed out
    from a promotional vehicle."""
    if Operation.objects.filter(organisation=organisation, codename="Contribute").exists():
        return 0
    actor = actor_for_user(officer)
    start = CONTRIBUTE_START
    operation = services.operation_create(
        actor=actor,
        organisation=organisation,
        codename="Contribute",
        kind=Operation.Kind.ANTI_ILLEGAL_WORKER,
        planned_start=start,
        lead_officer=officer,
        publicity=["leaflets", "vehicle"],
    )
    premises = services.premises_add(
        actor=actor,
        operation=operation,
        address="新界上水新落成公共屋邨裝修中單位",
        district="north",
        premises_type="renovation_site",
        business_name="宏達裝修工程有限公司",
        visited_at=start,
    )
    for name_en, name_zh, sex, age, nationality, status, role, offences in ARRESTED:
        person = services.person_create(
            actor=actor,
            organisation=organisation,
            name_en=name_en,
            name_zh=name_zh,
            sex=sex,
            age_estimate=age,
            nationality=nationality,
            status_category=status,
        )
        services.arrest_record(
            actor=actor,
            operation=operation,
            person=person,
            role=role,
            arrested_at=start + timedelta(minutes=30),
            offence_codes=offences,
            premises=premises,
            work_type="construction" if role == "illegal_worker" else "",
        )
    report = Report.objects.filter(submission_key="demo-public-1").first()
    if report is not None and report.status != Report.Status.CLOSED:
        services.report_link_operation(actor=actor, report=report, operation=operation)
    return 1
