"""Shared fixtures of the assessments tests, on top of the ``world`` of tests/conftest.py::

    350500 泉州市 (city) ── its safety committee office, government and housing bureau
    ├── 350582 晋江市 (county A) ── 安海镇 ── 安平村
    └── 350583 南安市 (county B) ── 溪美街道 ── 东门社区

- ``city_office`` / ``office_a`` / ``office_b``: a safety-office user at each level (the
  county A one is the world's own safety-office user);
- ``city_orgs``: the city's safety committee, its office, its government and a department;
- ``enterprise_a`` / ``enterprise_b``: an enterprise in each county's township, supervised
  (primary) by that county's emergency-management bureau;
- ``report_accident``: records an accident through the service with sensible defaults.

Other fixtures are appended at the end of this file, each section with its own heading.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from responsibility.choices import OrganizationKind, PostRole
from responsibility.roles import Role
from tests.factories import (
    EnterpriseFactory,
    EnterpriseSupervisionFactory,
    OrganizationFactory,
    official_user,
)

# --- Offices at each level --------------------------------------------------------------------


@pytest.fixture
def city_orgs(world) -> dict:
    committee = OrganizationFactory(jurisdiction=world.city, name="泉州市安全生产委员会", kind=OrganizationKind.SAFETY_COMMITTEE)
    return {
        "committee": committee,
        "office": OrganizationFactory(
            jurisdiction=world.city, name="泉州市安委会办公室", kind=OrganizationKind.SAFETY_OFFICE, parent=committee
        ),
        "government": OrganizationFactory(jurisdiction=world.city, name="泉州市人民政府", kind=OrganizationKind.GOVERNMENT),
        "housing": OrganizationFactory(
            jurisdiction=world.city, name="泉州市住房和城乡建设局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT
        ),
    }


@pytest.fixture
def city_office(world, city_orgs):
    return official_user(
        role=Role.SAFETY_OFFICE, organization=city_orgs["office"], post_role=PostRole.OFFICE_STAFF, username="city_office",
        display_name="市安办",
    )


@pytest.fixture
def office_a(world):
    return world.user(Role.SAFETY_OFFICE)


@pytest.fixture
def office_b(world):
    return official_user(
        role=Role.SAFETY_OFFICE, organization=world.b.orgs["office"], post_role=PostRole.OFFICE_STAFF, username="b_office",
        display_name="南安安办",
    )


# --- Enterprises ------------------------------------------------------------------------------


@pytest.fixture
def enterprise_a(world):
    enterprise = EnterpriseFactory(jurisdiction=world.a.township, name="晋江鞋业有限公司")
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.a.orgs["emergency"])
    return enterprise


@pytest.fixture
def enterprise_b(world):
    enterprise = EnterpriseFactory(jurisdiction=world.b.township, name="南安石材有限公司")
    EnterpriseSupervisionFactory(enterprise=enterprise, organization=world.b.orgs["emergency"])
    return enterprise


# --- Accidents --------------------------------------------------------------------------------


def hours_ago(hours: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


@pytest.fixture
def report_accident(world):
    """``report_accident(enterprise=…, actor=…, **facts)``: an accident recorded through the
    service (by county A's office unless ``actor`` is given), occurred two days ago and
    reported 30 minutes later, unless the facts say otherwise."""
    from assessments.services.accidents import accident_report

    def report(*, actor=None, **fields):
        occurred = fields.pop("occurred_at", None) or hours_ago(48)
        values = {
            "title": "车间机械伤害事故",
            "accident_type": "machinery",
            "occurred_at": occurred,
            "reported_at": occurred + datetime.timedelta(minutes=30),
            "deaths": 0,
            "serious_injuries": 0,
            "direct_loss": Decimal("10"),
            **fields,
        }
        return accident_report(actor=actor or world.user(Role.SAFETY_OFFICE), **values)

    return report


# --- Schemes and rounds (scoring engine) --------------------------------------------------------

#: A finished quarter the scoring tests assess (records are dated inside it).
ROUND_YEAR = 2025
ROUND_QUARTER = 3
IN_QUARTER = datetime.date(2025, 8, 15)

SCHEME_NAMES = {
    ("government", "quarterly"): "下级政府安全生产目标责任制季度考核细则",
    ("government", "annual"): "下级政府安全生产目标责任制年度考核细则",
    ("department", "quarterly"): "安委会成员单位安全生产季度考核细则",
    ("department", "annual"): "安委会成员单位安全生产年度考核细则",
}


@pytest.fixture
def seeded_scheme():
    """``seeded_scheme("government", "quarterly")``: a platform default scheme (migration 0002)."""
    from assessments.models import AssessmentScheme

    def get(target_kind: str = "government", period_kind: str = "quarterly"):
        return AssessmentScheme.objects.get(jurisdiction__isnull=True, name=SCHEME_NAMES[(target_kind, period_kind)], version=1)

    return get


def build_scheme(*, target_kind: str = "government", period_kind: str = "quarterly", jurisdiction=None, name: str = "测试考核细则",
                 items=None, bands=(("excellent", 90), ("good", 80), ("qualified", 60))):
    """A small scheme written directly (no service): ``items`` are (category, max, [indicator
    fields]) like the seeded data; by default one category of 100 points: a manual item of 60
    and a computed item of 40 (hazards on time), a bonus of 5, the 50-point deduction and the two
    accident vetoes (Jinjiang at 2)."""
    from assessments.models import AssessmentScheme, GradeBand, Indicator, SchemeCategory

    larger = ["larger", "major", "extraordinary"]
    items = items or [
        ("基本", 100, [
            {"code": "M1", "name": "人工评分", "kind": "manual", "max_points": 60, "evidence_required": True},
            {"code": "C1", "name": "隐患按期整改率", "kind": "computed", "max_points": 40, "metric": "hazards_on_time"},
            {"code": "B1", "name": "加分", "kind": "bonus", "max_points": 5},
            {"code": "D1", "name": "死亡2人事故扣50分", "kind": "deduction", "metric": "accidents",
             "params": {"min_deaths": 2, "window": "period"}, "points_each": 50},
            {"code": "V1", "name": "较大事故取消评先", "kind": "veto", "metric": "accidents",
             "params": {"levels": larger, "window": "year", "thresholds_by_code": {"350582": 2, "350583": 2}},
             "threshold": 1, "veto_effect": "no_excellence"},
            {"code": "V2", "name": "3起较大事故不合格", "kind": "veto", "metric": "accidents",
             "params": {"levels": larger, "window": "year"}, "threshold": 3, "veto_effect": "unqualified"},
        ]),
    ]
    scheme = AssessmentScheme.objects.create(
        name=name, jurisdiction=jurisdiction, target_kind=target_kind, period_kind=period_kind, total_points=100
    )
    for position, (category_name, points, indicators) in enumerate(items, start=1):
        category = SchemeCategory.objects.create(scheme=scheme, name=category_name, max_points=points, position=position)
        for i, fields in enumerate(indicators, start=1):
            Indicator.objects.create(category=category, position=i, **fields)
    for grade, total in bands:
        GradeBand.objects.create(scheme=scheme, grade=grade, min_total=total)
    return scheme


@pytest.fixture
def make_scheme(db):
    return build_scheme


@pytest.fixture
def city_departments(world, city_orgs):
    """The city's housing bureau and emergency bureau seated on the city safety committee (its
    member departments), plus the city's organization department."""
    from tests.factories import CommitteeMembershipFactory, PostFactory

    emergency = OrganizationFactory(
        jurisdiction=world.city, name="泉州市应急管理局", kind=OrganizationKind.SUPERVISORY_DEPARTMENT, function="emergency"
    )
    for department in (city_orgs["housing"], emergency):
        post = PostFactory(organization=department, role=PostRole.DEPARTMENT_HEAD, official__registered_in=world.city)
        CommitteeMembershipFactory(body=city_orgs["committee"], post=post, position="member")
    organization = OrganizationFactory(
        jurisdiction=world.city, name="中共泉州市委组织部", kind=OrganizationKind.PARTY_DEPARTMENT, function="organization"
    )
    return {"housing": city_orgs["housing"], "emergency": emergency, "organization": organization}


def make_accident(*, jurisdiction, occurred_on: datetime.date, deaths: int = 0, serious_injuries: int = 0,
                  supervising_department=None, title: str = "事故", **fields):
    """An accident row written directly (the level follows from the facts on save)."""
    from assessments.models import Accident

    occurred = timezone.make_aware(datetime.datetime.combine(occurred_on, datetime.time(10, 0)))
    return Accident.objects.create(
        title=title, occurred_at=occurred, reported_at=occurred + datetime.timedelta(minutes=20), jurisdiction=jurisdiction,
        accident_type=fields.pop("accident_type", "machinery"), deaths=deaths, serious_injuries=serious_injuries,
        supervising_department=supervising_department, **fields,
    )


def make_hazard(*, jurisdiction, deadline: datetime.date, status: str = "rectifying", rectified_on=None, level: str = "general",
                supervising_department=None, found_on: datetime.date | None = None, closed_at=None, title: str = "隐患"):
    """A hazard row written directly, with the deadline and outcome a metric looks at."""
    from hazards.models import Hazard
    from tests.factories import sector

    return Hazard.objects.create(
        jurisdiction=jurisdiction, sector=sector(), category="equipment", level=level, source="department_inspection",
        title=title, description="—", found_on=found_on or deadline - datetime.timedelta(days=30), status=status,
        deadline=deadline, original_deadline=deadline, rectified_on=rectified_on, supervising_department=supervising_department,
        closed_at=closed_at,
    )


# --- Accountability, duty-performance dossiers and trace-back -------------------------------------

#: The period the dossier tests cover: two whole years, so a yearly quota has a short year.
DOSSIER_START = datetime.date(2024, 1, 1)
DOSSIER_END = datetime.date(2025, 12, 31)


@pytest.fixture
def eager_celery():
    """Celery tasks run in the calling process (as with ``CELERY_TASK_ALWAYS_EAGER``)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def accountability_links():
    """The object links of the accountability features, as AssessmentsConfig.ready registers them."""
    from assessments.links_accountability import ACCOUNTABILITY_LINKS
    from core.registry import register_object_link

    for link in ACCOUNTABILITY_LINKS:
        register_object_link(link)
    return ACCOUNTABILITY_LINKS


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def make_inspection(*, lead, day: datetime.date, jurisdiction, enterprises=(), participants=(), status: str = "submitted",
                    summary: str = "检查安全生产情况"):
    """A submitted inspection row written directly, with its enterprises and participants."""
    from inspections.models import Inspection, InspectionParticipant, InspectionTarget

    inspection = Inspection.objects.create(
        jurisdiction=jurisdiction, started_at=at(day), lead_official=lead, status=status, summary=summary,
        submitted_at=at(day, 12) if status == "submitted" else None,
    )
    for enterprise in enterprises:
        InspectionTarget.objects.create(inspection=inspection, enterprise=enterprise)
    for official in participants:
        InspectionParticipant.objects.create(inspection=inspection, official=official)
    return inspection


def make_patrol_finding(*, issuing, target_jurisdiction, unit, found_on: datetime.date, category: str = "dereliction",
                        title: str = "落实安全生产责任不到位", status: str = "closed"):
    """A patrol of ``target_jurisdiction`` issued by ``issuing`` (written directly, at ``status``)
    with one finding about ``unit``."""
    from patrols.models import Patrol, PatrolFinding, PatrolTarget, PatrolTerm

    term, _ = PatrolTerm.objects.get_or_create(
        issuing_jurisdiction=issuing, name="测试届",
        defaults={"start_date": datetime.date(2024, 1, 1), "end_date": datetime.date(2026, 12, 31)},
    )
    target = PatrolTarget.objects.create(term=term, kind="party_government", jurisdiction=target_jurisdiction,
                                         name=f"{target_jurisdiction.name}{PatrolTarget.objects.count()}")
    patrol = Patrol.objects.create(term=term, target=target, kind="special", status=status, group_name="第一巡查组")
    return PatrolFinding.objects.create(
        patrol=patrol, number=1, category=category, title=title, description="未按要求开展检查", responsible_unit=unit,
        found_on=found_on,
    )


def build_duty_records(world, enterprise, *, extra: int = 0) -> dict:
    """What the dossier tests expect for county A's leader in charge of work safety (the world's
    ``leader`` login, post since 2020) over 2024–2025, written directly; ``extra`` adds that many
    more of every kind of record (the query count must not move)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.models import AccountabilityDecision
    from hazards.models import LeaderVisit
    from responsibility.models import PowerListVersion, ResponsibilityItem, WorkItemCheck, WorkList
    from tests.factories import MeetingFactory, OfficialFactory, WorkItemFactory

    leader_user = world.user(Role.LEADER)
    official = leader_user.official
    post = official.posts.get()
    county, government = world.a.county, world.a.orgs["government"]
    D = datetime.date
    other = OfficialFactory(name="同事", registered_in=county)

    for n in range(2 + extra):
        ResponsibilityItem.objects.create(official=official, post=post, sequence=n + 1, content=f"负责安全生产委员会日常工作{n}")
    work_list = WorkList.objects.create(jurisdiction=county, year=2025, title="2025年度安全生产重点工作责任清单")
    done = WorkItemFactory(work_list=work_list, owner=official, content="开展危化品专项整治", due_date=D(2025, 6, 30),
                           status="done", completed_on=D(2025, 5, 1))
    WorkItemCheck.objects.create(item=done, check_date=D(2025, 4, 1), result="on_track", note="按计划推进",
                                 checker=world.user(Role.SAFETY_OFFICE), evidence=SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4"))
    overdue = WorkItemFactory(work_list=work_list, owner=official, content="完成应急预案修订", due_date=D(2025, 9, 30), status="in_progress")
    for n in range(extra):
        item = WorkItemFactory(work_list=work_list, owner=official, content=f"补充任务{n}", due_date=D(2025, 3, 1), status="done",
                               completed_on=D(2025, 2, 1), sequence=10 + n)
        WorkItemCheck.objects.create(item=item, check_date=D(2025, 2, 2), result="done", checker=world.user(Role.SAFETY_OFFICE))

    led = make_inspection(lead=official, day=D(2025, 3, 12), jurisdiction=world.a.township, enterprises=[enterprise])
    joined = make_inspection(lead=other, day=D(2025, 8, 20), jurisdiction=world.a.township, participants=[official])
    make_inspection(lead=official, day=D(2025, 10, 1), jurisdiction=county, status="draft")  # a draft never counts
    make_inspection(lead=official, day=D(2023, 6, 1), jurisdiction=county)  # before the period
    for n in range(extra):
        make_inspection(lead=official, day=D(2025, 4, 1 + n), jurisdiction=world.a.township, enterprises=[enterprise])

    chaired = MeetingFactory(organization=government, held_on=D(2025, 2, 10), chair=official, title="2025年第一季度安全生产工作会议")
    attended = MeetingFactory(organization=government, held_on=D(2024, 11, 5), chair=other, title="安委会全体会议",
                              kind="safety_committee_plenary", attendees=[official])
    MeetingFactory(organization=government, held_on=D(2023, 5, 5), chair=official, title="往年会议")
    for n in range(extra):
        MeetingFactory(organization=government, held_on=D(2025, 6, 1 + n), attendees=[official], title=f"专题会议{n}")

    late = make_hazard(jurisdiction=world.a.township, deadline=D(2025, 6, 30), level="major", found_on=D(2025, 1, 10),
                       title="储罐区防火间距不足")
    unvisited = make_hazard(jurisdiction=world.a.township, deadline=D(2026, 6, 30), level="major", found_on=D(2025, 11, 1),
                            title="老旧燃气管道")
    closed_before = make_hazard(jurisdiction=world.a.township, deadline=D(2023, 6, 30), level="major", status="closed",
                                found_on=D(2023, 1, 1), closed_at=at(D(2023, 6, 1)), title="早已销号的隐患")
    for hazard in (late, unvisited, closed_before):
        hazard.linked_leader = official
        hazard.enterprise = enterprise
        hazard.save()
    LeaderVisit.objects.create(hazard=late, leader=official, visited_on=D(2025, 4, 2), note="现场督导整改")
    LeaderVisit.objects.create(hazard=late, leader=other, visited_on=D(2025, 5, 2), note="他人协调")
    for n in range(extra):
        hazard = make_hazard(jurisdiction=world.a.township, deadline=D(2026, 3, 1), level="major", found_on=D(2025, 2, 1), title=f"挂包{n}")
        hazard.linked_leader = official
        hazard.save()
        LeaderVisit.objects.create(hazard=hazard, leader=official, visited_on=D(2025, 2, 10), note="督导")

    published = PowerListVersion.objects.create(organization=government, number=1, status="published", published_at=at(D(2025, 3, 1)))
    finding = make_patrol_finding(issuing=world.city, target_jurisdiction=county, unit=government, found_on=D(2025, 7, 1))
    decision = AccountabilityDecision.objects.create(
        jurisdiction=county, official=official, organization=government, measure="admonition_talk", decided_on=D(2025, 12, 1),
        decided_by="晋江市委", grounds="督办不力",
    )
    return {
        "official": official, "post": post, "done": done, "overdue": overdue, "led": led, "joined": joined, "chaired": chaired,
        "attended": attended, "late": late, "unvisited": unvisited, "closed_before": closed_before, "published": published,
        "finding": finding, "decision": decision, "other": other,
    }
