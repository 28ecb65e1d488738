"""Demo data: the city's assessment rounds of its counties and development zones.

- the quarter before the last finished one, and the last finished quarter: scored (every manual
  item with its evidence, a few bonus points), reviewed, finalized and published, the last one
  sent to the city's organization department (so the results page shows the comparison with the
  quarter before, and the public page has results);
- this year's annual round: open, its quarterly part rolled up from the published quarters,
  some year-end items already scored.

Everything goes through the services as the ``office`` login (市安办). Idempotent: a round that
exists (same scheme, level and period) is taken where it stopped and moved on as far as planned;
points already entered are kept.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

CITY = "350500"
SEED = "assessment-rounds"
GOVERNMENT_QUARTERLY = "下级政府安全生产目标责任制季度考核细则"
GOVERNMENT_ANNUAL = "下级政府安全生产目标责任制年度考核细则"

EVIDENCE = {
    "A3": "查阅责任清单、工作清单及季度检查记录，党政领导干部清单齐全，检查记录完整。",
    "C3": "季度综合督查问题清单已逐项整改并书面反馈，附整改报告。",
    "D1": "查阅事故调查报告、责任追究文件和防范整改措施落实台账。",
    "D2": "核对事故信息报送记录与值班记录，报送时间在规定时限内。",
    "E1": "查阅安全生产宣传教育和培训计划、签到表及影像资料。",
    "E2": "查阅应急预案备案、演练记录及信息平台数据报送情况。",
    "E3": "安全生产工作经验获市安委会通报推广。",
    "Y1": "对照年度重点工作责任清单逐项核查完成情况。",
    "Y2": "查阅专项整治和大检查各阶段工作总结。",
}


def last_finished_quarter(today: date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def quarter_before(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def demo_points(target, indicator) -> Decimal:
    """Deterministic points between 70% and 100% of the maximum, in half points."""
    rng = random.Random(f"{SEED}:{target.organization.name}:{indicator.code}:{target.round.year}:{target.round.quarter}")
    share = Decimal(str(rng.uniform(0.7, 1.0)))
    return (indicator.max_points * share * 2).quantize(Decimal("1")) / 2


def _scheme(name: str):
    from assessments.models import AssessmentScheme

    return AssessmentScheme.objects.filter(jurisdiction__isnull=True, name=name, is_active=True).order_by("-version").first()


def _round(ctx, office, scheme, city, year: int, quarter: int | None):
    from assessments.models import AssessmentRound
    from assessments.services.rounds import round_create

    existing = AssessmentRound.objects.filter(jurisdiction=city, scheme__name=scheme.name, year=year, quarter=quarter).first()
    if existing is not None:
        return existing
    round_ = round_create(actor=office, scheme=scheme, jurisdiction=city, year=year, quarter=quarter)
    ctx.created["assessment rounds"] += 1
    return round_


def _score_manual(ctx, office, round_, *, kinds=("manual", "bonus"), only=None) -> None:
    """Enter the points (with evidence) of every unscored manual item, and a bonus for one unit
    in three."""
    from assessments.models import Score
    from assessments.services.rounds import score_enter

    scores = (
        Score.objects.filter(target__round=round_, indicator__kind__in=kinds, points__isnull=True)
        .select_related("indicator", "target__organization", "target__round")
        .order_by("target__organization__jurisdiction__path", "indicator__category__position", "indicator__position")
    )
    for score in scores:
        indicator = score.indicator
        if only is not None and indicator.code not in only:
            continue
        if indicator.kind == "bonus":
            rng = random.Random(f"{SEED}:bonus:{score.target.organization.name}:{round_.year}:{round_.quarter}")
            if rng.random() > 0.34:
                continue
            points = Decimal(rng.choice(("1", "1.5", "2")))
        else:
            points = demo_points(score.target, indicator)
        score_enter(
            actor=office, score=score, points=points, evidence=EVIDENCE.get(indicator.code, "查阅相关台账和佐证材料。"),
            expected_version=score.lock_version,
        )
        ctx.created["assessment scores"] += 1


def _move(office, round_, *actions) -> None:
    from assessments.services.rounds import round_transition
    from assessments.workflow import TRANSITIONS

    for action in actions:
        if round_.status in TRANSITIONS[action].sources:
            round_ = round_transition(actor=office, round=round_, action=action, expected_status=round_.status)
    return round_


def _publish(ctx, office, scheme, city, year: int, quarter: int, *, transmit: bool):
    from assessments.choices import RoundStatus
    from assessments.services.rounds import round_transmit
    from responsibility.choices import OrganizationFunction
    from responsibility.models import Organization

    round_ = _round(ctx, office, scheme, city, year, quarter)
    if round_.status in (RoundStatus.OPEN, RoundStatus.SCORING, RoundStatus.REVIEW):
        round_ = _move(office, round_, "start_scoring")
        _score_manual(ctx, office, round_)
        round_ = _move(office, round_, "submit_review", "finalize")
    round_ = _move(office, round_, "publish")
    if transmit and round_.transmitted_to_id is None:
        department = Organization.objects.filter(
            jurisdiction=city, function=OrganizationFunction.ORGANIZATION, is_active=True
        ).order_by("sort_order", "pk").first()
        if department is not None:
            sent_on = min(timezone.localdate(), timezone.localtime(round_.finalized_at).date() + timedelta(days=3))
            round_transmit(actor=office, round=round_, organization=department, sent_on=sent_on, reference=f"泉安委办〔{year}〕{40 + quarter}号")
    return round_


def build(ctx) -> None:
    from responsibility.models import Jurisdiction

    if "office" not in ctx.users or CITY not in ctx.jurisdiction_ids:
        from django.contrib.auth import get_user_model

        office = get_user_model().objects.filter(username="office", is_active=True).first()
        city = Jurisdiction.objects.filter(code=CITY).first()
        if office is None or city is None:
            ctx.log("  assessment rounds: skipped (the demo city or its office login is missing)")
            return
    else:
        office = ctx.users["office"]
        city = Jurisdiction.objects.get(pk=ctx.jurisdiction_ids[CITY])
    quarterly, annual = _scheme(GOVERNMENT_QUARTERLY), _scheme(GOVERNMENT_ANNUAL)
    if quarterly is None or annual is None:
        ctx.log("  assessment rounds: skipped (the default schemes are missing; migrate first)")
        return
    today = timezone.localdate()
    year, quarter = last_finished_quarter(today)
    before = quarter_before(year, quarter)
    try:
        _publish(ctx, office, quarterly, city, *before, transmit=False)
    except ValidationError as error:
        # The quarter before may predate the demo records (a new year): the comparison is then empty.
        ctx.log(f"  assessment rounds: {before[0]} Q{before[1]} not assessed ({'; '.join(error.messages)})")
    _publish(ctx, office, quarterly, city, year, quarter, transmit=True)
    annual_round = _round(ctx, office, annual, city, today.year, None)
    if annual_round.is_editable:
        _score_manual(ctx, office, annual_round, kinds=("manual",), only=("A3",))
    ctx.log(f"  assessment rounds: {year} Q{quarter} published and sent, {today.year} annual round open")
