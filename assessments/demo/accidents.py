"""Demo data: 25 production safety accidents in the demo city over this year and last year,
recorded through the accident services by the demo's users, so every accident has a real
timeline and its derived fields (level, late reporting, evaluation due date) come from the
rules.

What the assessment rounds find in them (DOMAIN.md §8, seed 000):

- 泉港区 has two larger accidents this year: above its veto threshold of 1 (it loses
  excellence); 晋江市 has one, under its own threshold of 2;
- 南安市 has an accident with two deaths this year (50 points off by the Quanzhou rule), listed
  for supervision by the city safety committee as the seed says such accidents are; three
  accidents with one death each in other places;
- one accident reported three hours late; one pushed by 晋江市's county system through the
  idempotent upsert;
- closed cases of last year whose one-year rectification evaluation is overdue, due within
  weeks, or done;
- last year's accidents over the same span as this year's, so the list's comparison says
  something.

Dates are laid out relative to today (this year's accidents over the part of the year gone by),
so the demo reads the same whenever it is built. Idempotent: demo accidents carry a fixed
``(source_system, external_id)`` and an accident already there is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

SOURCE_SYSTEM = "demo"
COUNTY_SYSTEM_SOURCE = "jinjiang-sg"
CITY = "350500"
JINJIANG = "350582"


@dataclass
class Step:
    kind: str  # investigate, list, close, evaluate
    on: date
    params: dict = field(default_factory=dict)


@dataclass
class AccidentPlan:
    number: int
    county: str
    title: str
    accident_type: str
    occurred_at: datetime
    report_minutes: int
    deaths: int = 0
    injuries: int = 0
    missing: int = 0
    loss: str = "0"
    sectors: tuple[str, ...] = ()  # preferred sectors of the enterprise; empty: none (a public place)
    place: str = ""
    summary: str = ""
    actor: str = "office"
    pushed: bool = False  # sent by the county system through the upsert
    steps: list[Step] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        source = COUNTY_SYSTEM_SOURCE if self.pushed else SOURCE_SYSTEM
        return source, f"demo-sg-{self.number:02d}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Planner:
    def __init__(self, today: date):
        self.today = today
        self.year_start = date(today.year, 1, 1)
        # Leave yesterday free: every step of this year's accidents must lie before today.
        self.elapsed = max((today - self.year_start).days - 1, 0)
        self.plans: list[AccidentPlan] = []

    def this_year(self, fraction: float) -> date:
        return self.year_start + timedelta(days=int(fraction * self.elapsed))

    def last_year(self, fraction: float) -> date:
        return date(self.today.year - 1, 1, 1) + timedelta(days=int(fraction * self.elapsed))

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def add(self, **values) -> AccidentPlan:
        plan = AccidentPlan(number=len(self.plans) + 1, **values)
        self.plans.append(plan)
        return plan

    def investigate(self, plan: AccidentPlan, body: str, after_days: int = 1) -> None:
        day = plan.occurred_at.date() + timedelta(days=after_days)
        if day < self.today:
            plan.steps.append(Step("investigate", day, {"investigation_body": body}))

    def close(self, plan: AccidentPlan, on: date, *, evaluated: date | None = None, note: str = "") -> None:
        if on >= self.today or on <= plan.occurred_at.date():
            return
        plan.steps.append(Step("close", on))
        if evaluated is not None and on < evaluated < self.today:
            plan.steps.append(Step("evaluate", evaluated, {"note": note}))

    def build(self) -> list[AccidentPlan]:
        county_team = "{name}人民政府生产安全事故调查组"
        city_team = "泉州市人民政府生产安全事故调查组"

        # --- This year ---------------------------------------------------------------------
        # 泉港区: two larger accidents, above its threshold of one larger accident a year.
        p = self.add(
            county="350505", title="石化企业储罐区闪爆事故", accident_type="other_explosion",
            occurred_at=_at(self.this_year(0.18), 3, 40), report_minutes=35, deaths=3, injuries=2, loss="860",
            sectors=("hazardous_chemicals",), place="储罐区T-203",
            summary="储罐检修动火作业未有效隔离，罐内残存可燃气体闪爆，造成3人死亡、2人重伤。",
        )
        self.investigate(p, city_team)
        p = self.add(
            county="350505", title="化工企业硫化氢中毒事故", accident_type="poisoning",
            occurred_at=_at(self.this_year(0.46), 14, 15), report_minutes=50, injuries=11, loss="320",
            sectors=("hazardous_chemicals",), place="污水处理车间",
            summary="污水池清淤作业未检测有毒气体，作业人员及施救人员共11人中毒重伤。",
        )
        self.investigate(p, city_team, after_days=2)
        # 晋江市: one larger accident, under its own threshold of two.
        p = self.add(
            county=JINJIANG, title="在建厂房钢结构坍塌事故", accident_type="collapse",
            occurred_at=_at(self.this_year(0.3), 10, 5), report_minutes=40, deaths=4, injuries=3, loss="1250",
            sectors=("construction", "industry_trade"), place="三号厂房工地", actor="county_office",
            summary="钢结构屋面吊装过程中支撑体系失稳坍塌，造成4人死亡、3人重伤。",
        )
        self.investigate(p, city_team)
        self.close(p, p.occurred_at.date() + timedelta(days=80))
        # 南安市: two deaths — 50 points off, listed for supervision by the city.
        p = self.add(
            county="350583", title="石材企业高处坠落事故", accident_type="fall",
            occurred_at=_at(self.this_year(0.52), 9, 20), report_minutes=45, deaths=2, loss="210",
            sectors=("industry_trade",), place="荒料堆场行车检修平台",
            summary="2名检修人员在行车检修平台作业时未系安全带，护栏断裂坠落身亡。",
        )
        self.investigate(p, county_team.format(name="南安市"))
        p.steps.append(Step("list", p.occurred_at.date() + timedelta(days=2), {"comment": "一次死亡2人，按规定挂牌督办。"}))
        # One death each.
        self.add(
            county="350581", title="渣土车碾压行人事故", accident_type="road_traffic",
            occurred_at=_at(self.this_year(0.61), 21, 30), report_minutes=25, deaths=1, loss="60",
            place="宝盖镇环城路", summary="夜间渣土车右转未减速让行，碾压过街行人致其死亡。",
        )
        p = self.add(
            county="350503", title="商场配电房触电事故", accident_type="electric",
            occurred_at=_at(self.this_year(0.66), 13, 0), report_minutes=190, deaths=1, loss="45",
            sectors=("crowded_places", "industry_trade"), place="地下一层配电房",
            summary="电工带电作业未采取绝缘防护措施触电身亡；企业延误3小时才报告，属迟报。",
        )
        self.investigate(p, county_team.format(name="丰泽区"))
        self.add(
            county=JINJIANG, title="鞋材企业机械伤害事故", accident_type="machinery", occurred_at=_at(self.this_year(0.72), 15, 45),
            report_minutes=30, deaths=1, loss="95", sectors=("industry_trade",), place="成型车间", pushed=True, actor="countysys",
            summary="操作工清理冲压设备模具时未停机断电，被冲头压伤，送医后死亡。",
        )
        # Ordinary accidents without deaths.
        ordinary = (
            ("350582", "纺织企业火灾事故", "fire", 0.08, 2, "150", ("industry_trade",), "county_office"),
            ("350582", "物流园叉车伤人事故", "vehicle", 0.4, 1, "8", ("industry_trade", "road_transport"), "county_office"),
            ("350521", "石雕企业起重伤害事故", "lifting", 0.12, 1, "12", ("industry_trade",), "office"),
            ("350524", "茶叶加工厂烫伤事故", "scald", 0.25, 2, "6.5", ("industry_trade",), "office"),
            ("350526", "陶瓷企业窑炉烫伤事故", "scald", 0.35, 1, "18", ("industry_trade",), "office"),
            ("350502", "餐饮场所燃气泄漏燃烧事故", "fire", 0.55, 3, "42", ("gas", "crowded_places"), "office"),
            ("350504", "建筑工地物体打击事故", "object_strike", 0.78, 1, "9", ("construction",), "office"),
            ("350572", "船舶修造企业淹溺事故", "drowning", 0.85, 1, "15", ("water_transport", "industry_trade"), "office"),
        )
        for county, title, kind, fraction, injuries, loss, sectors, actor in ordinary:
            p = self.add(
                county=county, title=title, accident_type=kind, occurred_at=_at(self.this_year(fraction), 11, 10),
                report_minutes=20 + injuries * 5, injuries=injuries, loss=loss, sectors=sectors, actor=actor,
                summary=f"{title}，造成{injuries}人重伤。",
            )
            if fraction < 0.5:
                body = county_team.format(name=_county_name(county))
                self.investigate(p, body)
                self.close(p, p.occurred_at.date() + timedelta(days=45))

        # --- Closed cases whose one-year evaluation falls due now ---------------------------
        for days_closed, county, title, kind, evaluated in (
            (375, "350583", "石材加工企业机械伤害事故", "machinery", None),  # overdue
            (335, "350521", "建材企业车辆伤害事故", "vehicle", None),  # due within weeks
            (318, "350525", "竹木加工企业火灾事故", "fire", None),
            (420, "350581", "服装企业锅炉烫伤事故", "scald", 415),  # evaluated
        ):
            closed = self.ago(days_closed)
            p = self.add(
                county=county, title=title, accident_type=kind, occurred_at=_at(closed - timedelta(days=75), 8, 50),
                report_minutes=40, deaths=1, loss="70", sectors=("industry_trade",),
                summary=f"{title}，造成1人死亡。",
            )
            self.investigate(p, county_team.format(name=_county_name(county)))
            self.close(p, closed, evaluated=self.ago(evaluated) if evaluated else None, note="整改措施逐项落实，复查合格。")

        # --- Last year, over the same span ------------------------------------------------
        for county, title, kind, fraction, deaths, injuries, loss in (
            ("350521", "石材企业起重伤害事故", "lifting", 0.2, 3, 1, "420"),  # a larger one last year
            ("350582", "鞋服企业火灾事故", "fire", 0.3, 0, 2, "260"),
            ("350503", "商业综合体电梯伤人事故", "machinery", 0.5, 0, 1, "20"),
            ("350505", "化工企业灼烫事故", "scald", 0.6, 0, 1, "35"),
            ("350583", "建筑工地高处坠落事故", "fall", 0.75, 1, 0, "50"),
            ("350526", "陶瓷企业物体打击事故", "object_strike", 0.9, 0, 1, "4"),
        ):
            occurred = _at(self.last_year(fraction), 10, 30)
            p = self.add(
                county=county, title=title, accident_type=kind, occurred_at=occurred, report_minutes=35, deaths=deaths,
                injuries=injuries, loss=loss, sectors=("industry_trade", "construction"),
                actor="county_office" if county == JINJIANG else "office", summary=f"{title}。",
            )
            self.investigate(p, city_team if deaths >= 3 else county_team.format(name=_county_name(county)))
            closed = occurred.date() + timedelta(days=60)
            self.close(p, closed, evaluated=closed + timedelta(days=365), note="整改到位。")
        return self.plans


COUNTY_NAMES = {
    "350502": "鲤城区", "350503": "丰泽区", "350504": "洛江区", "350505": "泉港区", "350521": "惠安县", "350524": "安溪县",
    "350525": "永春县", "350526": "德化县", "350581": "石狮市", "350582": "晋江市", "350583": "南安市", "350571": "泉州经济技术开发区",
    "350572": "泉州台商投资区",
}


def _county_name(code: str) -> str:
    return COUNTY_NAMES.get(code, code)


def plan_accidents(today: date) -> list[AccidentPlan]:
    """Every demo accident with its steps; from ``today`` alone."""
    return _Planner(today).build()


# --- Writing -----------------------------------------------------------------------------------


class _Runner:
    def __init__(self, ctx):
        from responsibility.choices import OrganizationKind
        from responsibility.models import Jurisdiction, Organization

        self.ctx = ctx
        self.users = ctx.users
        self.redates: list[tuple[int, list[datetime]]] = []
        self.used_enterprises: set[int] = set()
        city = Jurisdiction.objects.get(pk=ctx.jurisdiction_ids[CITY])
        self.city_committee = Organization.objects.filter(jurisdiction=city, kind=OrganizationKind.SAFETY_COMMITTEE).first()

    def enterprise(self, plan: AccidentPlan):
        """An operating enterprise of the county in the preferred sectors (the first by credit
        code not used by another demo accident), else any of the county's."""
        from responsibility.models import Enterprise

        if not plan.sectors:
            return None
        county = self.ctx.jurisdiction_ids.get(plan.county)
        if county is None:
            return None
        base = Enterprise.objects.filter(jurisdiction__path__startswith=plan.county, status="operating").exclude(
            pk__in=self.used_enterprises
        ).select_related("jurisdiction", "sector").order_by("credit_code")
        for sector in plan.sectors:
            found = base.filter(sector__code=sector).first()
            if found is not None:
                return found
        return base.first()

    def place(self, plan: AccidentPlan):
        """A township of the county for an accident without an enterprise (the first by code)."""
        from responsibility.models import Jurisdiction

        return (
            Jurisdiction.objects.filter(path__startswith=plan.county, level="township").order_by("path").first()
            or Jurisdiction.objects.get(pk=self.ctx.jurisdiction_ids[plan.county])
        )

    def run(self, plan: AccidentPlan) -> None:
        from assessments.services import accidents as services
        from assessments.services import sync

        enterprise = self.enterprise(plan)
        if enterprise is not None:
            self.used_enterprises.add(enterprise.pk)
        reported = plan.occurred_at + timedelta(minutes=plan.report_minutes)
        facts = {
            "title": plan.title,
            "occurred_at": plan.occurred_at,
            "reported_at": reported,
            "accident_type": plan.accident_type,
            "enterprise": enterprise,
            "place": plan.place,
            "deaths": plan.deaths,
            "missing": plan.missing,
            "serious_injuries": plan.injuries,
            "direct_loss": Decimal(plan.loss),
            "summary": plan.summary,
        }
        if enterprise is None:
            facts["jurisdiction"] = self.place(plan)
        actor = self.users.get(plan.actor) or self.users["office"]
        source, external_id = plan.key
        if plan.pushed:
            accident = sync.accident_upsert(actor=actor, source_system=source, external_id=external_id, data=facts)[0]
        else:
            accident = services.accident_report(actor=actor, source_system=source, external_id=external_id, **facts)
        moments = [reported + timedelta(minutes=5)]
        office = self.users["county_office"] if plan.county == JINJIANG and "county_office" in self.users else self.users["office"]
        for step in plan.steps:
            if step.on >= timezone.localdate():
                continue  # a demo built on the first days of a year: this step has not happened yet
            moment = _at(step.on, 16, 0)
            if step.kind == "investigate":
                accident = services.accident_start_investigation(actor=office, accident=accident, **step.params)
            elif step.kind == "list":
                if self.city_committee is None:
                    continue
                accident = services.accident_list_for_supervision(
                    actor=self.users["office"], accident=accident, listing_body=self.city_committee, listed_on=step.on, **step.params
                )
            elif step.kind == "close":
                accident = services.accident_close_case(actor=office, accident=accident, closed_on=step.on)
            elif step.kind == "evaluate":
                accident = services.accident_record_evaluation(actor=office, accident=accident, evaluated_on=step.on, **step.params)
            else:  # pragma: no cover - a typo in the plan
                raise ValueError(step.kind)
            moments.append(moment)
        self.redates.append((accident.pk, moments))

    def flush(self) -> None:
        """Move the timelines (and the records' own stamps) to the planned moments: services
        stamp "now" on what they record."""
        from assessments.models import Accident, AccidentEvent

        if not self.redates:
            return
        wanted = dict(self.redates)
        events = list(AccidentEvent.objects.filter(accident_id__in=wanted).order_by("accident_id", "pk").only("pk", "accident_id", "at"))
        by_accident: dict[int, list] = {}
        for event in events:
            by_accident.setdefault(event.accident_id, []).append(event)
        accidents = []
        for accident_id, moments in wanted.items():
            rows = by_accident.get(accident_id, [])
            if len(rows) != len(moments):
                raise RuntimeError(f"accident {accident_id}: {len(rows)} events for {len(moments)} planned steps")
            for event, moment in zip(rows, moments, strict=True):
                event.at = moment
            accidents.append(Accident(pk=accident_id, created_at=moments[0], updated_at=moments[-1]))
        AccidentEvent.objects.bulk_update(events, ["at"], batch_size=500)
        # bulk_update writes the given values (auto_now applies on save() only).
        Accident.objects.bulk_update(accidents, ["created_at", "updated_at"], batch_size=500)


def build(ctx) -> None:
    """Idempotent: accidents already recorded (by their demo key) are skipped."""
    from assessments.models import Accident

    if not {"office", "county_office"} <= set(ctx.users) or CITY not in ctx.jurisdiction_ids:
        ctx.log("  accidents: skipped (the demo city or its logins are missing)")
        return
    plans = plan_accidents(timezone.localdate())
    existing = set(
        Accident.objects.filter(source_system__in=(SOURCE_SYSTEM, COUNTY_SYSTEM_SOURCE)).values_list("source_system", "external_id")
    )
    runner = _Runner(ctx)
    # Enterprises already used by the accidents there stay theirs.
    runner.used_enterprises.update(
        Accident.objects.filter(source_system__in=(SOURCE_SYSTEM, COUNTY_SYSTEM_SOURCE), enterprise__isnull=False).values_list(
            "enterprise_id", flat=True
        )
    )
    now = timezone.now()
    todo = [
        plan for plan in plans
        if plan.key not in existing and plan.county in ctx.jurisdiction_ids
        and plan.occurred_at + timedelta(minutes=plan.report_minutes) < now
    ]
    for plan in todo:
        if plan.pushed and "countysys" not in ctx.users:
            plan.pushed, plan.actor = False, "county_office"
        runner.run(plan)
    runner.flush()
    ctx.created["accidents"] += len(runner.redates)
    ctx.extra["accident_plans"] = plans
    ctx.log(f"  accidents: {len(plans)} planned, {len(runner.redates)} created")
