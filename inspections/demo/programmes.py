"""Demo data: organised inspection work, through the programme services as the demo's offices.

- A finished big inspection campaign in 永春县, run by the city office: its departments
  inspected about six in ten of the enterprises on their lists, with city experts in their
  teams (some teams below the expert ratio), so the coverage page has gaps to show, high-risk
  ones among them.
- Two random draws of 晋江市's county office: one three months ago, published, every drawn
  enterprise inspected; one last fortnight, published, half inspected so far.
- The city's quarterly comprehensive supervision of three counties for the last finished
  quarter: a team inspection per county, problems with deadlines, the notice issued (and
  copied to the organization department), 晋江市's feedback on its problems, one closed.

Idempotent: the campaign, the draws and the round are found by their names (the round by its
quarter) and skipped when they exist. Their inspections are logged with
:class:`inspections.demo.records.Runner` and carry ``source_system="demo"``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.demo import data
from inspections.demo.records import CITY, JINJIANG, InspectionPlan, Runner, last_finished_quarter, moment

CAMPAIGN_COUNTY = "350525"  # 永春县
#: Share of the campaign's listed enterprises its teams reached; the tests lower it.
CAMPAIGN_COVERAGE = 0.6
EXPERTS = [f"350500:dept:emergency:expert:{n}" for n in range(1, 21)]
ROUND_TARGETS = (JINJIANG, "350583", "350524")


def _days_ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def _backdate(model, pk: int, **values) -> None:
    model.objects.filter(pk=pk).update(**values)


def _at(day: date, hour: int = 10):
    return moment(random.Random(f"{data.SEED}:{day}:{hour}"), day, day).replace(hour=hour, minute=0)


# --- The campaign -------------------------------------------------------------------------------


def build_campaign(ctx, runner: Runner, today: date) -> None:
    from django.db.models import Exists, OuterRef

    from inspections.models import Campaign
    from inspections.services.campaigns import campaign_create
    from responsibility.demo.enterprises import SECTOR_LEADS
    from responsibility.models import Enterprise, EnterpriseSupervision

    county = runner.jurisdiction(CAMPAIGN_COUNTY)
    start = _days_ago(today, 210)
    name = f"{start.year}年{county.name}安全生产大检查"
    if Campaign.objects.filter(jurisdiction=county, name=name).exists():
        return
    office = ctx.users["office"]
    campaign = campaign_create(
        actor=office,
        jurisdiction=county,
        name=name,
        description="按照市安委会统一部署，开展企业自查、行业检查、属地督查和严防死守四个阶段的安全生产大检查。",
        self_check_start=start,
        self_check_end=start + timedelta(days=30),
        sector_start=start + timedelta(days=31),
        sector_end=start + timedelta(days=75),
        local_start=start + timedelta(days=76),
        local_end=start + timedelta(days=105),
        guard_start=start + timedelta(days=106),
        guard_end=start + timedelta(days=135),
    )
    _backdate(Campaign, campaign.pk, created_at=_at(start - timedelta(days=7)), updated_at=_at(start - timedelta(days=7)))
    supervised = Exists(EnterpriseSupervision.objects.filter(enterprise=OuterRef("pk")))
    listed = list(
        Enterprise.objects.filter(jurisdiction__path__startswith=county.path, status="operating")
        .filter(supervised)
        .select_related("sector", "jurisdiction")
        .order_by("credit_code")
    )
    rng = random.Random(f"{data.SEED}:campaign")
    # The teams went to ordinary enterprises more readily than to the difficult ones: high-risk
    # and weak enterprises are over-represented among those left uncovered.
    chosen = [e for e in listed if rng.random() < (CAMPAIGN_COVERAGE * (0.6 if e.risk_class in ("red", "orange") or e.is_weak else 1.05))]
    by_township: dict[str, list] = {}
    for enterprise in chosen:
        by_township.setdefault(enterprise.jurisdiction.path[:9], []).append(enterprise)
    number = 0
    for township in sorted(by_township):
        group = by_township[township]
        index = 0
        while index < len(group):
            batch = group[index : index + rng.choice((1, 1, 2))]
            index += len(batch)
            number += 1
            key = SECTOR_LEADS.get(batch[0].sector.code, "emergency")
            lead = next(
                (s for s in (f"{CAMPAIGN_COUNTY}:dept:{key}:department_head:1", f"{CAMPAIGN_COUNTY}:dept:{key}:department_leader:1")
                 if s in ctx.official_ids),
                f"{CAMPAIGN_COUNTY}:dept:emergency:department_head:1",
            )
            local = rng.random() < 0.3  # the county's own leaders in the local supervision stage
            window = (campaign.local_start, campaign.local_end) if local else (campaign.sector_start, campaign.sector_end)
            experts = rng.sample(EXPERTS, rng.choice((2, 3, 4, 4, 5)))
            plan = InspectionPlan(
                number=0,
                key=f"demo-campaign-{number:03d}",
                lead_slot=f"{CAMPAIGN_COUNTY}:gov:safety_deputy:1" if local else lead,
                actor="office",
                jurisdiction_code=CAMPAIGN_COUNTY,
                kind="campaign",
                started_at=moment(rng, *window),
                minutes=rng.choice((90, 120, 180)),
                methods=["expert_led", "unannounced"] if rng.random() < 0.6 else ["expert_led"],
                enterprises=[e.credit_code for e in batch],
                participants=[(slot, "expert" if rng.random() < 0.85 else "professional") for slot in experts],
                answered=rng.random() < 0.5,
                summary=rng.choice(data.SUMMARIES["campaign"]),
                photo_seed=f"{data.SEED}:campaign-photo:{number}" if rng.random() < 0.4 else "",
                free_finding=rng.random() < 0.3,
            )
            runner.run(plan, campaign=campaign)
    ctx.created["campaigns"] += 1
    ctx.log(f"  campaign: {name}, {len(listed)} listed enterprises, {len(chosen)} inspected in {number} inspections")


# --- Random draws -------------------------------------------------------------------------------


def build_draws(ctx, runner: Runner, today: date) -> None:
    from inspections.models import DrawnEnterprise, RandomDraw
    from inspections.services.draws import (
        draw_create,
        draw_perform,
        draw_publish,
        draw_rules,
        draw_start_inspection,
    )
    from responsibility.models import Sector

    county = runner.jurisdiction(JINJIANG)
    actor = ctx.users["county_office"]
    sectors = {s.code: s for s in Sector.objects.all()}
    specs = [
        (100, f"{_days_ago(today, 100).year}年晋江市工贸企业“双随机、一公开”抽查", ["industry_trade"], 6, 1.0),
        (14, f"{_days_ago(today, 14).year}年晋江市危险化学品和冶金企业“双随机、一公开”抽查", ["hazardous_chemicals", "metallurgy"], 4, 0.5),
    ]
    made = 0
    for days, name, sector_codes, count, inspected_share in specs:
        if RandomDraw.objects.filter(jurisdiction=county, name=name).exists():
            continue
        made += 1
        drawn_on = _days_ago(today, days)
        draw = draw_create(
            actor=actor,
            jurisdiction=county,
            name=name,
            weighting="risk",
            enterprise_count=count,
            inspectors_per_enterprise=2,
            rules=draw_rules(sectors=[sectors[c] for c in sector_codes if c in sectors]),
        )
        draw = draw_perform(actor=actor, draw=draw)
        draw = draw_publish(actor=actor, draw=draw)
        drawn_at = _at(drawn_on, 9)
        _backdate(RandomDraw, draw.pk, created_at=drawn_at - timedelta(days=2), updated_at=drawn_at + timedelta(hours=2),
                  drawn_at=drawn_at, published_at=drawn_at + timedelta(hours=2))
        rng = random.Random(f"{data.SEED}:{name}")
        results = list(DrawnEnterprise.objects.filter(draw=draw).select_related("enterprise").order_by("order"))
        visited = round(len(results) * inspected_share)
        for index, drawn in enumerate(results[:visited]):
            started = draw_start_inspection(actor=actor, drawn=drawn)
            plan = InspectionPlan(
                number=0,
                key=f"demo-draw-{draw.pk}-{index + 1:02d}",
                lead_slot="",  # the inspectors drawn
                actor="county_office",
                jurisdiction_code=JINJIANG,
                kind="random_draw",
                started_at=moment(rng, drawn_on + timedelta(days=2), min(drawn_on + timedelta(days=25), today - timedelta(days=1))),
                methods=["unannounced"],
                enterprises=[drawn.enterprise.credit_code],
                answered=True,
                summary=data.SUMMARIES["random_draw"][0],
                photo_seed=f"{data.SEED}:draw-photo:{draw.pk}:{index}" if rng.random() < 0.5 else "",
                # The last inspection of the recent draw is still being written up.
                draft=inspected_share < 1 and index == visited - 1,
            )
            runner.run(plan, client_uuid=started.client_uuid, draw=draw)
        ctx.created["random draws"] += 1
    ctx.log(f"  random draws: {len(specs)} planned, {made} made")


# --- The quarterly round ------------------------------------------------------------------------


def build_round(ctx, runner: Runner, today: date) -> None:
    from inspections.models import SupervisionProblem, SupervisionRound
    from inspections.services.rounds import (
        problem_add,
        problem_feedback,
        problem_set_status,
        round_create,
        round_issue_notice,
        round_start_inspection,
    )

    start, end = last_finished_quarter(today)
    quarter = (start.month - 1) // 3 + 1
    city = runner.jurisdiction(CITY)
    if SupervisionRound.objects.filter(jurisdiction=city, year=start.year, quarter=quarter).exists():
        return
    office = ctx.users["office"]
    targets = [runner.jurisdiction(code) for code in ROUND_TARGETS if code in ctx.jurisdiction_ids]
    round_ = round_create(
        actor=office, jurisdiction=city, year=start.year, quarter=quarter,
        title=f"{start.year}年第{quarter}季度安全生产综合督查", targets=targets,
    )
    rng = random.Random(f"{data.SEED}:round:{start}")
    problems = []
    for index, target in enumerate(targets):
        started = round_start_inspection(actor=office, round_=round_, target=target)
        plan = InspectionPlan(
            number=0,
            key=f"demo-round-{start.year}q{quarter}-{index + 1}",
            lead_slot="350500:gov:safety_deputy:1",
            actor="office",
            jurisdiction_code=target.code,
            kind="quarterly_supervision",
            started_at=moment(rng, max(start, end - timedelta(days=40)), end - timedelta(days=5)),
            minutes=240,
            methods=["unannounced"],
            enterprises=runner.enterprises_in(target.code, rng, 2),
            participants=[
                ("350500:office:office_staff:1", "member"), ("350500:office:office_staff:2", "member"), (EXPERTS[index], "expert"),
            ],
            summary=data.SUMMARIES["quarterly_supervision"][0],
            photo_seed=f"{data.SEED}:round-photo:{index}",
        )
        inspection = runner.run(plan, client_uuid=started.client_uuid, supervision_round=round_)
        for text in rng.sample(data.ROUND_PROBLEMS, 2):
            problems.append(problem_add(actor=office, round_=round_, target=target, description=text, deadline=end + timedelta(days=45), inspection=inspection))
    notice_at = _at(end + timedelta(days=12), 15)
    try:
        round_issue_notice(actor=office, round_=round_)
        _backdate(SupervisionRound, round_.pk, notice_issued_at=notice_at, copied_to_organization_department_at=notice_at)
    except ValidationError:
        pass  # no organization department (an edited demo): the round stays without its notice
    _backdate(SupervisionRound, round_.pk, created_at=_at(start + timedelta(days=20)), updated_at=notice_at)
    county_office = ctx.users["county_office"]
    feedback_at = notice_at
    for problem in problems:
        if problem.target.code != JINJIANG:
            continue  # the other counties have not answered yet
        problem = problem_feedback(actor=county_office, problem=problem, feedback=rng.choice(data.FEEDBACK))
        feedback_at = min(notice_at + timedelta(days=rng.randint(10, 30)), timezone.now() - timedelta(hours=1))
        _backdate(SupervisionProblem, problem.pk, feedback_at=feedback_at)
    closable = [p for p in problems if p.target.code == JINJIANG][:1]
    for problem in closable:
        problem_set_status(actor=office, problem=problem, status="closed")
    ctx.created["supervision rounds"] += 1
    ctx.log(f"  quarterly supervision round: {round_.title}, {len(problems)} problems")
