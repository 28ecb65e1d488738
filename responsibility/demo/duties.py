"""Demo data: officials' responsibility lists and this year's key-work lists.

* Every current leader and department-leader post of the demo city gets its responsibility
  list, generated in bulk from the duty templates (the same code as "Generate lists").
* The city, 晋江市 and 南安市 get this year's key-work responsibility list: 8–12 items owned by
  their government leaders, due across the year — some done, some overdue — with quarterly
  checks up to today.

Idempotent: lists are generated only where items are missing or differ from the templates;
key-work lists, items and checks are created when missing (by (jurisdiction, year),
(list, number) and (item, check date)) and never changed afterwards, so what users did with
them survives a re-run.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from responsibility.choices import CheckFrequency, CheckResult, OrganizationKind, PostRole, WorkItemStatus
from responsibility.demo import data
from responsibility.models import Jurisdiction, Post, WorkItem, WorkItemCheck, WorkList
from responsibility.services.duties import generate_lists_in_bulk, list_posts_in

#: (task, measures, who owns it: "principal", "deputy" or "leader")
KEY_WORK = [
    ("设立安全生产专项资金并列入本级财政预算，确保与财政收入同步增长", "财政部门牵头编制预算，年中追加监管执法装备和信息化经费。", "principal"),
    ("组织开展年度安全生产目标责任制考核", "制定考核细则，实行季考核、季点评，考核结果报组织部门。", "principal"),
    ("召开政府常务会议专题研究安全生产工作不少于每季度一次", "安办每季度提出议题，形成会议纪要并督办落实。", "principal"),
    ("组织开展安全生产大检查，实现企业全覆盖", "分企业自查、行业检查、属地督查、严防死守四个阶段推进，每月调度进度。", "deputy"),
    ("落实重大事故隐患挂牌督办和领导挂钩整改", "每项重大隐患明确挂钩领导，建立清单、限期销号。", "deputy"),
    ("组织开展季度安全生产综合督查", "采取“四不两直”方式督查下级党委政府和部门，问题通报抄送组织部门。", "deputy"),
    ("建设安全生产“智慧监管”平台", "完成企业基础数据归集，接入重点企业视频监控和隐患自查自报系统。", "deputy"),
    ("完成安全生产权力和责任清单细化并向社会公布", "编办、安办联合审核各部门清单，按期在政府网站公布。", "deputy"),
    ("推进危险化学品安全专项整治", "开展危化品企业安全风险评估，完成老旧装置改造和重点园区封闭化管理。", "leader"),
    ("推进城镇燃气安全专项整治", "排查餐饮场所燃气使用隐患，完成老旧管网更新改造。", "leader"),
    ("开展道路交通安全“减量控大”行动", "整治临水临崖危险路段，强化“两客一危”车辆动态监控。", "leader"),
    ("加强建筑施工安全监管，开展高处坠落专项治理", "对在建项目开展全覆盖检查，落实起重机械和深基坑风险管控。", "leader"),
    ("开展消防安全隐患排查整治", "聚焦人员密集场所和“三合一”场所，完成电动自行车充电设施建设。", "leader"),
    ("加强森林防灭火和防汛防台准备", "汛前完成隐患排查和物资储备，落实转移避险预案。", "leader"),
    ("开展安全生产宣传教育“五进”活动", "组织安全生产月活动，推动企业主要负责人和安全管理人员全员培训。", "leader"),
    ("加强应急救援队伍和物资储备建设", "组建专业救援队伍，每半年组织一次综合应急演练。", "leader"),
]

#: Which key-work lists the demo has: (division code, login of the checker).
LISTS = [("350500", "office"), ("350582", "county_office"), ("350583", "office")]

CHECK_NOTES = {
    CheckResult.ON_TRACK: "按计划推进，阶段性任务已完成。",
    CheckResult.BEHIND: "进度滞后，已督促责任领导制定赶进度措施。",
    CheckResult.DONE: "经检查，任务已完成，资料齐全。",
}


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
    _build_responsibility_lists(ctx)
    _build_work_lists(ctx)


def _build_responsibility_lists(ctx) -> None:
    city = Jurisdiction.objects.get(pk=ctx.jurisdiction_ids[data.CITY[0]])
    result = generate_lists_in_bulk(list(list_posts_in(city)))
    ctx.created["responsibility items"] += result.created
    ctx.updated["responsibility items"] += result.updated + result.deactivated
    ctx.log(
        f"  responsibility lists: {result.posts} posts, {result.created} items created, "
        f"{result.updated + result.deactivated} updated"
    )


def _quarter_check_dates(year: int, today: date) -> list[date]:
    return [d for d in (date(year, 3, 25), date(year, 6, 25), date(year, 9, 25), date(year, 12, 25)) if d <= today]


def _owners(jurisdiction_id: int) -> dict[str, list[int]]:
    posts = (
        Post.objects.current()
        .filter(
            organization__jurisdiction_id=jurisdiction_id,
            organization__kind=OrganizationKind.GOVERNMENT,
            role__in=[PostRole.GOVERNMENT_PRINCIPAL, PostRole.SAFETY_DEPUTY, PostRole.GOVERNMENT_LEADER],
        )
        .order_by("pk")
        .values_list("role", "official_id")
    )
    owners: dict[str, list[int]] = {"principal": [], "deputy": [], "leader": []}
    key = {PostRole.GOVERNMENT_PRINCIPAL: "principal", PostRole.SAFETY_DEPUTY: "deputy", PostRole.GOVERNMENT_LEADER: "leader"}
    for role, official_id in posts:
        if official_id not in owners[key[role]]:
            owners[key[role]].append(official_id)
    return owners


def _plan_items(rng: random.Random, year: int, today: date, owners: dict[str, list[int]]) -> list[dict]:
    """Items of one list: numbers, owners, due dates and statuses as of ``today``."""
    count = rng.randint(8, 12)
    chosen = sorted(rng.sample(range(len(KEY_WORK)), count))
    fallback = owners["deputy"] or owners["principal"] or owners["leader"]
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    rows = []
    leader_turn = 0
    for number, index in enumerate(chosen, start=1):
        task, measures, who = KEY_WORK[index]
        candidates = owners[who] or fallback
        if who == "leader" and candidates:
            owner = candidates[leader_turn % len(candidates)]
            leader_turn += 1
        else:
            owner = candidates[0]
        month = rng.randint(3, 12)
        due = min(date(year, month, 28), year_end)
        rows.append({"sequence": number, "owner_id": owner, "content": task, "measures": measures, "due_date": due})
    # Statuses as of today: most past-due items done, a few overdue; later ones under way.
    for row in rows:
        due = row["due_date"]
        if due < today:
            if rng.random() < 0.65:
                done_on = max(year_start, min(today, due - timedelta(days=rng.randint(0, 25))))
                row.update(status=WorkItemStatus.DONE, completed_on=done_on)
            else:
                row.update(status=rng.choice([WorkItemStatus.IN_PROGRESS, WorkItemStatus.NOT_STARTED]), completed_on=None)
        elif rng.random() < 0.15 and today > year_start:
            row.update(status=WorkItemStatus.DONE, completed_on=today - timedelta(days=rng.randint(1, min(30, (today - year_start).days))))
        else:
            row.update(status=rng.choice([WorkItemStatus.IN_PROGRESS, WorkItemStatus.IN_PROGRESS, WorkItemStatus.NOT_STARTED]), completed_on=None)
    past_due = [r for r in rows if r["due_date"] < today]
    if past_due and all(r["status"] == WorkItemStatus.DONE for r in past_due):
        past_due[-1].update(status=WorkItemStatus.IN_PROGRESS, completed_on=None)  # at least one overdue
    elif not past_due and today > year_start:
        rows[0].update(due_date=today - timedelta(days=1), status=WorkItemStatus.IN_PROGRESS, completed_on=None)
    return rows


def _check_result(row: dict, check_date: date) -> str | None:
    done_on = row["completed_on"]
    if done_on is not None and done_on <= check_date:
        return CheckResult.DONE
    if row["due_date"] < check_date:
        return CheckResult.BEHIND
    return CheckResult.ON_TRACK


def _build_work_lists(ctx) -> None:
    today = timezone.localdate()
    year = today.year
    users = get_user_model().objects.in_bulk([login for _code, login in LISTS], field_name="username")
    jurisdictions = Jurisdiction.objects.in_bulk([ctx.jurisdiction_ids[code] for code, _login in LISTS])
    plans = []
    for code, login in LISTS:
        jurisdiction = jurisdictions[ctx.jurisdiction_ids[code]]
        owners = _owners(jurisdiction.pk)
        if not any(owners.values()):
            continue
        rng = random.Random(f"{data.SEED}-work-{code}-{year}")
        plans.append((jurisdiction, owners, _plan_items(rng, year, today, owners), users.get(login)))
    lists = ctx.sync(
        "key-work lists",
        WorkList,
        [
            {
                "jurisdiction_id": j.pk,
                "year": year,
                "title": f"{j.name}{year}年度政府领导干部安全生产重点工作责任清单",
                "organizer_id": (owners["principal"] or [None])[0],
                "check_frequency": CheckFrequency.QUARTERLY,
                "issued_on": min(date(year, 2, 15), today),
            }
            for j, owners, _rows, _user in plans
        ],
        key=("jurisdiction_id", "year"),
        fields=(),  # never overwrite what users changed since
        existing=WorkList.objects.filter(year=year, jurisdiction_id__in=[j.pk for j, *_ in plans]),
    )
    item_rows, planned = [], []
    for jurisdiction, _plan_owners, rows, checker in plans:
        list_id = lists[(jurisdiction.pk, year)]
        for row in rows:
            item_rows.append({"work_list_id": list_id, **row})
            planned.append((list_id, row, checker))
    items = ctx.sync(
        "key-work items",
        WorkItem,
        item_rows,
        key=("work_list_id", "sequence"),
        fields=(),
        existing=WorkItem.objects.filter(work_list_id__in=lists.values()),
    )
    check_rows = []
    for list_id, row, checker in planned:
        if checker is None:
            continue
        for check_date in _quarter_check_dates(year, today):
            result = _check_result(row, check_date)
            check_rows.append(
                {
                    "item_id": items[(list_id, row["sequence"])],
                    "check_date": check_date,
                    "result": result,
                    "note": CHECK_NOTES[result],
                    "checker_id": checker.pk,
                }
            )
            if result == CheckResult.DONE:
                break  # a completed item is not checked again
    ctx.sync(
        "key-work checks",
        WorkItemCheck,
        check_rows,
        key=("item_id", "check_date"),
        fields=(),
        existing=WorkItemCheck.objects.filter(item_id__in=items.values()),
    )
