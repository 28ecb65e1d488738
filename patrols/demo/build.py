"""Demo data: the demo city's term of safety patrols, driven through the services as the demo's
logins, so every patrol has real stages, due dates and a timeline.

The city (泉州市) patrols its counties, districts, development zones and three of its departments
in a five-year term, in two batches. Each patrol stands at another stage, its dates laid out
backwards from today: one closed, one under review, one waiting for its rectification report,
晋江市's waiting for its rectification plan (the ``county_office`` and ``countysys`` logins
submit it), one waiting for its feedback, one for its approval, 安溪县's report overdue, two
stationed (the ``inspector`` login is in 永春县's group, confidential), one in preparation; a
special patrol of a problem unit and a follow-up review (回头看) of the closed patrol; the
rest of the targets are not planned yet, so the coverage view has gaps to show.

Findings of every category with their dispositions: transfers to the local Party committee and
government (one closed with the rectification evidence), major hazards put on the hazard ledger
under the provincial safety committee's listed supervision, referrals to discipline inspection
with their references, results to the organization department.

Idempotent: a patrol is identified by its term, target and kind; one already there is skipped
with everything it would have got.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from patrols.choices import (
    DispositionRoute,
    DocumentKind,
    FindingCategory,
    MemberRole,
    PatrolKind,
    TargetKind,
)

CITY = "350500"
DEPARTMENTS = ("dept:emergency", "dept:housing", "dept:transport")
ACTIONS = (
    "start_stationing", "end_stationing", "submit_report", "approve_report", "deliver_feedback", "submit_plan",
    "submit_rectification_report", "close",
)
#: The leaders and members of the groups: city department leaders (slots of the demo plan).
GROUP_SLOTS = (
    "350500:dept:emergency:department_leader:1", "350500:dept:housing:department_leader:1",
    "350500:dept:transport:department_leader:1", "350500:dept:public_security:department_leader:1",
    "350500:dept:fire:department_leader:1", "350500:dept:market:department_leader:1",
    "350500:dept:education:department_leader:1", "350500:dept:industry:department_leader:1",
    "350500:dept:natural_resources:department_leader:1", "350500:dept:ecology:department_leader:1",
    "350500:dept:water:department_leader:1", "350500:dept:health:department_leader:1",
    "350500:dept:forestry:department_leader:1", "350500:dept:culture:department_leader:1",
)
INSPECTOR_SLOT = "350582:dept:emergency:inspector:1"

FINDINGS = {
    FindingCategory.PROBLEM: [
        ("安全生产责任清单未随人事调整及时更新", "部分领导班子成员分工调整后，安全生产“一岗双责”清单仍为调整前版本，责任不清。"),
        ("重点行业领域专项整治推进不力", "危险化学品、城镇燃气专项整治方案确定的12项任务中有5项未按期完成。"),
        ("企业隐患自查自报流于形式", "抽查30家企业，11家连续三个月“零隐患”报告，与现场检查情况不符。"),
    ],
    FindingCategory.MAJOR_HAZARD: [
        ("液氨储罐区未设置泄漏报警和紧急切断装置", "某食品企业液氨储罐区构成重大危险源，未设置泄漏检测报警和紧急切断装置。"),
        ("人员密集场所疏散通道堵塞、安全出口锁闭", "某商业综合体地下一层疏散通道堆放货物，两处安全出口上锁。"),
    ],
    FindingCategory.FORMALISM: [
        ("以会议落实会议、以文件落实文件", "年内召开安全生产会议23次，印发文件31件，但督促落实、跟踪问效的记录缺失。"),
    ],
    FindingCategory.DERELICTION: [
        ("对企业重大事故隐患长期失管失察", "监管部门对企业反复出现的同一重大隐患未依法处罚，也未督促整改到位。"),
    ],
}


@dataclass
class PatrolPlan:
    """One demo patrol: its target, kind, the actions it has gone through (days before today,
    in order) and the findings its group recorded."""

    target: str  # division code or department key
    kind: str = PatrolKind.REGULAR
    batch: int | None = 1
    days: tuple[int, ...] = ()  # days before today of each action taken, in the order of ACTIONS
    planned_start: int | None = None  # days from today (negative: past)
    findings: tuple[str, ...] = ()
    routes: dict[int, tuple[str, ...]] = field(default_factory=dict)  # finding index → routes
    rectified: tuple[int, ...] = ()
    member_login: bool = False
    focus: str = ""


PLANS = (
    PatrolPlan(
        "350502", days=(240, 212, 200, 190, 183, 160, 30, 20),
        findings=(FindingCategory.PROBLEM, FindingCategory.FORMALISM),
        routes={0: (DispositionRoute.TRANSFER,), 1: (DispositionRoute.DISCIPLINE, DispositionRoute.ORGANIZATION)}, rectified=(0, 1),
    ),
    PatrolPlan(
        "350503", days=(235, 207, 196, 188, 180, 150, 10),
        findings=(FindingCategory.MAJOR_HAZARD, FindingCategory.PROBLEM),
        routes={0: (DispositionRoute.HAZARD,), 1: (DispositionRoute.TRANSFER,)}, rectified=(1,),
    ),
    PatrolPlan(
        "350504", days=(230, 202, 190, 182, 175, 140),
        findings=(FindingCategory.DERELICTION, FindingCategory.PROBLEM),
        routes={0: (DispositionRoute.DISCIPLINE, DispositionRoute.ORGANIZATION), 1: (DispositionRoute.TRANSFER,)},
    ),
    PatrolPlan(
        "350582", batch=2, days=(100, 72, 60, 50, 12),
        findings=(FindingCategory.PROBLEM, FindingCategory.MAJOR_HAZARD, FindingCategory.FORMALISM),
        routes={0: (DispositionRoute.TRANSFER,), 1: (DispositionRoute.HAZARD,), 2: (DispositionRoute.DISCIPLINE,)},
    ),
    PatrolPlan(
        "350505", batch=2, days=(90, 62, 50, 8),
        findings=(FindingCategory.PROBLEM, FindingCategory.DERELICTION), routes={0: (DispositionRoute.TRANSFER,)},
    ),
    PatrolPlan("350521", batch=2, days=(80, 52, 40), findings=(FindingCategory.PROBLEM, FindingCategory.FORMALISM)),
    # Overdue: the stationing ended six weeks ago and no report yet (due ten working days after).
    PatrolPlan("350524", batch=2, days=(70, 42), findings=(FindingCategory.PROBLEM, FindingCategory.MAJOR_HAZARD)),
    PatrolPlan("350525", batch=2, days=(12,), findings=(FindingCategory.PROBLEM,), member_login=True),
    PatrolPlan("dept:emergency", batch=2, days=(15,), findings=(FindingCategory.DERELICTION,)),
    PatrolPlan("350526", batch=2, planned_start=20),
    PatrolPlan(
        "350581", kind=PatrolKind.SPECIAL, batch=None, planned_start=30,
        focus="专项巡查：城镇燃气安全和人员密集场所消防安全问题突出，年内发生两起较大事故。",
    ),
    # 回头看 of the closed patrol of 鲤城区.
    PatrolPlan(
        "350502", kind=PatrolKind.FOLLOW_UP, batch=None, days=(5,), focus="“回头看”：核查上轮巡查反馈问题的整改落实情况。",
    ),
)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo document\n", content_type="application/pdf")


def _term_dates(today: date) -> tuple[date, date]:
    return date(today.year - 4, 1, 1), date(today.year, 12, 31)


def build(ctx) -> None:
    """Idempotent: see the module documentation."""
    from hazards.demo.ledger import ensure_province_office
    from patrols.models import Patrol, PatrolTerm
    from patrols.services import plans

    office = ctx.users.get("office")
    if office is None or CITY not in ctx.jurisdiction_ids:
        ctx.log("  patrols: skipped (the demo city or its logins are missing)")
        return
    ensure_province_office(ctx)
    today = timezone.localdate()
    start, end = _term_dates(today)
    city_id = ctx.jurisdiction_ids[CITY]
    name = f"泉州市{start.year}—{end.year}年届安全生产巡查"
    term = PatrolTerm.objects.filter(issuing_jurisdiction_id=city_id, name=name).first()
    if term is None:
        from responsibility.models import Jurisdiction

        term = plans.term_create(
            actor=office, issuing_jurisdiction=Jurisdiction.objects.get(pk=city_id), name=name, start_date=start, end_date=end,
            note="市委、市政府对各县（市、区）党委政府、开发区党工委管委会和负有安全生产监督管理职责的市直部门一届任期内巡查全覆盖。",
        )
        ctx.created["patrol terms"] += 1
    targets = _targets(ctx, term, office)
    batches = _batches(ctx, term, office, today)
    done = set(Patrol.objects.filter(term=term).values_list("target_id", "kind"))
    created = 0
    for plan in PLANS:
        target = targets.get(plan.target)
        if target is None or (target.pk, plan.kind) in done:
            continue
        _patrol(ctx, term, target, batches, plan, today)
        created += 1
    ctx.created["patrols"] += created
    ctx.log(f"  patrols: {len(PLANS)} planned, {created} created; {len(targets)} targets")


def _targets(ctx, term, office) -> dict:
    from patrols.models import PatrolTarget
    from patrols.services import plans
    from responsibility.choices import JurisdictionLevel
    from responsibility.models import Organization

    if not term.targets.exists():
        plans.targets_add_jurisdictions(actor=office, term=term, levels=(JurisdictionLevel.COUNTY, JurisdictionLevel.DEVELOPMENT_ZONE))
        for key in DEPARTMENTS:
            pk = ctx.organization_ids.get((CITY, key))
            if pk:
                organization = Organization.objects.get(pk=pk)
                plans.target_create(
                    actor=office, term=term, kind=TargetKind.DEPARTMENT, jurisdiction=organization.jurisdiction,
                    organizations=[organization], sort_order=900,
                )
        PatrolTarget.objects.filter(term=term, jurisdiction__code="350581").update(problem_unit=True, note="年内发生两起较大事故")
    result = {}
    for target in term.targets.select_related("jurisdiction").prefetch_related("organizations"):
        if target.kind == TargetKind.DEPARTMENT:
            for key in DEPARTMENTS:
                if any(o.pk == ctx.organization_ids.get((CITY, key)) for o in target.organizations.all()):
                    result[key] = target
        else:
            result[target.jurisdiction.code] = target
    return result


def _batches(ctx, term, office, today: date) -> dict:
    from patrols.services import plans

    existing = {b.number: b for b in term.batches.all()}
    for number, days, label in ((1, 240, "第一批"), (2, 100, "第二批")):
        if number not in existing:
            month = (today - timedelta(days=days)).replace(day=1)
            existing[number] = plans.batch_create(actor=office, term=term, number=number, start_month=month, name=label)
            ctx.created["patrol batches"] += 1
    return existing


def _official(ctx, slot: str):
    from responsibility.models import Official

    pk = ctx.official_ids.get(slot)
    return Official.objects.filter(pk=pk).first() if pk else None


GROUP_NAMES = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四")


def _patrol(ctx, term, target, batches, plan: PatrolPlan, today: date):
    from patrols.choices import Milestone
    from patrols.models import Patrol
    from patrols.services import patrols as services

    office = ctx.users["office"]
    origin = None
    if plan.kind == PatrolKind.FOLLOW_UP:
        origin = Patrol.objects.filter(term=term, target=target, kind=PatrolKind.REGULAR).first()
        if origin is None or not origin.feedback_delivered:
            return None
    if plan.planned_start is not None:
        planned_start = today + timedelta(days=plan.planned_start)
    else:
        planned_start = today - timedelta(days=plan.days[0]) if plan.days else None
    number = PLANS.index(plan) + 1
    patrol = services.patrol_create(
        actor=office, term=term, target=target, kind=plan.kind, batch=batches.get(plan.batch) if plan.batch else None,
        follows=origin, group_name=f"第{GROUP_NAMES[(number - 1) % len(GROUP_NAMES)]}巡查组", focus=plan.focus,
        planned={Milestone.STATIONING_START: planned_start},
        preparation_on=today - timedelta(days=plan.days[0] + 20) if plan.days else None,
    )
    _group(ctx, patrol, number, plan)
    findings = []
    for action, days in zip(ACTIONS, plan.days, strict=False):
        on = today - timedelta(days=days)
        document = _pdf(f"{action}.pdf") if action in ("submit_plan", "submit_rectification_report") else None
        patrol = services.patrol_transition(actor=office, patrol=patrol, action=action, on=on, document=document)
        if action == "start_stationing":
            ended = today - timedelta(days=plan.days[1]) if len(plan.days) > 1 else today
            findings = _findings(ctx, patrol, plan, on, ended)
            _areas(patrol, office)
        elif action == "end_stationing":
            services.patrol_generate_document(actor=office, patrol=patrol, kind=DocumentKind.PATROL_REPORT)
        elif action == "approve_report":
            _route(ctx, patrol, findings, plan, on)
        elif action == "deliver_feedback":
            services.patrol_generate_document(actor=office, patrol=patrol, kind=DocumentKind.FEEDBACK_LETTER)
            _rectify(ctx, patrol, findings, plan, on)
    return patrol


def _group(ctx, patrol, number: int, plan: PatrolPlan) -> None:
    from patrols.services import patrols as services

    office = ctx.users["office"]
    slots = [GROUP_SLOTS[(number * 2 + i) % len(GROUP_SLOTS)] for i in range(3)]
    for role, slot in zip((MemberRole.LEADER, MemberRole.DEPUTY_LEADER, MemberRole.MEMBER), slots, strict=True):
        official = _official(ctx, slot)
        if official is not None and not patrol.memberships.filter(official=official).exists():
            services.member_add(actor=office, patrol=patrol, official=official, role=role)
    if plan.member_login:
        official = _official(ctx, INSPECTOR_SLOT)
        if official is not None:
            services.member_add(actor=office, patrol=patrol, official=official, role=MemberRole.MEMBER, note="抽调")


def _areas(patrol, office) -> None:
    from patrols.services import patrols as services

    checks = list(patrol.area_checks.order_by("area__sort_order", "area_id"))
    services.areas_check(actor=office, patrol=patrol, checks={c.area_id: (i % 4 != 3, "") for i, c in enumerate(checks)})


def _findings(ctx, patrol, plan: PatrolPlan, started: date, ended: date) -> list:
    from patrols.services import findings as services
    from responsibility.models import Organization

    target = patrol.target
    unit = target.organizations.order_by("-sort_order", "pk").first() or Organization.objects.filter(jurisdiction=target.jurisdiction).first()
    found = []
    for index, category in enumerate(plan.findings):
        title, description = FINDINGS[category][(PLANS.index(plan) + index) % len(FINDINGS[category])]
        found_on = min(started + timedelta(days=3 + index * 4), ended, timezone.localdate())
        found.append(
            services.finding_record(
                actor=ctx.users["office"], patrol=patrol, category=category, title=title, description=description, found_on=found_on,
                evidence="查阅会议纪要、检查记录，现场核查，个别谈话。", responsible_unit=unit,
                responsible_unit_name="" if unit else target.name,
            )
        )
    return found


def _route(ctx, patrol, findings, plan: PatrolPlan, approved: date) -> None:
    """Route the findings the day after the report's approval."""
    from patrols.services import findings as services
    from responsibility.models import Sector

    office = ctx.users["office"]
    on = min(approved + timedelta(days=1), timezone.localdate())
    for index, finding in enumerate(findings):
        for route in plan.routes.get(index, ()):
            kwargs = {}
            if route == DispositionRoute.DISCIPLINE:
                kwargs["reference"] = f"泉巡移〔{on.year}〕{patrol.pk % 90 + index + 1}号"
            if route == DispositionRoute.HAZARD:
                kwargs["hazard"] = {
                    "sector": Sector.objects.filter(code="hazardous_chemicals").first() or Sector.objects.first(),
                    "category": "equipment",
                    "jurisdiction": patrol.target.jurisdiction,
                }
            services.disposition_route(actor=office, finding=finding, route=route, routed_on=on, **kwargs)


def _rectify(ctx, patrol, findings, plan: PatrolPlan, fed_back: date) -> None:
    """Record the rectification of the findings the plan marks, some weeks after the feedback."""
    from patrols.services import findings as services

    for index in plan.rectified:
        services.finding_rectify(
            actor=ctx.users["office"], finding=findings[index], rectified_on=min(fed_back + timedelta(days=40), timezone.localdate()),
            note="已制定整改措施并落实到位，相关制度已修订印发，整改材料已归档。",
        )
