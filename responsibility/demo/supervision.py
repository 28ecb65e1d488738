"""Demo data: the city's supervision list of this year.

Twelve matters numbered 1 to 12 with their responsible leaders, lead and cooperating units;
three completed by their deadline, one open past its deadline, the others running to the end
of the year; monthly progress for every month the matter was open; and the monthly notices of
every past month of this year, issued through the service on the 5th of the next month, so
they are numbered 1 to N. Natural keys: (jurisdiction, year, number), (matter, month) and
(jurisdiction, month) for notices.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from responsibility.choices import SupervisionStatus
from responsibility.models import Jurisdiction, SupervisionMatter, SupervisionNotice, SupervisionProgress
from responsibility.services.supervision import supervision_notice_generate

CITY = "350500"
OVERDUE_NUMBER = 3  # open past its deadline

#: (title, requirements, owner slot, lead unit key, cooperating unit keys, deadline (month, day),
#: completed on (month, day) or None)
MATTERS = [
    ("城镇燃气安全专项整治", "全面排查餐饮场所、老旧管网燃气安全隐患，年底前完成老旧管道更新改造任务。",
     "gov:safety_deputy:1", "dept:urban", ["dept:housing", "dept:market", "dept:fire"], (12, 31), None),
    ("自建房安全专项整治", "完成经营性自建房安全隐患排查，存在结构安全隐患的一律停止经营、限期整改。",
     "gov:government_leader:1", "dept:housing", ["dept:natural_resources", "dept:market"], (12, 31), None),
    ("危险化学品企业安全风险隐患排查治理", "对全市危险化学品生产、储存企业开展专家指导服务全覆盖。",
     "gov:safety_deputy:1", "dept:emergency", ["dept:public_security", "dept:transport"], (9, 30), None),
    ("道路交通安全“减量控大”行动", "深化重点车辆、重点路段隐患排查，较大以上道路交通事故同比下降。",
     "party:standing_member:3", "dept:public_security", ["dept:transport", "dept:education"], (12, 31), None),
    ("消防安全重点单位标准化管理", "推进消防安全重点单位“户籍化”管理，完成高层建筑消防设施检测。",
     "gov:government_leader:2", "dept:fire", ["dept:housing", "dept:education"], (11, 30), None),
    ("建筑施工领域安全生产专项整治", "聚焦深基坑、高支模、起重机械等危险性较大分部分项工程，开展专项检查。",
     "gov:government_leader:1", "dept:housing", ["dept:transport", "dept:water"], (6, 30), (6, 20)),
    ("工贸企业有限空间作业专项整治", "建立有限空间作业台账，落实作业审批和监护制度。",
     "gov:safety_deputy:1", "dept:emergency", ["dept:industry"], (5, 31), (5, 28)),
    ("汛期地质灾害隐患点排查", "汛前完成全部地质灾害隐患点排查，落实监测责任人和避险转移预案。",
     "gov:government_leader:3", "dept:natural_resources", ["dept:water", "dept:emergency"], (4, 30), (4, 25)),
    ("校园及周边安全隐患排查整治", "开展校舍、食堂、校车和周边交通安全隐患排查。",
     "party:standing_member:2", "dept:education", ["dept:public_security", "dept:market"], (12, 31), None),
    ("渔业船舶安全专项整治", "整治“三无”船舶，落实渔船安全生产责任制和海上安全联防机制。",
     "gov:government_leader:2", "dept:agriculture", ["dept:transport", "dept:public_security"], (12, 31), None),
    ("特种设备安全隐患排查", "对电梯、气瓶、压力容器等特种设备开展全面排查，建立隐患整改清单。",
     "gov:government_leader:3", "dept:market", ["dept:emergency"], (12, 31), None),
    ("安全生产智慧监管平台建设", "建成全市安全生产智慧监管平台，实现重点企业监测数据接入。",
     "gov:safety_deputy:1", "dept:emergency", ["dept:industry", "dept:finance"], (12, 31), None),
]

PROGRESS_TEXTS = [
    "已召开专题部署会，制定工作方案，明确责任分工和时间节点。",
    "已完成第一轮排查，共排查单位{n}家，发现隐患{h}处，已整改{d}处。",
    "组织开展联合检查{k}次，对问题突出的单位进行约谈，督促限期整改。",
    "持续推进整改，累计整改隐患{d}处，整改率{r}%，剩余隐患落实专人跟踪。",
    "开展“回头看”复查，对整改不到位的问题重新交办，纳入下月督办重点。",
]
PROBLEMS = ["部分单位主体责任落实不到位，整改进度偏慢。", "", "基层监管力量不足，专业人员缺乏。", ""]


def _slot(ctx, slot: str) -> int | None:
    return ctx.official_ids.get(f"{CITY}:{slot}")


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
    today = timezone.localdate()
    year = today.year
    office = ctx.users.get("office")
    # The demo department login heads the city's housing bureau: it reports on the matters its
    # bureau leads, the office on the others.
    department = ctx.users.get("department")
    if office is None or (CITY, "gov") not in ctx.organization_ids:
        ctx.log("  supervision: skipped (no city or no office login)")
        return
    city_id = ctx.jurisdiction_ids[CITY]
    rows, cooperating = [], {}
    for number, (title, description, owner_slot, lead, partners, deadline, completed) in enumerate(MATTERS, start=1):
        owner = _slot(ctx, owner_slot) or _slot(ctx, "gov:safety_deputy:1")
        deadline_day = date(year, *deadline)
        if number == OVERDUE_NUMBER and deadline_day >= today:
            # Early in the year the overdue matter's deadline is moved into the past.
            deadline_day = max(date(year, 1, 1), today - timedelta(days=15))
        completed_on = date(year, *completed) if completed and date(year, *completed) <= today else None
        rows.append(
            {
                "jurisdiction_id": city_id,
                "year": year,
                "number": number,
                "title": title,
                "description": description,
                "owner_id": owner,
                "lead_unit_id": ctx.organization_ids[(CITY, lead)],
                "deadline": deadline_day,
                "status": SupervisionStatus.COMPLETED if completed_on else SupervisionStatus.OPEN,
                "completed_on": completed_on,
            }
        )
        cooperating[number] = [ctx.organization_ids[(CITY, key)] for key in partners if (CITY, key) in ctx.organization_ids]
    ids = ctx.sync(
        "supervision matters",
        SupervisionMatter,
        rows,
        key=("jurisdiction_id", "year", "number"),
        fields=("title", "description", "owner_id", "lead_unit_id", "deadline", "status", "completed_on"),
        existing=SupervisionMatter.objects.filter(jurisdiction_id=city_id, year=year),
    )
    Through = SupervisionMatter.cooperating_units.through
    wanted = {(ids[(city_id, year, n)], org) for n, orgs in cooperating.items() for org in orgs}
    have = set(Through.objects.filter(supervisionmatter_id__in=ids.values()).values_list("supervisionmatter_id", "organization_id"))
    Through.objects.bulk_create([Through(supervisionmatter_id=m, organization_id=o) for m, o in sorted(wanted - have)])

    housing = ctx.organization_ids.get((CITY, "dept:housing"))
    progress = []
    for row in rows:
        matter_id = ids[(city_id, year, row["number"])]
        last = row["completed_on"] or today
        for month in range(1, last.month + 1):
            if (row["status"] == SupervisionStatus.OPEN and month == today.month and today.day < 20) or (
                row["number"] == 4 and month == today.month - 1
            ):
                continue  # this month's entry is not due yet; matter 4 missed last month's
            n = 40 + 7 * row["number"] + 3 * month
            text = PROGRESS_TEXTS[(month - 1) % len(PROGRESS_TEXTS)].format(
                n=n, h=n // 3, d=n // 4 + month, k=month + 1, r=min(100, 60 + 4 * month)
            )
            progress.append(
                {
                    "matter_id": matter_id,
                    "month": date(year, month, 1),
                    "progress": text,
                    "problems": PROBLEMS[(month + row["number"]) % len(PROBLEMS)],
                    "reported_by_id": (department if department and row["lead_unit_id"] == housing else office).pk,
                }
            )
    ctx.sync(
        "supervision progress",
        SupervisionProgress,
        progress,
        key=("matter_id", "month"),
        fields=("progress", "problems", "reported_by_id"),
        existing=SupervisionProgress.objects.filter(matter_id__in=ids.values()),
    )

    # Monthly notices for the past months, in order, through the service (numbers, body, list).
    issued = set(SupervisionNotice.objects.filter(jurisdiction_id=city_id, month__year=year).values_list("month", flat=True))
    made = 0
    city = Jurisdiction.objects.get(pk=city_id)
    for month in range(1, today.month):
        first = date(year, month, 1)
        issue_day = date(year, month + 1, 5)
        if first in issued or issue_day > today:
            continue
        supervision_notice_generate(actor=office, jurisdiction=city, month=first, prefix="泉安办督", issued_on=issue_day)
        made += 1
    ctx.created["supervision notices"] += made
    ctx.log(f"  supervision notices: {today.month - 1} planned, {made} created")
