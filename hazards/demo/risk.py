"""Demo data: risk points across the demo city in all four colours, and its half-yearly
re-identification rounds (the last half-year's closed, this half-year's open with some
reviews), all through the risk-point services.

About 190 points: at enterprises of the riskier sectors (more of them where the enterprise's
own risk class is high) and in public places (reservoirs, slopes, bridges …) near their
township. Grades come from LEC or L×S inputs chosen for a spread of colours (a few points are
graded directly). Coordinates lie near the enterprise, or near the township (the middle of its
enterprises), within the demo city's box (lat 24.6–25.3, lon 118.2–118.95).

Idempotent: points carry ``source_system="demo"`` and a numbered ``external_id``; a round that
exists (city, year, half) is left as it is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import product

from django.utils import timezone

from hazards.choices import GradingMethod, ReviewOutcome
from hazards.demo import data

SOURCE_SYSTEM = "demo"
CITY = "350500"
ENTERPRISE_POINTS = 160
PUBLIC_POINTS = 30
HIGH_RISK_SECTORS = ("hazardous_chemicals", "mining", "fireworks", "metallurgy", "gas", "civil_explosives")
LAT_RANGE, LON_RANGE = (24.6, 25.3), (118.2, 118.95)

#: The usual LEC values: likelihood, exposure and consequence.
LEC_L = (Decimal("0.5"), Decimal("1"), Decimal("3"), Decimal("6"), Decimal("10"))
LEC_E = (Decimal("1"), Decimal("2"), Decimal("3"), Decimal("6"), Decimal("10"))
LEC_C = (Decimal("1"), Decimal("3"), Decimal("7"), Decimal("15"), Decimal("40"), Decimal("100"))
#: The default bands (hazards migration 0002); the services grade with the bands in the database.
LEC_BANDS = ((320, "red"), (160, "orange"), (70, "yellow"), (0, "blue"))
LS_BANDS = ((20, "red"), (15, "orange"), (9, "yellow"), (1, "blue"))
RETIRE_REASONS = ("企业已停产关闭，风险源已消除。", "工艺改造后该风险点已不存在。", "与其他风险点合并管理。")


def _band(score, bands) -> str:
    return next(grade for low, grade in bands if score >= low)


LEC_BY_GRADE: dict[str, list[tuple[Decimal, Decimal, Decimal]]] = {}
for _l, _e, _c in product(LEC_L, LEC_E, LEC_C):
    LEC_BY_GRADE.setdefault(_band(_l * _e * _c, LEC_BANDS), []).append((_l, _e, _c))
LS_BY_GRADE: dict[str, list[tuple[int, int]]] = {}
for _l, _s in product(range(1, 6), range(1, 6)):
    LS_BY_GRADE.setdefault(_band(_l * _s, LS_BANDS), []).append((_l, _s))


@dataclass
class PointPlan:
    number: int
    enterprise_code: str | None
    jurisdiction_code: str
    county: str
    sector: str
    name: str
    location: str
    latitude: Decimal
    longitude: Decimal
    hazard_factors: str
    accident_types: list[str]
    controls: str
    responsible_person: str
    responsible_phone: str
    management_level: str
    method: str
    grading: dict = field(default_factory=dict)
    identified_on: date | None = None
    #: outcome in the closed round and in the open round ("" for not reviewed yet)
    last_round: str = ""
    this_round: str = ""
    #: for a changed point: its new method and inputs in the last and in this round
    changes: dict = field(default_factory=dict)

    @property
    def external_id(self) -> str:
        return f"demo-rp-{self.number:04d}"


def _coordinate(value: float, bounds: tuple[float, float]) -> Decimal:
    return Decimal(f"{min(max(value, bounds[0]), bounds[1]):.6f}")


def township_centres(rows) -> dict[str, tuple[float, float]]:
    """The middle of each township's enterprises: the demo divisions have no coordinates."""
    sums: dict[str, list[float]] = {}
    for row in rows:
        entry = sums.setdefault(row.jurisdiction_code[:9], [0.0, 0.0, 0])
        entry[0] += float(row.fields["latitude"])
        entry[1] += float(row.fields["longitude"])
        entry[2] += 1
    return {code: (lat / n, lon / n) for code, (lat, lon, n) in sums.items()}


def rounds(today: date) -> tuple[tuple[int, int, date, date], tuple[int, int, date]]:
    """(year, half, opened on, closed on) of the last half-year's round and (year, half, opened
    on) of this half-year's."""
    half = 1 if today.month <= 6 else 2
    start = date(today.year, 1 if half == 1 else 7, 1)
    previous_start = date(today.year - 1, 7, 1) if half == 1 else date(today.year, 1, 1)
    previous = (previous_start.year, 2 if half == 1 else 1, previous_start + timedelta(days=105), previous_start + timedelta(days=170))
    opened = min(max(start, today - timedelta(days=20)), start + timedelta(days=105))
    return previous, (today.year, half, opened)


def grade_of(method: str, grading: dict) -> str:
    if method == GradingMethod.LEC:
        return _band(grading["lec_l"] * grading["lec_e"] * grading["lec_c"], LEC_BANDS)
    if method == GradingMethod.LS:
        return _band(grading["ls_l"] * grading["ls_s"], LS_BANDS)
    return grading["grade"]


def _grading(rng: random.Random, grade: str) -> tuple[str, dict]:
    method = rng.choices((GradingMethod.LEC, GradingMethod.LS, GradingMethod.DIRECT), weights=(60, 32, 8))[0]
    if method == GradingMethod.LEC:
        lec_l, lec_e, lec_c = rng.choice(LEC_BY_GRADE[grade])
        return method, {"lec_l": lec_l, "lec_e": lec_e, "lec_c": lec_c}
    if method == GradingMethod.LS:
        ls_l, ls_s = rng.choice(LS_BY_GRADE[grade])
        return method, {"ls_l": ls_l, "ls_s": ls_s}
    return method, {"grade": grade}


def plan_points(plan, today: date) -> list[PointPlan]:
    """Every demo risk point; from the demo plan and ``today`` alone."""
    from responsibility.demo.enterprises import CENTRES, _person, _phone, plan_enterprises

    rng = random.Random(data.SEED + 510)
    rows = [r for r in plan_enterprises(plan) if r.sector in data.RISK_POINTS and r.fields["status"] != "closed"]
    names = {row.code: row.name for row in plan.jurisdictions}
    centres = township_centres(plan_enterprises(plan))
    (_py, _ph, last_opened, _last_closed), (_y, _h, opened) = rounds(today)
    weights = [
        (4 if r.sector in HIGH_RISK_SECTORS else 1) * {"red": 4, "orange": 2}.get(r.fields["risk_class"], 1) for r in rows
    ]
    points: list[PointPlan] = []
    used: set[tuple[str, str]] = set()
    while len(points) < ENTERPRISE_POINTS:
        row = rng.choices(rows, weights=weights)[0]
        area, factors, accidents, controls = rng.choice(data.RISK_POINTS[row.sector])
        if (row.credit_code, area) in used:
            continue
        used.add((row.credit_code, area))
        high = row.sector in HIGH_RISK_SECTORS or row.fields["risk_class"] in ("red", "orange")
        grade = rng.choices(("red", "orange", "yellow", "blue"), weights=(15, 30, 35, 20) if high else (2, 10, 40, 48))[0]
        method, grading = _grading(rng, grade)
        points.append(PointPlan(
            number=len(points) + 1,
            enterprise_code=row.credit_code,
            jurisdiction_code=row.jurisdiction_code,
            county=row.jurisdiction_code[:6],
            sector=row.sector,
            name=f"{row.name}{area}",
            location=row.fields["address"],
            latitude=_coordinate(float(row.fields["latitude"]) + rng.uniform(-0.001, 0.001), LAT_RANGE),
            longitude=_coordinate(float(row.fields["longitude"]) + rng.uniform(-0.001, 0.001), LON_RANGE),
            hazard_factors=factors,
            accident_types=list(accidents),
            controls=controls,
            responsible_person=row.fields["safety_contact"],
            responsible_phone=row.fields["contact_phone"],
            management_level="county" if grade == "red" else "enterprise",
            method=method,
            grading=grading,
        ))
    counties = list(plan.township_codes)
    for _ in range(PUBLIC_POINTS):
        sector, kind, factors, accidents, controls, level = rng.choice(data.PUBLIC_RISK_POINTS)
        county = rng.choice(counties)
        township = rng.choice(plan.township_codes[county])
        villages = plan.village_codes.get(township, [])
        place = rng.choice(villages) if villages and rng.random() < 0.6 else township
        lat, lon = centres.get(township) or CENTRES[county]
        grade = rng.choices(("red", "orange", "yellow", "blue"), weights=(8, 25, 40, 27))[0]
        method, grading = _grading(rng, grade)
        where = names[place] if place != township else names[township]
        points.append(PointPlan(
            number=len(points) + 1,
            enterprise_code=None,
            jurisdiction_code=place,
            county=county,
            sector=sector,
            name=f"{where}{kind}",
            location=f"{names[county]}{names[township]}{names[place] if place != township else ''}",
            latitude=_coordinate(lat + rng.uniform(-0.02, 0.02), LAT_RANGE),
            longitude=_coordinate(lon + rng.uniform(-0.02, 0.02), LON_RANGE),
            hazard_factors=factors,
            accident_types=list(accidents),
            controls=controls,
            responsible_person=_person(rng),
            responsible_phone=_phone(rng),
            management_level=level,
            method=method,
            grading=grading,
        ))
    for point in points:
        draw = rng.random()
        if draw < 0.82:
            # Identified before the last round: reviewed in it.
            point.identified_on = last_opened - timedelta(days=rng.randint(10, 700))
            point.last_round = rng.choices(
                (ReviewOutcome.CONFIRMED, ReviewOutcome.CHANGED, ReviewOutcome.RETIRED), weights=(80, 13, 7)
            )[0]
        elif draw < 0.93:
            # Identified between the rounds: reviewed in this one.
            gap = max(1, (opened - last_opened).days - 75)
            point.identified_on = min(today, last_opened + timedelta(days=70 + rng.randint(0, gap)))
        else:
            # Identified since this round opened: nothing to review yet.
            point.identified_on = min(today, opened + timedelta(days=rng.randint(0, max(0, (today - opened).days))))
        if point.identified_on < opened and point.last_round != ReviewOutcome.RETIRED and rng.random() < 0.45:
            point.this_round = rng.choices((ReviewOutcome.CONFIRMED, ReviewOutcome.CHANGED, ReviewOutcome.RETIRED), weights=(82, 12, 6))[0]
        current = grade_of(point.method, point.grading)
        for key, outcome in (("last", point.last_round), ("this", point.this_round)):
            if outcome == ReviewOutcome.CHANGED:
                current = rng.choice([g for g in ("red", "orange", "yellow", "blue") if g != current])
                method, grading = _grading(rng, current)
                point.changes[key] = {"method": method, **grading}
    return points


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, day.toordinal() % 60), tzinfo=timezone.get_current_timezone())


def build(ctx) -> None:
    """Idempotent: points already there (by their demo external id) and rounds already opened are
    left alone."""
    import time as clock

    from hazards.models import RiskPoint, RiskPointReview, RiskReviewRound
    from hazards.services import risk
    from responsibility.models import Enterprise, Jurisdiction, Sector

    users = ctx.users
    if not {"office", "county_office", "department"} <= set(users) or CITY not in ctx.jurisdiction_ids:
        ctx.log("  risk points: skipped (the demo city or its logins are missing)")
        return
    started = clock.monotonic()
    today = timezone.localdate()
    now = timezone.now()
    points = plan_points(ctx.plan, today)
    (last_year, last_half, last_opened, last_closed), (year, half, opened) = rounds(today)
    sectors = {s.code: s for s in Sector.objects.all()}
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[p.enterprise_code for p in points if p.enterprise_code]).select_related(
            "jurisdiction", "sector"
        )
    }
    jurisdictions = {j.code: j for j in Jurisdiction.objects.filter(code__in={p.jurisdiction_code for p in points} | {CITY})}
    existing = dict(RiskPoint.objects.filter(source_system=SOURCE_SYSTEM).values_list("external_id", "pk"))
    city = jurisdictions[CITY]
    office = users["office"]

    def actor_for(point: PointPlan):
        if point.sector == "construction":
            return users["department"]
        return users["county_office" if point.county == "350582" else "office"]

    created: dict[str, RiskPoint] = {}
    dates: list[RiskPoint] = []

    def create(point: PointPlan) -> None:
        if point.external_id in existing or (point.enterprise_code and point.enterprise_code not in enterprises):
            return
        made = risk.risk_point_create(
            actor=actor_for(point),
            name=point.name,
            hazard_factors=point.hazard_factors,
            method=point.method,
            enterprise=enterprises.get(point.enterprise_code) if point.enterprise_code else None,
            jurisdiction=jurisdictions[point.jurisdiction_code],
            sector=sectors[point.sector],
            location=point.location,
            latitude=point.latitude,
            longitude=point.longitude,
            accident_types=point.accident_types,
            controls=point.controls,
            responsible_person=point.responsible_person,
            responsible_phone=point.responsible_phone,
            management_level=point.management_level,
            identified_on=point.identified_on,
            source_system=SOURCE_SYSTEM,
            external_id=point.external_id,
            **point.grading,
        )
        made.created_at = made.updated_at = min(_at(point.identified_on), now)
        created[point.external_id] = made
        dates.append(made)

    reviews: list[tuple[RiskPointReview, datetime]] = []

    def review(round_, point: PointPlan, key: str, outcome: str, day: date) -> None:
        made = created.get(point.external_id)
        if made is None:
            return
        made.refresh_from_db()
        changes = point.changes.get(key, {}) if outcome == ReviewOutcome.CHANGED else {}
        done = risk.risk_point_review(
            actor=office,
            round=round_,
            risk_point=made,
            outcome=outcome,
            note=random.Random(point.number).choice(RETIRE_REASONS) if outcome == ReviewOutcome.RETIRED else "",
            **changes,
        )
        reviews.append((done, min(_at(day, 15), now)))
        made.refresh_from_db()
        made.last_reviewed_on = day
        made.created_at = min(_at(point.identified_on), now)
        made.updated_at = min(_at(day, 15), now)
        dates.append(made)

    rng = random.Random(data.SEED + 511)
    # The last half-year: its points, its round, every point reviewed, the round closed.
    for point in points:
        if point.last_round:
            create(point)
    rounds_made = 0
    last_round = RiskReviewRound.objects.filter(jurisdiction=city, year=last_year, half=last_half).first()
    if last_round is None:
        last_round = risk.risk_round_open(actor=office, jurisdiction=city, year=last_year, half=last_half)
        for point in points:
            if point.last_round:
                span = max(1, (last_closed - last_opened).days - 3)
                review(last_round, point, "last", point.last_round, last_opened + timedelta(days=rng.randint(1, span)))
        last_round = risk.risk_round_close(actor=office, round=last_round)
        RiskReviewRound.objects.filter(pk=last_round.pk).update(
            created_at=_at(last_opened, 9), updated_at=_at(last_closed, 17), closed_at=_at(last_closed, 17)
        )
        rounds_made += 1
    # Identified since: reviewed (or not yet) in this half-year's open round.
    for point in points:
        if not point.last_round and point.identified_on < opened:
            create(point)
    this_round = RiskReviewRound.objects.filter(jurisdiction=city, year=year, half=half).first()
    if this_round is None:
        this_round = risk.risk_round_open(actor=office, jurisdiction=city, year=year, half=half)
        span = max(0, (today - opened).days)
        for point in points:
            if point.this_round:
                review(this_round, point, "this", point.this_round, opened + timedelta(days=rng.randint(0, span)))
        RiskReviewRound.objects.filter(pk=this_round.pk).update(created_at=min(_at(opened, 9), now), updated_at=min(_at(opened, 9), now))
        rounds_made += 1
    for point in points:
        if point.identified_on >= opened:
            create(point)
    RiskPoint.objects.bulk_update(list({p.pk: p for p in dates}.values()), ["created_at", "updated_at", "last_reviewed_on"], batch_size=500)
    for done, moment in reviews:
        done.reviewed_at = moment
    RiskPointReview.objects.bulk_update([r for r, _m in reviews], ["reviewed_at"], batch_size=500)
    ctx.created["risk points"] += len(created)
    ctx.created["risk review rounds"] += rounds_made
    ctx.created["risk point reviews"] += len(reviews)
    ctx.log(
        f"  risk points: {len(points)} planned, {len(created)} created; rounds: {rounds_made} opened, "
        f"{len(reviews)} reviews in {clock.monotonic() - started:.1f} s"
    )
