"""The assessments app's part of ``manage.py seed_scale`` (see :mod:`core.scale`): the accident
registry over the responsibility part's province (or city).

Sizes by profile: ``tiny`` 40 accidents for the tests, ``city`` 400, ``province`` 5,000 — about
one accident a year for every forty enterprises, over the last two years.

Shaped like registries are: enterprises of high-risk sectors and risk classes have more
accidents; one in eight happens outside any enterprise (roads, public places). Levels come in
fixed shares (about 97.5% ordinary — most without deaths, a quarter with one, a few with two —
2.3% larger, 0.2% major, one extraordinarily major per 5,000), so that every profile has larger
accidents for the veto rules and fatal ones for the deductions. The reporting delay is
log-normal (about 6% past the default one-hour limit); cases close one to six months after the
accident and the one-year rectification evaluation is recorded for most of those due; every
accident with two or more deaths is listed for supervision by its city's safety committee. Each
accident's timeline (recorded, investigation, listing, closing, evaluation) is written with it.

Everything random comes from ``ctx.random("accidents", <step>)``; ids come from
``ctx.allocate_ids``; rows go out with ``ctx.write`` (COPY on PostgreSQL).
"""

from __future__ import annotations

import math
from bisect import bisect
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from core.scale import ScaleContext, register_scale_part

PART_MODELS = ("assessments.Accident", "assessments.AccidentEvent")

SHAPES = {"tiny": 40, "city": 400, "province": 5_000}
HISTORY_DAYS = 730
SOURCE_SYSTEM = "scale"
PUBLIC_SHARE = 0.12
REPORT_LIMIT_MINUTES = 60  # AccidentPolicy's default (the scale data has no per-place rules)
EVALUATION_MONTHS = 12
#: Shares of the levels above ordinary (the rest is ordinary).
LEVEL_SHARES = (("extraordinary", 0.0002), ("major", 0.002), ("larger", 0.023))
#: Accident weight of an enterprise by its sector's risk profile and its own risk class.
PROFILE_WEIGHT = {"high": 4.0, "elevated": 2.0, "normal": 1.0}
CLASS_WEIGHT = {"red": 2.5, "orange": 1.6, "yellow": 1.0, "blue": 0.7}
STATUS_WEIGHT = {"operating": 1.0, "suspended": 0.2, "closed": 0.05}
#: Accident types by sector (GB 6441), the first the most frequent.
SECTOR_TYPES = {
    "industry_trade": ("machinery", "object_strike", "lifting", "electric", "fire", "scald", "vehicle"),
    "construction": ("fall", "object_strike", "collapse", "lifting", "electric", "machinery"),
    "road_transport": ("road_traffic", "vehicle"),
    "hazardous_chemicals": ("poisoning", "fire", "other_explosion", "scald", "vessel"),
    "mining": ("roof_fall", "blasting", "flooding", "vehicle", "collapse"),
    "fireworks": ("explosive", "fire"),
    "metallurgy": ("scald", "machinery", "lifting", "gas_explosion", "poisoning"),
    "crowded_places": ("fire", "electric", "fall"),
    "special_equipment": ("lifting", "boiler", "vessel", "machinery"),
    "gas": ("gas_explosion", "poisoning", "fire"),
    "water_transport": ("drowning", "vehicle"),
    "fishing_vessels": ("drowning", "machinery"),
    "hydraulic": ("drowning", "collapse"),
    "civil_explosives": ("explosive",),
}
DEFAULT_TYPES = ("object_strike", "fall", "electric", "fire", "other")
PUBLIC_TYPES = ("road_traffic", "road_traffic", "road_traffic", "drowning", "fire", "collapse")
TYPE_NAMES = {
    "object_strike": "物体打击", "vehicle": "车辆伤害", "machinery": "机械伤害", "lifting": "起重伤害", "electric": "触电",
    "drowning": "淹溺", "scald": "灼烫", "fire": "火灾", "fall": "高处坠落", "collapse": "坍塌", "roof_fall": "冒顶片帮",
    "flooding": "透水", "blasting": "放炮", "gas_explosion": "瓦斯爆炸", "explosive": "火药爆炸", "boiler": "锅炉爆炸",
    "vessel": "容器爆炸", "other_explosion": "其他爆炸", "poisoning": "中毒和窒息", "road_traffic": "道路交通", "other": "其他伤害",
}
PUBLIC_PLACES = ("国道", "县道", "乡村公路", "河道", "农贸市场", "居民自建房", "城区主干道")


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to ``weights`` summing to exactly ``total``."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def level_counts(total: int) -> dict[str, int]:
    """How many accidents of each level: the shares, with at least two larger accidents (the
    veto rules need some) whenever there are twenty accidents or more."""
    counts = {level: int(total * share) for level, share in LEVEL_SHARES}
    if total >= 20:
        counts["larger"] = max(counts["larger"], 2)
    counts["ordinary"] = total - sum(counts.values())
    return counts


def add_months(day: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


class _Generator:
    def __init__(self, ctx: ScaleContext):
        self.ctx = ctx
        self.total = SHAPES[ctx.profile]
        self.today = ctx.today
        self.tz = timezone.get_current_timezone()
        # Everything lies before the start of today, so nothing is in the future whatever the
        # run's clock says.
        self.horizon = datetime.combine(self.today, time(0, 0), tzinfo=self.tz)

    def random(self, step: str):
        return self.ctx.random("accidents", step)

    def log(self, message: str) -> None:
        self.ctx.log(f"  {message}")

    def load(self) -> None:
        from responsibility.choices import OrganizationKind
        from responsibility.models import Enterprise, EnterpriseSupervision, Jurisdiction, Organization
        from responsibility.scale import SECTOR_PLAN

        self.enterprises = list(
            Enterprise.objects.order_by("pk").values_list(
                "pk", "jurisdiction_id", "jurisdiction__path", "sector__code", "sector_id", "risk_class", "status", "name"
            )
        )
        self.department_of = dict(EnterpriseSupervision.objects.filter(is_primary=True).values_list("enterprise_id", "organization_id"))
        self.profile_of = {code: plan[1] for code, plan in SECTOR_PLAN.items()}
        self.townships = list(Jurisdiction.objects.filter(level="township").order_by("path").values_list("pk", "path", "name"))
        self.committees = dict(
            Organization.objects.filter(kind=OrganizationKind.SAFETY_COMMITTEE, jurisdiction__level="city").values_list(
                "jurisdiction__path", "pk"
            )
        )
        self.teams = dict(Jurisdiction.objects.filter(level__in=("city", "county", "development_zone")).values_list("path", "name"))

    def run(self) -> None:
        self.load()
        if not self.enterprises:
            self.log("accidents: no enterprises, nothing to do")
            return
        self.accidents()

    # -- the accidents --

    def _places(self, rng) -> list[tuple]:
        """Where each accident happens: ``("enterprise", row)`` or ``("public", township)``."""
        public = round(self.total * PUBLIC_SHARE) if self.townships else 0
        weights = [
            PROFILE_WEIGHT[self.profile_of.get(e[3], "normal")] * CLASS_WEIGHT.get(e[5], 1.0) * STATUS_WEIGHT.get(e[6], 1.0)
            * rng.lognormvariate(0, 0.6)
            for e in self.enterprises
        ]
        cumulative = list(accumulate(weights))
        places = []
        for _ in range(self.total - public):
            places.append(("enterprise", self.enterprises[bisect(cumulative, rng.random() * cumulative[-1])]))
        for _ in range(public):
            places.append(("public", self.townships[int(rng.random() * len(self.townships))]))
        rng.shuffle(places)
        return places

    def _levels(self, rng) -> list[str]:
        levels = [level for level, n in level_counts(self.total).items() for _ in range(n)]
        rng.shuffle(levels)
        return levels

    @staticmethod
    def _toll(rng, level: str) -> tuple[int, int, Decimal]:
        """Deaths, serious injuries and loss (10,000 yuan) of an accident of ``level``: one
        measure reaches the level, the others stay below it."""
        if level == "ordinary":
            r = rng.random()
            deaths = 0 if r < 0.70 else 1 if r < 0.96 else 2
            injuries = int(rng.random() ** 2 * 6)
            loss = Decimal(str(round(rng.lognormvariate(3, 1.2), 2))).min(Decimal("950"))
            return deaths, injuries, loss
        bounds = {"larger": (3, 10, 1000), "major": (10, 50, 5000), "extraordinary": (30, 100, 10000)}[level]
        measure = rng.choice(("deaths", "deaths", "injuries", "loss"))
        deaths = rng.randint(bounds[0], bounds[0] + 3) if measure == "deaths" else rng.randint(0, 2)
        injuries = rng.randint(bounds[1], bounds[1] + 10) if measure == "injuries" else rng.randint(0, 9)
        loss = Decimal(bounds[2] + rng.randint(0, bounds[2] // 2)) if measure == "loss" else Decimal(rng.randint(50, 900))
        return deaths, injuries, loss

    def accidents(self) -> None:
        from assessments.models import Accident, AccidentEvent

        rng = self.random("accidents")
        places = self._places(rng)
        levels = self._levels(rng)
        ids = iter(self.ctx.allocate_ids(Accident, self.total))
        rows, events = [], []
        written = {"fatal": 0, "larger": 0, "late": 0, "closed": 0, "listed": 0}
        for (kind, place), level in zip(places, levels, strict=True):
            pk = next(ids)
            age_minutes = int(rng.random() ** 1.15 * HISTORY_DAYS * 24 * 60) + 60
            occurred = self.horizon - timedelta(minutes=age_minutes)
            deaths, injuries, loss = self._toll(rng, level)
            if kind == "enterprise":
                enterprise_id, jurisdiction_id, path, sector_code, sector_id, _risk, _status, name = place
                accident_type = rng.choice(SECTOR_TYPES.get(sector_code, DEFAULT_TYPES))
                title = f"{name}{TYPE_NAMES[accident_type]}事故"
                department_id = self.department_of.get(enterprise_id)
                where = ""
            else:
                jurisdiction_id, path, township = place
                enterprise_id = sector_id = department_id = None
                accident_type = rng.choice(PUBLIC_TYPES)
                where = f"{township}{rng.choice(PUBLIC_PLACES)}"
                title = f"{where}{TYPE_NAMES[accident_type]}事故"
            reported = None
            if rng.random() > 0.02:
                delay = min(rng.lognormvariate(math.log(30), 0.45), 60 * 24 * 3)
                reported = min(occurred + timedelta(minutes=round(delay)), self.horizon - timedelta(minutes=1))
            late = bool(reported and reported - occurred > timedelta(minutes=REPORT_LIMIT_MINUTES))
            age_days = (self.horizon - occurred).days
            serious = level != "ordinary"
            team = self.teams.get(path[:4] if serious else path[:6]) or self.teams.get(path[:4], "")
            body = f"{team}人民政府事故调查组" if team else "事故调查组"
            status, closed_on, due_on, evaluated_on, listed_on, listing_body = "reported", None, None, None, None, None
            recorded = (reported or occurred) + timedelta(minutes=10)
            timeline = [(recorded, "reported", {"level": level, **({"reported_late": True, "limit_minutes": REPORT_LIMIT_MINUTES} if late else {})})]
            if age_days >= 3:
                status = "investigating"
                timeline.append((max(occurred + timedelta(days=1, hours=8), recorded + timedelta(hours=1)), "investigating",
                                 {"investigation_body": body}))
            if deaths >= 2 and path[:4] in self.committees and age_days >= 4:
                listed_at = max(occurred + timedelta(days=2, hours=9), recorded + timedelta(hours=2))
                listed_on = timezone.localtime(listed_at, self.tz).date()
                listing_body = self.committees[path[:4]]
                timeline.append((listed_at, "listed", {"listed_on": listed_on.isoformat()}))
            close_after = rng.randint(60, 180) if serious else rng.randint(30, 100)
            if age_days > close_after + 1:
                status = "closed"
                closed_on = (occurred + timedelta(days=close_after)).date()
                due_on = add_months(closed_on, EVALUATION_MONTHS)
                timeline.append((datetime.combine(closed_on, time(16, 0), tzinfo=self.tz), "closed",
                                 {"closed_on": closed_on.isoformat(), "evaluation_due_on": due_on.isoformat()}))
                if due_on < self.today and rng.random() < 0.85:
                    evaluated_on = min(due_on + timedelta(days=rng.randint(-20, 25)), self.today - timedelta(days=1))
                    timeline.append((datetime.combine(evaluated_on, time(15, 0), tzinfo=self.tz), "evaluated",
                                     {"evaluated_on": evaluated_on.isoformat()}))
            timeline.sort(key=lambda item: item[0])
            rows.append((
                pk, timeline[0][0], timeline[-1][0], Accident.make_code(timezone.localtime(occurred, self.tz).year, pk), title,
                occurred, jurisdiction_id, path, where, enterprise_id, sector_id, department_id, accident_type, deaths, 0, injuries,
                loss, level, f"{title}，死亡{deaths}人，重伤{injuries}人。", reported, late, False, status,
                body if status != "reported" else "", closed_on, due_on, evaluated_on, "整改措施已落实。" if evaluated_on else "",
                listed_on is not None, listing_body, listed_on, SOURCE_SYSTEM, f"scale-{pk}", None,
            ))
            events.extend((pk, at, event_kind, None, "", data) for at, event_kind, data in timeline)
            written["fatal"] += deaths > 0
            written["larger"] += serious
            written["late"] += late
            written["closed"] += status == "closed"
            written["listed"] += listed_on is not None
        self.ctx.write(
            Accident,
            [
                "id", "created_at", "updated_at", "code", "title", "occurred_at", "jurisdiction_id", "jurisdiction_path", "place",
                "enterprise_id", "sector_id", "supervising_department_id", "accident_type", "deaths", "missing", "serious_injuries",
                "direct_loss", "level", "summary", "reported_at", "reported_late", "concealed", "investigation_status",
                "investigation_body", "case_closed_on", "evaluation_due_on", "evaluated_on", "evaluation_note", "listed",
                "listing_body_id", "listed_on", "source_system", "external_id", "created_by_id",
            ],
            rows,
        )
        self.ctx.write(AccidentEvent, ["accident_id", "at", "kind", "actor_id", "comment", "data"], events)
        self.log(
            f"accidents: {len(rows):,} ({written['fatal']:,} fatal, {written['larger']:,} larger or above, {written['late']:,} "
            f"reported late, {written['closed']:,} closed, {written['listed']:,} listed), timeline events: {len(events):,}"
        )


def generate(ctx: ScaleContext) -> None:
    _Generator(ctx).run()


register_scale_part("accidents", generate, order=400, requires=("responsibility",), models=PART_MODELS)
