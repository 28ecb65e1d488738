"""Demo data: enterprises' monthly self-reports for the last three months and this one, and
public tip-offs waiting for triage or dismissed (the converted ones come with their hazards,
see :mod:`hazards.demo.ledger`).

Most operating enterprises report each month, some late, a few never (so the "not reported"
page has names to show); this month's reports are still coming in. The ``enterprise`` login's
own reports go through the self-report service as that login; the ~14,000 others are written in
bulk (through the service they would take minutes), valid by construction and checked by the
database constraints. Natural keys: (enterprise, month) for reports, the reference for tips.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hazards.demo import data
from hazards.demo.ledger import CITY, _person_or_blank, tip_reference
from hazards.demo.photos import demo_photo

NEW_TIPS = 6
DISMISSED_TIPS = 5


def months(today: date) -> list[date]:
    """The first days of the last three months and of this one."""
    result = [today.replace(day=1)]
    for _ in range(3):
        result.insert(0, (result[0] - timedelta(days=1)).replace(day=1))
    return result


def _report_values(rng: random.Random) -> dict:
    if rng.random() < 0.65:
        return {"none_found": True, "hazards_found": 0, "hazards_rectified": 0, "note": ""}
    found = rng.randint(1, 6)
    return {
        "none_found": False,
        "hazards_found": found,
        "hazards_rectified": rng.randint(max(0, found - 2), found),
        "note": rng.choice(("", "已按要求完成整改。", "剩余隐患正在整改中。")),
    }


def plan_self_reports(plan, today: date) -> list[dict]:
    """(credit code, month, values, submitted at) of every demo report; from the plan alone."""
    from responsibility.demo.enterprises import plan_enterprises

    tz = timezone.get_current_timezone()
    rows = []
    for row in plan_enterprises(plan):
        if row.fields["status"] != "operating":
            continue
        rng = random.Random(f"{data.SEED}:self-report:{row.credit_code}")
        diligence = 0.0 if rng.random() < 0.04 else rng.betavariate(9, 1)  # a few never report
        for month in months(today):
            current = month == today.replace(day=1)
            # This month's reports arrive through the month, most in its last week.
            chance = diligence * (min(1.0, today.day / 28) ** 2 if current else 1.0)
            if rng.random() >= chance:
                continue
            if current:
                day = month + timedelta(days=rng.randint(0, today.day - 1))
            else:
                # Due by the end of the month; some come in during the next month's first days.
                day = month + timedelta(days=rng.randint(18, 27) if rng.random() < 0.85 else rng.randint(31, 40))
            day = min(day, today)
            # One moment per day (the reports are re-dated in one update per day).
            at = datetime.combine(day, time(8 + day.toordinal() % 9, day.toordinal() * 7 % 60), tzinfo=tz)
            rows.append({"credit_code": row.credit_code, "month": month, "values": _report_values(rng), "at": at})
    return rows


def build_self_reports(ctx) -> None:
    from hazards.models import EnterpriseSelfReport
    from hazards.services.reports import self_report_submit
    from responsibility.models import Enterprise

    today = timezone.localdate()
    now = timezone.now()
    planned = plan_self_reports(ctx.plan, today)
    ids = dict(Enterprise.objects.filter(credit_code__in={r["credit_code"] for r in planned}).values_list("credit_code", "pk"))
    have = set(
        EnterpriseSelfReport.objects.filter(enterprise_id__in=ids.values(), month__in=months(today)).values_list("enterprise_id", "month")
    )
    login = ctx.users.get("enterprise")
    own = set(Enterprise.objects.restrict(login, "view").values_list("pk", flat=True)) if login else set()
    bulk, dated = [], []
    through_service = 0
    for row in planned:
        enterprise_id = ids.get(row["credit_code"])
        if enterprise_id is None or (enterprise_id, row["month"]) in have:
            continue
        if enterprise_id in own:
            report = self_report_submit(
                actor=login, enterprise=Enterprise.objects.get(pk=enterprise_id), month=row["month"], **row["values"]
            )
            through_service += 1
        else:
            report = EnterpriseSelfReport(enterprise_id=enterprise_id, month=row["month"], **row["values"])
            bulk.append(report)
        dated.append((report, min(row["at"], now)))
    EnterpriseSelfReport.objects.bulk_create(bulk, batch_size=1000)
    if bulk and not all(report.pk for report in bulk):  # a backend that returns no ids
        by_key = {
            (e, m): pk
            for pk, e, m in EnterpriseSelfReport.objects.filter(month__in=months(today)).values_list("pk", "enterprise_id", "month")
        }
        for report in bulk:
            report.pk = by_key[(report.enterprise_id, report.month)]
    by_moment: dict[datetime, list[int]] = {}
    for report, at in dated:
        by_moment.setdefault(at, []).append(report.pk)
    for at, pks in by_moment.items():
        EnterpriseSelfReport.objects.filter(pk__in=pks).update(created_at=at, updated_at=at)
    ctx.created["monthly self-reports"] += len(dated)
    ctx.log(f"  monthly self-reports: {len(planned)} planned, {len(dated)} created ({through_service} by the enterprise login)")


def build_tip_offs(ctx) -> None:
    """Tips waiting for triage and tips dismissed; sent through the public form's service."""
    from hazards.models import TipOff
    from hazards.services.reports import tip_off_dismiss, tip_off_submit
    from responsibility.models import Jurisdiction

    today = timezone.localdate()
    now = timezone.now()
    tz = timezone.get_current_timezone()
    plan = ctx.plan
    rng = random.Random(data.SEED + 520)
    existing = set(TipOff.objects.values_list("reference", flat=True))
    counties = list(plan.township_codes)
    made = []
    for number in range(NEW_TIPS + DISMISSED_TIPS):
        tip_rng = random.Random(f"{data.SEED}:public-tip:{number}")
        reference = tip_reference(tip_rng)
        county = rng.choice(counties)
        township = rng.choice(plan.township_codes[county])
        place, description = rng.choice(data.TIP_OFFS)
        dismissed = number >= NEW_TIPS
        sent = datetime.combine(today - timedelta(days=rng.randint(0, 6) if not dismissed else rng.randint(5, 60)),
                                time(rng.randint(7, 22), rng.randint(0, 59)), tzinfo=tz)
        sent = min(sent, now - timedelta(hours=1))
        if reference in existing:
            continue
        town = Jurisdiction.objects.get(pk=ctx.jurisdiction_ids[township])
        tip = tip_off_submit(
            jurisdiction=town,
            place=place.format(town=town.name),
            description=description,
            contact_name=_person_or_blank(tip_rng),
            contact_phone=f"13{tip_rng.randrange(10**9):09d}" if tip_rng.random() < 0.5 else "",
            photos=[demo_photo(f"tip-{number}", stage="tip", caption=reference, seed=reference)] if rng.random() < 0.5 else [],
        )
        tip.reference, tip.created_at, tip.updated_at = reference, sent, sent
        if dismissed:
            actor = ctx.users["county_office" if county == "350582" else "office"]
            tip = tip_off_dismiss(actor=actor, tip_off=tip, reason=rng.choice(data.DISMISSAL_REASONS))
            tip.reference, tip.created_at = reference, sent
            tip.handled_at = tip.updated_at = min(sent + timedelta(hours=rng.randint(4, 72)), now)
        made.append(tip)
    TipOff.objects.bulk_update(made, ["reference", "created_at", "updated_at", "handled_at"])
    ctx.created["tip-offs"] += len(made)
    ctx.log(f"  tip-offs: {NEW_TIPS + DISMISSED_TIPS} planned (besides those turned into hazards), {len(made)} created")


def build(ctx) -> None:
    """Idempotent: existing reports (enterprise, month) and tips (reference) are left alone."""
    if CITY not in ctx.jurisdiction_ids or "office" not in ctx.users:
        ctx.log("  self-reports and tip-offs: skipped (the demo city or its logins are missing)")
        return
    build_self_reports(ctx)
    build_tip_offs(ctx)
