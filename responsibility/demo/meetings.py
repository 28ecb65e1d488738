"""Demo data: meetings of last year and of this year so far.

For the city, every county and zone (and, for government meetings, every township): Party
standing-committee sessions hearing safety work (1 to 3 a year, so some fall short of the
seeded two), government safety meetings most quarters (one county misses this year's second
quarter, about one township in twenty-five misses one), and safety committee plenaries twice a year, with chairs
and attendees from the demo officials. Dates come from a fixed seed per unit and year; the
natural key (organization, kind, date) makes a second run create nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from responsibility.choices import MeetingKind
from responsibility.models import Meeting

#: The county that misses its government safety meeting in this year's second quarter.
MISSING_QUARTER_COUNTY = "350524"  # 安溪县
MISSING_QUARTER = 2

STANDING_TOPICS = [
    ("听取全市安全生产工作情况汇报", "研究部署安全生产重点工作，听取安全生产形势分析报告。", "压实党政领导责任和部门监管责任，推进重大事故隐患专项排查整治。"),
    ("听取安全生产专项整治工作汇报", "听取安全生产治本攻坚三年行动进展情况汇报。", "对进展滞后的领域由分管领导督办，年底前完成整治任务。"),
    ("研究安全生产重大事项", "研究安全生产责任制考核和重大隐患挂牌督办事项。", "将安全生产纳入领导班子和领导干部年度考核内容。"),
]
GOVERNMENT_TOPICS = [
    ("季度安全生产工作会议", "分析本季度安全生产形势，部署下一季度重点工作。", "各部门按照“三管三必须”落实行业监管责任，开展专项检查。"),
    ("安全生产形势分析会", "通报事故情况和重大隐患整改进展，研究防范措施。", "对重大事故隐患实行挂牌督办，限期整改到位。"),
    ("汛期和节假日安全生产工作部署会", "部署汛期、节假日期间安全防范和应急值守工作。", "严格落实领导带班和24小时值班制度，加强重点行业巡查。"),
]
PLENARY_TOPICS = [
    ("安全生产委员会全体会议", "总结上半年安全生产工作，部署下半年重点任务。", "印发年度安全生产工作要点，明确各成员单位任务分工。"),
    ("安全生产委员会全体（扩大）会议", "总结年度安全生产工作，签订安全生产目标责任书。", "开展年度安全生产责任制考核，结果报组织部门。"),
]


def _units(ctx) -> list[str]:
    plan = ctx.plan
    counties = [unit.code for unit in plan.units]  # the city first, then counties and zones
    townships = [code for county in plan.township_codes.values() for code in county]
    return counties + townships


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


def _people(ctx, code: str, slots: list[str]) -> list[int]:
    return [ctx.official_ids[f"{code}:{slot}"] for slot in slots if f"{code}:{slot}" in ctx.official_ids]


def plan_meetings(ctx, today: date) -> list[dict]:
    """Rows of the meetings to have: organization, kind, date, title, texts, chair, attendees."""
    rows: list[dict] = []
    for code in _units(ctx):
        is_township = len(code) > 6
        leaders = _people(
            ctx, code,
            ["gov:safety_deputy:1", "party:standing_member:1", "party:standing_member:2", "gov:government_leader:1",
             "gov:government_leader:2", "gov:grid_level_1:1"],
        )
        heads = _people(ctx, code, ["dept:emergency:department_head:1", "dept:housing:department_head:1",
                                    "dept:transport:department_head:1", "dept:public_security:department_head:1",
                                    "station:grid_level_2:1"])
        party_principal = _people(ctx, code, ["party:party_principal:1"])
        government_principal = _people(ctx, code, ["gov:government_principal:1"])
        for year in (today.year - 1, today.year):
            # One random stream per meeting slot: whether a slot is past yet never shifts the others.
            rng = random.Random(f"meetings:{code}:{year}:standing")
            # Dates never depend on today: a later run only adds the meetings that are then past.
            if not is_township and (code, "party") in ctx.organization_ids:
                count = rng.choice((1, 2, 2, 3))
                used: set[date] = set()
                for number in range(count):
                    half_start = date(year, 1, 1) if number % 2 == 0 else date(year, 7, 1)
                    held = _day(rng, half_start + timedelta(days=number * 20), half_start + timedelta(days=number * 20 + 120))
                    if held > today or held in used:
                        continue
                    used.add(held)
                    title, topics, decisions = STANDING_TOPICS[number % len(STANDING_TOPICS)]
                    rows.append(_row(ctx, code, "party", MeetingKind.STANDING_COMMITTEE, held, f"党委常委会{title}", topics, decisions,
                                     party_principal, leaders))
            for quarter in range(1, 5):
                rng = random.Random(f"meetings:{code}:{year}:q{quarter}")
                start, end = _quarter_bounds(year, quarter)
                if year == today.year and code == MISSING_QUARTER_COUNTY and quarter == MISSING_QUARTER:
                    continue
                if is_township and rng.random() < 0.04:
                    continue  # a few townships miss a quarter
                held = _day(rng, start + timedelta(days=10), end - timedelta(days=5))
                if held > today:
                    continue
                title, topics, decisions = GOVERNMENT_TOPICS[(quarter - 1) % len(GOVERNMENT_TOPICS)]
                rows.append(_row(ctx, code, "gov", MeetingKind.GOVERNMENT_SAFETY, held, f"{year}年第{quarter}季度{title}", topics,
                                 decisions, government_principal or leaders[:1], leaders + heads))
            if not is_township and (code, "committee") in ctx.organization_ids:
                for number, month in enumerate((1, 7)):
                    rng = random.Random(f"meetings:{code}:{year}:plenary{number}")
                    held = _day(rng, date(year, month, 8), date(year, month, 25))
                    if held > today:
                        continue
                    title, topics, decisions = PLENARY_TOPICS[number]
                    rows.append(_row(ctx, code, "committee", MeetingKind.SAFETY_COMMITTEE_PLENARY, held, f"{year}年{title}", topics,
                                     decisions, government_principal, leaders + heads))
    return rows


def _row(ctx, code, org_key, kind, held, title, topics, decisions, chair, attendees) -> dict:
    chair_id = chair[0] if chair else None
    return {
        "organization_id": ctx.organization_ids[(code, org_key)],
        "kind": kind,
        "held_on": held,
        "title": title,
        "topics": topics,
        "decisions": decisions,
        "chair_id": chair_id,
        "_attendees": sorted({a for a in attendees if a != chair_id}),
    }


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
    today = timezone.localdate()
    planned = plan_meetings(ctx, today)
    attendees = {(r["organization_id"], r["kind"], r["held_on"]): r.pop("_attendees") for r in planned}
    ids = ctx.sync(
        "meetings",
        Meeting,
        planned,
        key=("organization_id", "kind", "held_on"),
        fields=("title", "topics", "decisions", "chair_id"),
        existing=Meeting.objects.filter(organization_id__in=ctx.organization_ids.values()),
    )
    Through = Meeting.attendees.through
    wanted = {(ids[key], official) for key, people in attendees.items() for official in people}
    have = set(Through.objects.filter(meeting_id__in=ids.values()).values_list("meeting_id", "official_id"))
    missing = [Through(meeting_id=m, official_id=o) for m, o in sorted(wanted - have)]
    Through.objects.bulk_create(missing, batch_size=1000)
    ctx.created["meeting attendees"] += len(missing)
    ctx.log(f"  meeting attendees: {len(wanted)} planned, {len(missing)} created")
