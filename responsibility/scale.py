"""The responsibility system's part of ``manage.py seed_scale`` (see :mod:`core.scale`).

A province shaped like 江苏省 — coastal, industrial, 13 cities — with its whole responsibility
system: the division tree with valid codes, every organization of each level, officials with
their posts (grid supervisors included), enterprises with valid credit codes and supervising
departments, sector mappings, grids, responsibility lists, key-work lists, power-and-
responsibility lists in every state, meetings, committee membership and the supervision list.
The city profile is one city of the same shape (苏州市); the tiny one is for the tests.

Distributions are skewed the way real data is: enterprises crowd into a few industrial towns
(log-normal weights), sectors are weighted like a coastal manufacturing province, risk classes
are mostly yellow and blue with more red in hazardous sectors, and every kind of record has
gaps (villages without a level-3 grid supervisor, sectors without a lead department in some
development zones, enterprises nobody supervises, missed meetings, lists never drawn up) so that
coverage and compliance pages have something to find.

Everything random comes from ``ctx.random("responsibility", <step>)`` and every date is laid out
relative to ``ctx.today``: the same seed and day give the same rows with the same ids.
"""

from __future__ import annotations

import math
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

from django.utils import timezone

from core.scale import SCALE_USERNAME_PREFIX, ScaleContext, register_scale_part

PART_MODELS = (
    "responsibility.Jurisdiction",
    "responsibility.Organization",
    "responsibility.Official",
    "responsibility.Post",
    "responsibility.ScopeAssignment",
    "responsibility.CommitteeMembership",
    "responsibility.ResponsibilityItem",
    "responsibility.WorkList",
    "responsibility.WorkItem",
    "responsibility.WorkItemCheck",
    "responsibility.PowerListVersion",
    "responsibility.PowerListItem",
    "responsibility.PowerListReview",
    "responsibility.PublicationDeadline",
    "responsibility.Meeting",
    "responsibility.SupervisionMatter",
    "responsibility.SupervisionProgress",
    "responsibility.SupervisionNotice",
    "responsibility.Enterprise",
    "responsibility.EnterpriseSupervision",
    "responsibility.SectorResponsibility",
    "responsibility.Grid",
    "responsibility.GridSupervisor",
)


@dataclass(frozen=True)
class Shape:
    cities: int
    counties: int  # counties, districts, county-level cities and development zones
    townships: int
    villages: int
    enterprises: int
    province_orgs: bool  # the province's own Party committee, government, departments …
    level3_coverage: float = 0.6  # average share of villages with a level-3 grid supervisor


SHAPES = {
    "tiny": Shape(cities=1, counties=2, townships=6, villages=24, enterprises=150, province_orgs=False),
    "city": Shape(cities=1, counties=8, townships=100, villages=1500, enterprises=8000, province_orgs=False),
    "province": Shape(cities=13, counties=100, townships=1300, villages=20000, enterprises=100000, province_orgs=True),
}

PROVINCE = ("320000", "江苏省")
CITIES = [
    ("3201", "南京市"), ("3202", "无锡市"), ("3203", "徐州市"), ("3204", "常州市"), ("3205", "苏州市"),
    ("3206", "南通市"), ("3207", "连云港市"), ("3208", "淮安市"), ("3209", "盐城市"), ("3210", "扬州市"),
    ("3211", "镇江市"), ("3212", "泰州市"), ("3213", "宿迁市"),
]
CITY_PROFILE_CITY = ("3205", "苏州市")
BOUNDS = ((30.8, 35.0), (116.4, 121.8))  # latitude, longitude of the province

#: sector code → (share of enterprises, risk profile, lead department key, co-responsible keys).
#: Weighted like a coastal manufacturing province: industry and trade first, then crowded places.
SECTOR_PLAN: dict[str, tuple[float, str, str, tuple[str, ...]]] = {
    "industry_trade": (42, "normal", "emergency", ("industry",)),
    "construction": (8, "elevated", "housing", ()),
    "road_transport": (6, "normal", "transport", ("public_security",)),
    "hazardous_chemicals": (3.5, "high", "emergency", ("industry", "public_security")),
    "mining": (0.8, "high", "emergency", ("natural_resources",)),
    "fireworks": (0.6, "high", "emergency", ("public_security",)),
    "metallurgy": (2, "high", "emergency", ("industry",)),
    "crowded_places": (14, "normal", "fire", ("market", "commerce")),
    "special_equipment": (4, "elevated", "market", ()),
    "gas": (1.5, "high", "urban", ("housing",)),
    "water_transport": (1.5, "elevated", "transport", ()),
    "fishing_vessels": (1.5, "elevated", "agriculture", ()),
    "schools": (4, "normal", "education", ()),
    "tourism": (3, "normal", "culture", ()),
    "medical": (3, "normal", "health", ()),
    "hydraulic": (0.5, "elevated", "water", ()),
    "civil_explosives": (0.2, "high", "public_security", ()),
    "social_services": (3, "normal", "civil_affairs", ()),
}
#: Risk classes (red, orange, yellow, blue) by risk profile: mostly yellow and blue.
RISK_WEIGHTS = {"normal": (1, 6, 38, 55), "elevated": (3, 12, 45, 40), "high": (10, 25, 45, 20)}
RISK_CLASSES = ("red", "orange", "yellow", "blue")
SCALES = (("micro", 45, 3, 19), ("small", 38, 20, 99), ("medium", 13, 100, 999), ("large", 4, 1000, 8000))

TRADES = {
    "industry_trade": ("鞋业", "纺织", "服装", "机械", "电子", "五金", "塑料", "包装", "食品", "家具", "陶瓷", "建材", "纸业", "印染", "电器"),
    "construction": ("建设工程", "建筑工程", "市政工程", "装饰工程", "建工"),
    "road_transport": ("运输", "物流", "客运", "货运"),
    "hazardous_chemicals": ("化工", "石化", "化学", "新材料"),
    "mining": ("矿业", "石材", "砂石"),
    "fireworks": ("烟花", "花炮"),
    "metallurgy": ("钢铁", "铝业", "铸造", "金属制品"),
    "crowded_places": ("商场", "酒店", "超市", "影城", "娱乐"),
    "special_equipment": ("电梯", "起重机械", "锅炉", "压力容器"),
    "gas": ("燃气", "液化气"),
    "water_transport": ("航运", "船务"),
    "fishing_vessels": ("渔业", "水产"),
    "schools": ("学校", "幼儿园", "培训学校"),
    "tourism": ("旅游", "景区", "文化传媒"),
    "medical": ("医院", "诊所", "医药"),
    "hydraulic": ("水利工程", "水务"),
    "civil_explosives": ("爆破工程", "民爆器材"),
    "social_services": ("养老院", "福利院", "社区服务"),
}
KEY_WORK = (
    "推进危险化学品安全风险集中治理", "开展城镇燃气安全专项整治", "推进工贸企业粉尘防爆专项治理",
    "深化道路交通安全隐患排查治理", "开展自建房安全专项整治", "推进建筑施工安全专项治理",
    "加强消防安全重点单位监管", "推进安全生产信息化平台建设", "组织安全生产月和宣传咨询日活动",
    "完善安全生产应急救援预案体系", "开展重大事故隐患专项排查整治", "推进安全生产标准化建设",
    "加强有限空间作业安全管理", "推进森林防灭火责任落实", "开展特种设备安全隐患排查",
    "推进校园安全风险防控", "强化水上交通和渔业船舶安全监管", "推进安全生产责任保险",
)
MATTERS = (
    "重大事故隐患挂牌督办整改", "化工园区安全整治提升", "老旧燃气管网更新改造", "高层建筑消防安全综合治理",
    "电动自行车安全隐患全链条整治", "危险货物道路运输专项整治", "非煤矿山安全整治", "城市地下管网安全排查",
    "群租房消防安全整治", "建筑施工高处坠落专项治理", "冶金工贸企业安全整治", "重点水域安全监管",
)
POWERS = (
    ("penalty", "对未按规定开展安全生产教育和培训的行政处罚"),
    ("penalty", "对未按规定排查治理事故隐患的行政处罚"),
    ("penalty", "对未按规定设置安全生产管理机构的行政处罚"),
    ("inspection", "对生产经营单位执行安全生产法律法规情况的监督检查"),
    ("inspection", "对重大危险源安全管理情况的监督检查"),
    ("coercion", "对不符合保障安全生产标准的设施设备予以查封扣押"),
    ("coercion", "对存在重大事故隐患的场所责令暂时停产停业"),
    ("licensing", "危险化学品经营许可"),
    ("licensing", "烟花爆竹经营（批发、零售）许可"),
    ("confirmation", "生产安全事故调查报告的确认"),
    ("other", "安全生产举报的受理和核查"),
)
RESPONSIBILITIES = (
    "贯彻落实安全生产法律法规和方针政策", "指导督促本行业领域生产经营单位落实安全生产主体责任",
    "组织开展本行业领域安全生产专项整治", "依法组织或者参与生产安全事故调查处理", "组织开展本行业领域安全生产宣传教育培训",
    "建立健全本行业领域安全风险分级管控和隐患排查治理双重预防机制", "督促本行业领域重大事故隐患整改销号",
    "制定本行业领域生产安全事故应急预案并组织演练",
)
BASES = (
    "《中华人民共和国安全生产法》第十条", "《中华人民共和国安全生产法》第六十五条", "《中华人民共和国安全生产法》第九十七条",
    "《中华人民共和国消防法》第五十三条", "《危险化学品安全管理条例》第六条", "《生产安全事故报告和调查处理条例》第十九条",
    "《地方党政领导干部安全生产责任制规定》第十二条", "《江苏省安全生产条例》第九条",
)

STANDING_HEADED = ("organization", "discipline", "propaganda", "political_legal", "united_front")
ZONE_SHORT = {"经济技术开发区": "经开区", "高新技术产业开发区": "高新区", "工业园区": "工业园"}
#: Department names at province level where they differ from "…局": (name, head, deputy).
PROVINCE_DEPARTMENTS = {
    "fire": ("{J}消防救援总队", "总队长", "副总队长"),
    "health": ("{J}卫生健康委员会", "主任", "副主任"),
    "development_reform": ("{J}发展和改革委员会", "主任", "副主任"),
    "market": ("{J}市场监督管理局", "局长", "副局长"),
    "forestry": ("{J}林业局", "局长", "副局长"),
}
CITY_DEPARTMENTS = {
    "fire": ("{J}消防救援支队", "支队长", "副支队长"),
    "health": ("{J}卫生健康委员会", "主任", "副主任"),
    "development_reform": ("{J}发展和改革委员会", "主任", "副主任"),
}


# --- The plan of the units -------------------------------------------------------------------


@dataclass
class UnitPlan:
    """A jurisdiction with a full set of organizations: the province, a city, a county or a
    development zone. ``orgs`` maps the organization key ("party", "dept:emergency" …) to its id."""

    code: str
    name: str
    level: str
    jid: int
    short: str
    city_name: str = ""
    orgs: dict[str, int] = field(default_factory=dict)
    org_names: dict[str, str] = field(default_factory=dict)
    heads: dict[str, tuple[str, str]] = field(default_factory=dict)  # dept key → (head, deputy title)
    posts: dict[str, list[int]] = field(default_factory=dict)  # slot → post ids
    dept_posts: dict[str, list[int]] = field(default_factory=dict)  # dept key → [head post, deputies…]

    @property
    def is_zone(self) -> bool:
        return self.level == "development_zone"

    @property
    def is_district(self) -> bool:
        return self.level == "county" and self.name.endswith("区")

    def where(self, rule: str) -> bool:
        return {
            "all": True,
            "zone": self.is_zone,
            "no_zone": not self.is_zone,
            "rural": not self.is_zone and not self.is_district,
        }[rule]

    def titles(self) -> dict[str, str]:
        if self.is_zone:
            return {"party": "党工委书记", "gov": "管委会主任", "deputy": "管委会副主任", "executive": "管委会常务副主任",
                    "standing": "党工委委员", "leader": "管委会副主任"}
        c = {"province": "省", "city": "市"}.get(self.level, self.name[-1])
        return {"party": f"{c}委书记", "gov": f"{c}长", "deputy": f"副{c}长", "executive": f"常务副{c}长",
                "standing": f"{c}委常委", "leader": f"副{c}长"}


@dataclass
class TownshipPlan:
    code: str
    name: str
    jid: int
    county: UnitPlan
    villages: list[tuple[str, str, int]]  # (code, name, id)
    orgs: dict[str, int] = field(default_factory=dict)
    posts: dict[str, list[int]] = field(default_factory=dict)
    level3: dict[str, int] = field(default_factory=dict)  # village code → level-3 post id
    enterprises: int = 0


class _Generator:
    def __init__(self, ctx: ScaleContext):
        self.ctx = ctx
        self.shape = SHAPES[ctx.profile]
        self.today = ctx.today
        self.tz = timezone.get_current_timezone()
        self.units: list[UnitPlan] = []
        self.townships: list[TownshipPlan] = []
        self.official_of: dict[int, int] = {}  # post id → official id
        self.leader_posts: list[tuple[int, str, str]] = []  # (post id, role, level of the unit)
        self.users: dict[str, int] = {}
        self.sector_ids: dict[str, int] = {}
        self.sector_names: dict[str, str] = {}
        self.lead_of: dict[tuple[str, str], int | None] = {}  # (unit code, sector) → lead department id
        self.co_of: dict[tuple[str, str], list[int]] = {}
        self.grid_of: dict[int, int] = {}  # jurisdiction id → its grid id
        self.names = _NameMaker()

    # -- helpers --

    def random(self, step: str):
        return self.ctx.random("responsibility", step)

    def ids(self, model, count: int) -> range:
        return self.ctx.allocate_ids(model, count)

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=self.tz)

    @property
    def years(self) -> list[int]:
        return [self.today.year - 2, self.today.year - 1, self.today.year]

    def log(self, message: str) -> None:
        self.ctx.log(f"  {message}")

    # -- the steps --

    def run(self) -> None:
        self.reference_data()
        self.divisions()
        self.organizations()
        self.people()
        self.accounts()
        self.sector_map()
        self.grids()
        self.enterprises()
        self.committees()
        self.duties()
        self.work_lists()
        self.power_lists()
        self.meetings()
        self.supervision()
        self.ctx.shared["responsibility"] = {
            "users": dict(self.users),
            "jurisdictions": {u.code: u.jid for u in self.units},
            "bench_county": self.bench_county.code,
        }

    def reference_data(self) -> None:
        """Sectors, statutory duty templates and obligations: seeded by a migration; restored
        here after a ``--reset`` emptied the tables referring to jurisdictions."""
        from responsibility.models import DutyTemplate, Obligation, Sector
        from responsibility.reference.loader import load_reference_data

        load_reference_data(DutyTemplate=DutyTemplate, Sector=Sector, Obligation=Obligation)
        for pk, code, name in Sector.objects.values_list("pk", "code", "name"):
            self.sector_ids[code] = pk
            self.sector_names[code] = name
        self.templates: dict[str, list[tuple[int, int, str, str]]] = {}
        for pk, role, sequence, content, source in DutyTemplate.objects.filter(jurisdiction__isnull=True, is_active=True).order_by(
            "role", "sequence"
        ).values_list("pk", "role", "sequence", "content", "source"):
            self.templates.setdefault(role, []).append((pk, sequence, content, source))

    def divisions(self) -> None:
        from responsibility.demo.divisions_file import DivisionRow, _counties, _split, _townships, _villages
        from responsibility.divisions import division_path
        from responsibility.models import Jurisdiction

        rng = self.random("divisions")
        shape = self.shape
        cities = CITIES[: shape.cities] if shape.cities > 1 else [CITY_PROFILE_CITY]
        province = DivisionRow(PROVINCE[0], PROVINCE[1], "province", "")
        city_rows = [DivisionRow(f"{prefix}00", name, "city", province.code) for prefix, name in cities]
        counties: list[DivisionRow] = []
        used: set[str] = set()
        for city, count in zip(city_rows, _split(shape.counties, len(city_rows), 96, rng), strict=True):
            counties.extend(_counties(city, count, used, rng))
        townships: list[DivisionRow] = []
        for county, count in zip(counties, _split(shape.townships, len(counties), 297, rng), strict=True):
            townships.extend(_townships(county, count, rng))
        villages: dict[str, list[DivisionRow]] = {}
        for township, count in zip(townships, _split(shape.villages, len(townships), 999, rng), strict=True):
            villages[township.code] = _villages(township, count, rng)

        rows = [province, *city_rows, *counties, *townships, *(v for vs in villages.values() for v in vs)]
        jid = dict(zip((r.code for r in rows), self.ids(Jurisdiction, len(rows)), strict=True))
        self.ctx.write(
            Jurisdiction,
            ["id", "code", "name", "level", "parent_id", "path", "is_active"],
            ((jid[r.code], r.code, r.name, r.level, jid.get(r.parent_code), division_path(r.code, r.level), True) for r in rows),
        )
        self.jurisdiction_count = len(rows)
        city_names = {r.code: r.name for r in city_rows}
        if shape.province_orgs:
            self.units.append(UnitPlan(province.code, province.name, "province", jid[province.code], "省"))
        for r in city_rows:
            self.units.append(UnitPlan(r.code, r.name, "city", jid[r.code], "市"))
        by_code: dict[str, UnitPlan] = {}
        for r in counties:
            short = r.name
            for suffix, abbreviation in ZONE_SHORT.items():
                if r.name.endswith(suffix):
                    short = r.name[: -len(suffix)] + abbreviation
            unit = UnitPlan(r.code, r.name, r.level, jid[r.code], short, city_names[r.parent_code])
            self.units.append(unit)
            by_code[r.code] = unit
        for r in townships:
            self.townships.append(
                TownshipPlan(r.code, r.name, jid[r.code], by_code[r.parent_code], [(v.code, v.name, jid[v.code]) for v in villages[r.code]])
            )
        self.top = self.units[0]
        self.coordinates(rng)
        self.spread_enterprises(rng)
        self.log(f"jurisdictions: {len(rows):,} ({len(cities)} cities, {len(counties)} counties and zones, "
                 f"{len(townships):,} townships, {sum(len(v) for v in villages.values()):,} villages)")

    def coordinates(self, rng) -> None:
        (lat0, lat1), (lon0, lon1) = BOUNDS
        self.centre: dict[str, tuple[float, float]] = {}
        for unit in self.units:
            if unit.level in ("province", "city"):
                self.centre[unit.code] = (rng.uniform(lat0 + 0.5, lat1 - 0.5), rng.uniform(lon0 + 0.5, lon1 - 0.5))
        for unit in self.units:
            if unit.level not in ("province", "city"):
                lat, lon = self.centre[unit.code[:4] + "00"]
                self.centre[unit.code] = (lat + rng.uniform(-0.35, 0.35), lon + rng.uniform(-0.35, 0.35))

    def spread_enterprises(self, rng) -> None:
        """How many enterprises each township has: log-normal weights (a few industrial towns
        hold most of them), more in streets and zones, few in rural townships (乡)."""
        weights = []
        for t in self.townships:
            factor = 1.3 if t.name.endswith("街道") else 0.35 if t.name.endswith("乡") else 1.0
            if t.county.is_zone:
                factor *= 2.0
            elif t.county.is_district:
                factor *= 1.2
            weights.append(rng.lognormvariate(0, 1.1) * factor)
        total = sum(weights)
        exact = [self.shape.enterprises * w / total for w in weights]
        counts = [math.floor(x) for x in exact]
        by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
        for i in by_remainder[: self.shape.enterprises - sum(counts)]:
            counts[i] += 1
        for t, n in zip(self.townships, counts, strict=True):
            t.enterprises = n
        per_county: dict[str, int] = {}
        for t in self.townships:
            per_county[t.county.code] = per_county.get(t.county.code, 0) + t.enterprises
        counties = [u for u in self.units if u.level == "county"] or [u for u in self.units if u.level == "development_zone"]
        #: The county the benchmark's county users work in: the busiest one, the realistic worst case.
        self.bench_county = max(counties, key=lambda u: (per_county.get(u.code, 0), u.code))

    def organizations(self) -> None:
        from responsibility.demo import data
        from responsibility.models import Organization

        rows: list[tuple] = []
        count = 0

        def add(owner, key, name, short, kind, function="", sort_order=100, parent=None, lead=None):
            nonlocal count
            pk = next(ids)
            owner.orgs[key] = pk
            owner_names = getattr(owner, "org_names", None)
            if owner_names is not None:
                owner_names[key] = name
            rows.append((pk, owner.jid, name, short, kind, function, parent, lead, sort_order, True))
            count += 1

        per_unit = len(data.PARTY_DEPARTMENTS) + len(data.SUPERVISORY_DEPARTMENTS) + len(data.OTHER_DEPARTMENTS) + 4 + len(data.TASK_GROUPS)
        ids = iter(self.ids(Organization, per_unit * len(self.units) + 3 * len(self.townships)))
        for unit in self.units:
            j, s = unit.name, unit.short
            if unit.is_zone:
                add(unit, "party", f"中共{j}工作委员会", f"{s}党工委", "party_committee", sort_order=10)
                add(unit, "gov", f"{j}管理委员会", f"{s}管委会", "government", sort_order=20)
            else:
                add(unit, "party", f"中共{j}委员会", f"{j}委", "party_committee", sort_order=10)
                add(unit, "gov", f"{j}人民政府", f"{j}政府", "government", sort_order=20)
            groups = (
                (data.PARTY_DEPARTMENTS, "party_department", 100),
                (data.SUPERVISORY_DEPARTMENTS, "supervisory_department", 200),
                (data.OTHER_DEPARTMENTS, "other_department", 300),
            )
            for templates, kind, base in groups:
                for index, (key, name, short, function, head, deputy, where) in enumerate(templates):
                    if not unit.where(where) or (unit.level == "province" and key == "urban"):
                        continue
                    name, short = name.format(J=j, S=s), short.format(J=j, S=s)
                    if unit.level == "province":
                        name, head, deputy = self._province_department(key, name, head, deputy, j)
                    elif unit.level == "city" and key in CITY_DEPARTMENTS:
                        template, head, deputy = CITY_DEPARTMENTS[key]
                        name = template.format(J=j)
                    elif key == "public_security" and unit.is_district:
                        name, short = f"{unit.city_name}公安局{j[:-1]}分局", f"{j[:-1]}公安分局"
                    elif key == "public_security" and unit.is_zone:
                        name, short = f"{j}公安分局", f"{s}公安分局"
                    unit.heads[f"dept:{key}"] = (head, deputy)
                    add(unit, f"dept:{key}", name, short, kind, function, base + index)
            add(unit, "committee", f"{j}安全生产委员会", f"{s}安委会", "safety_committee", sort_order=400)
            add(unit, "office", f"{j}安全生产委员会办公室", f"{s}安办", "safety_office", sort_order=410, parent=unit.orgs["committee"])
            limit = len(data.TASK_GROUPS) if unit.level in ("province", "city") else data.COUNTY_TASK_GROUPS
            planned = 0
            for index, (key, subject, lead) in enumerate(data.TASK_GROUPS):
                if planned >= limit:
                    break
                if f"dept:{lead}" not in unit.orgs:
                    continue
                planned += 1
                add(
                    unit, f"tg:{key}", f"{j}安委会{subject}专业委员会", f"{subject}专委会", "task_group",
                    sort_order=420 + index, parent=unit.orgs["committee"], lead=unit.orgs[f"dept:{lead}"],
                )
        for t in self.townships:
            name = t.name
            if name.endswith("街道"):
                add(t, "party", f"{name}党工委", f"{name}党工委", "party_committee", sort_order=10)
                add(t, "gov", f"{name}办事处", f"{name}办事处", "government", sort_order=20)
            else:
                add(t, "party", f"{name}党委", f"{name}党委", "party_committee", sort_order=10)
                add(t, "gov", f"{name}人民政府", f"{name}政府", "government", sort_order=20)
            add(t, "station", f"{name}安全生产监督管理站", f"{name}安监站", "other_department", "township_station", 30)
        self.ctx.write(
            Organization,
            ["id", "jurisdiction_id", "name", "short_name", "kind", "function", "parent_id", "lead_department_id", "sort_order", "is_active"],
            rows,
        )
        self.log(f"organizations: {count:,}")

    @staticmethod
    def _province_department(key: str, name: str, head: str, deputy: str, j: str) -> tuple[str, str, str]:
        if key in PROVINCE_DEPARTMENTS:
            template, head, deputy = PROVINCE_DEPARTMENTS[key]
            return template.format(J=j), head, deputy
        if name.endswith("局"):
            return name[:-1] + "厅", "厅长", "副厅长"
        return name, head, deputy

    def people(self) -> None:
        from responsibility.models import Official, Post

        rng = self.random("people")
        officials: list[tuple] = []
        posts: list[tuple] = []
        official_ids = iter(self.ids(Official, 200 * len(self.units) + 12 * len(self.townships) + self.shape.villages + 100))
        post_ids = iter(self.ids(Post, 220 * len(self.units) + 14 * len(self.townships) + self.shape.villages + 100))
        today = self.today

        def start() -> date:
            return today - timedelta(days=rng.randint(45, 6 * 365))

        def person(jid: int, profile: str) -> int:
            pk = next(official_ids)
            name, gender, born, phone = self.names.person(rng, profile)
            officials.append((pk, name, gender, born, phone, jid, None, ""))
            return pk

        def post(official: int, org: int, role: str, title: str, begun: date, ended: date | None = None) -> int:
            pk = next(post_ids)
            posts.append((pk, official, org, role, title, begun, ended))
            self.official_of[pk] = official
            return pk

        def predecessor(jid: int, org: int, role: str, title: str, successor_start: date) -> None:
            # About one post in twenty changed hands: the earlier holder's record and post stay.
            if rng.random() < 0.05:
                ended = successor_start - timedelta(days=rng.randint(1, 40))
                begun = ended - timedelta(days=rng.randint(365, 6 * 365))
                post(person(jid, "principal"), org, role, title, begun, ended)

        for unit in self.units:
            t, jid, orgs = unit.titles(), unit.jid, unit.orgs

            def slot(name: str, pk: int, unit=unit) -> int:
                unit.posts.setdefault(name, []).append(pk)
                return pk

            for key, role, title in (("party", "party_principal", t["party"]), ("gov", "government_principal", t["gov"])):
                begun = start()
                slot(role, post(person(jid, "principal"), orgs[key], role, title, begun))
                self.leader_posts.append((unit.posts[role][-1], role, unit.level))
                predecessor(jid, orgs[key], role, title, begun)
            begun = start()
            deputy = person(jid, "leader")
            executive = unit.level in ("province", "city") or (not unit.is_zone and rng.random() < 0.5)
            slot("safety_deputy", post(deputy, orgs["gov"], "safety_deputy", t["executive"] if executive else t["deputy"], begun))
            self.leader_posts.append((unit.posts["safety_deputy"][-1], "safety_deputy", unit.level))
            if executive:
                slot("standing_member", post(deputy, orgs["party"], "standing_member", f"{t['standing']}、{t['executive']}", begun))
            headed = []
            for number in range(rng.randint(3, 5)):
                begun = start()
                member = person(jid, "leader")
                pk = slot("standing_member", post(member, orgs["party"], "standing_member", t["standing"], begun))
                self.leader_posts.append((pk, "standing_member", unit.level))
                key = STANDING_HEADED[number] if number < len(STANDING_HEADED) else None
                if key and f"dept:{key}" in orgs:
                    head_title = unit.heads[f"dept:{key}"][0]
                    unit.dept_posts[f"dept:{key}"] = [post(member, orgs[f"dept:{key}"], "department_head", head_title, begun)]
                    headed.append(f"dept:{key}")
            for _ in range(rng.randint(3, 5)):
                begun = start()
                pk = slot("government_leader", post(person(jid, "leader"), orgs["gov"], "government_leader", t["leader"], begun))
                self.leader_posts.append((pk, "government_leader", unit.level))
                predecessor(jid, orgs["gov"], "government_leader", t["leader"], begun)
            for key, (head_title, deputy_title) in unit.heads.items():
                if key not in headed:
                    begun = start()
                    unit.dept_posts[key] = [post(person(jid, "leader"), orgs[key], "department_head", head_title, begun)]
                    predecessor(jid, orgs[key], "department_head", head_title, begun)
                self.leader_posts.append((unit.dept_posts[key][0], "department_head", unit.level))
                for _ in range(rng.randint(1, 2)):
                    pk = post(person(jid, "leader"), orgs[key], "department_leader", deputy_title, start())
                    unit.dept_posts[key].append(pk)
                    self.leader_posts.append((pk, "department_leader", unit.level))
            for title in ("专职副主任", "综合协调科科长", "科员", "科员")[: rng.randint(2, 4)]:
                slot("office_staff", post(person(jid, "staff"), orgs["office"], "office_staff", title, start()))
            for _ in range(rng.randint(3, 6)):
                slot("inspector", post(person(jid, "staff"), orgs["dept:emergency"], "inspector", "应急管理综合行政执法人员", start()))
            if unit.level in ("province", "city"):
                for subject in ("危险化学品", "非煤矿山", "建筑施工", "消防", "特种设备", "工贸行业")[: rng.randint(3, 6)]:
                    slot("expert", post(person(jid, "expert"), orgs["dept:emergency"], "expert", f"安全生产专家（{subject}）", start()))

        for town in self.townships:
            name, jid, orgs = town.name, town.jid, town.orgs
            if name.endswith("街道"):
                party, gov, deputy, member = "党工委书记", "办事处主任", "办事处副主任", "党工委委员"
            else:
                c = name[-1]
                party, gov, deputy, member = "党委书记", f"{c}长", f"副{c}长", "党委委员"
            begun = start()
            principal = person(jid, "principal")
            town.posts["party_principal"] = [post(principal, orgs["party"], "party_principal", party, begun)]
            town.posts["grid_chief"] = [post(principal, orgs["party"], "grid_chief", "网格总督导员", begun)]
            town.posts["government_principal"] = [post(person(jid, "principal"), orgs["gov"], "government_principal", gov, start())]
            town.posts["safety_deputy"] = [post(person(jid, "leader"), orgs["gov"], "safety_deputy", deputy, start())]
            for role in ("party_principal", "government_principal", "safety_deputy"):
                self.leader_posts.append((town.posts[role][0], role, "township"))
            town.posts["grid_level_1"] = [
                post(person(jid, "leader"), orgs["gov"], "grid_level_1", f"{member}、一级网格督导员", start()) for _ in range(2)
            ]
            town.posts["grid_level_2"] = [
                post(person(jid, "grid"), orgs["station"], "grid_level_2", f"{title}、二级网格督导员", start())
                for title in ("站长", "副站长")
            ]
            # Level-3 supervisors (village heads) are posted to the township station, the village
            # named in the title. Coverage varies by township; some cover two villages.
            coverage = min(1.0, max(0.05, rng.gauss(self.shape.level3_coverage, 0.2)))
            villages = town.villages
            index = 0
            while index < len(villages):
                code, village, _jid = villages[index]
                if rng.random() >= coverage:
                    index += 1
                    continue
                covered = [villages[index]]
                if index + 1 < len(villages) and rng.random() < 0.15:
                    covered.append(villages[index + 1])
                title = "、".join(v[1] for v in covered) + "三级网格督导员"
                pk = post(person(jid, "grid"), orgs["station"], "grid_level_3", title, start())
                for v in covered:
                    town.level3[v[0]] = pk
                index += len(covered)

        self.ctx.write(Official, ["id", "name", "gender", "birth_year", "phone", "registered_in_id", "user_id", "note"], officials)
        self.ctx.write(Post, ["id", "official_id", "organization_id", "role", "title", "start_date", "end_date"], posts)
        self.log(f"officials: {len(officials):,}, posts: {len(posts):,}")

    def accounts(self) -> None:
        """The logins the benchmark and the load test use (password: the demo password)."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password
        from django.contrib.auth.models import Group

        from responsibility.demo.data import PASSWORD
        from responsibility.models import Official, ScopeAssignment

        User = get_user_model()
        top, county = self.top, self.bench_county
        plan = [
            # (username, role group, account type, the post that gives the scope or None, scope assignment)
            ("office", "safety_office", "person", top.posts["office_staff"][0], None, f"{top.name}安办"),
            ("staffing", "staffing_reviewer", "person", top.dept_posts["dept:staffing"][-1], None, f"{top.name}编办"),
            ("county_office", "safety_office", "person", county.posts["office_staff"][0], None, f"{county.name}安办"),
            ("leader", "leader", "person", county.posts["safety_deputy"][0], None, f"{county.name}分管安全生产领导"),
            ("department", "department", "person", county.dept_posts["dept:emergency"][0], None, f"{county.name}应急管理局"),
            ("countysys", "county_system", "county_system", None, county.jid, f"{county.name}安全生产信息系统"),
            ("auditor", "auditor", "person", None, top.jid, f"{top.name}审计"),
        ]
        groups = {g.name: g for g in Group.objects.filter(name__in={p[1] for p in plan})}
        scopes = []
        for suffix, group, account_type, post_id, scope_jid, description in plan:
            username = f"{SCALE_USERNAME_PREFIX}{suffix}"
            user = User.objects.create(
                username=username,
                display_name=f"{description}（规模测试）",
                account_type=account_type,
                email=f"{username}@scale.invalid",
                password=make_password(PASSWORD),
            )
            if group in groups:
                user.groups.add(groups[group])
            if post_id is not None:
                Official.objects.filter(pk=self.official_of[post_id]).update(user=user)
            if scope_jid is not None:
                scopes.append((user.pk, scope_jid, "规模测试账号"))
            self.users[username] = user.pk
        self.ctx.write(ScopeAssignment, ["user_id", "jurisdiction_id", "note"], scopes)
        self.ctx.rows["core.user"] += len(plan)
        self.log(f"logins: {', '.join(self.users)} (password {PASSWORD}); benchmark county {county.name} ({county.code})")

    def sector_map(self) -> None:
        """Which department leads each sector in each unit ("三管三必须"), with co-responsible
        departments as overlap; zones lack some departments, and a few mappings are missing."""
        from responsibility.models import SectorResponsibility

        rng = self.random("sectors")
        rows = []
        for unit in self.units:
            for code, (_share, _risk, lead, co) in SECTOR_PLAN.items():
                if code not in self.sector_ids:
                    continue
                lead_id = unit.orgs.get(f"dept:{lead}")
                if lead_id is None or rng.random() < 0.02:
                    self.lead_of[(unit.code, code)] = None  # a gap the coverage page should find
                    continue
                self.lead_of[(unit.code, code)] = lead_id
                rows.append((unit.jid, self.sector_ids[code], lead_id, True, "本级安全生产工作职责规定"))
                self.co_of[(unit.code, code)] = []
                for key in co:
                    other = unit.orgs.get(f"dept:{key}")
                    if other is not None and other != lead_id:
                        self.co_of[(unit.code, code)].append(other)
                        rows.append((unit.jid, self.sector_ids[code], other, False, "本级安全生产工作职责规定"))
        self.ctx.write(SectorResponsibility, ["jurisdiction_id", "sector_id", "organization_id", "is_lead", "basis"], rows)

    def grids(self) -> None:
        from responsibility.models import Grid, GridSupervisor

        rng = self.random("grids")
        grids, supervisors, grid_sectors = [], [], []
        total = len(self.units) + len(self.townships) * 4 + self.shape.villages
        ids = iter(self.ids(Grid, total))
        city_grid: dict[str, int] = {}
        county_grid: dict[str, int] = {}
        for unit in self.units:
            if unit.level == "province":
                continue
            pk = next(ids)
            if unit.level == "city":
                city_grid[unit.code] = pk
                grids.append((pk, unit.jid, "city", f"{unit.name}安全生产网格", None, True))
            else:
                county_grid[unit.code] = pk
                grids.append((pk, unit.jid, "county", f"{unit.name}安全生产网格", city_grid[unit.code[:4] + "00"], True))
            self.grid_of[unit.jid] = pk
            supervisors.append((pk, unit.posts["safety_deputy"][0], True))
        sector_codes = [c for c in ("hazardous_chemicals", "construction", "road_transport", "crowded_places", "gas") if c in self.sector_ids]
        for town in self.townships:
            pk = next(ids)
            parent = county_grid[town.county.code]
            grids.append((pk, town.jid, "township", f"{town.name}网格", parent, True))
            self.grid_of[town.jid] = pk
            supervisors.append((pk, town.posts["grid_chief"][0], True))
            supervisors.extend((pk, post, False) for post in town.posts["grid_level_1"] + town.posts["grid_level_2"])
            if rng.random() < 0.25:
                for code in rng.sample(sector_codes, 2):
                    sector_grid = next(ids)
                    grids.append((sector_grid, town.jid, "township", f"{town.name}{self.sector_names[code]}专业网格", parent, True))
                    grid_sectors.append((sector_grid, self.sector_ids[code]))
                    supervisors.append((sector_grid, town.posts["grid_level_2"][0], True))
            for code, name, jid in town.villages:
                village_grid = next(ids)
                grids.append((village_grid, jid, "village", f"{name}网格", pk, True))
                self.grid_of[jid] = village_grid
                if code in town.level3:
                    supervisors.append((village_grid, town.level3[code], True))
        self.ctx.write(Grid, ["id", "jurisdiction_id", "level", "name", "parent_id", "is_active"], grids)
        self.ctx.write(Grid.sectors.through, ["grid_id", "sector_id"], grid_sectors)
        self.ctx.write(GridSupervisor, ["grid_id", "post_id", "is_primary"], supervisors)
        self.log(f"grids: {len(grids):,}, grid supervisors: {len(supervisors):,}")

    def enterprises(self) -> None:
        from responsibility.demo.data import PLACE_CHARS
        from responsibility.models import Enterprise, EnterpriseSupervision
        from responsibility.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

        rng = self.random("enterprises")
        codes = [c for c in SECTOR_PLAN if c in self.sector_ids]
        cumulative = list(accumulate(SECTOR_PLAN[c][0] for c in codes))
        risk_cumulative = {k: list(accumulate(w)) for k, w in RISK_WEIGHTS.items()}
        scale_cumulative = list(accumulate(s[1] for s in SCALES))
        rows, supervision = [], []
        ids = iter(self.ids(Enterprise, self.shape.enterprises))
        serial = 0
        gaps = 0
        for town in self.townships:
            county = town.county
            lat0, lon0 = self.centre[county.code]
            station = town.orgs["station"]
            for _ in range(town.enterprises):
                pk = next(ids)
                serial += 1
                code = codes[bisect(cumulative, rng.random() * cumulative[-1])]
                _share, risk, _lead, _co = SECTOR_PLAN[code]
                risk_class = RISK_CLASSES[bisect(risk_cumulative[risk], rng.random() * risk_cumulative[risk][-1])]
                size, _w, low, high = SCALES[bisect(scale_cumulative, rng.random() * scale_cumulative[-1])]
                if town.villages and rng.random() < 0.7:
                    _vcode, _vname, jid = rng.choice(town.villages)
                else:
                    jid = town.jid
                grid = self.grid_of.get(jid) if rng.random() > 0.03 else None
                # GB 32100: registration authority 9 (market regulation), type 1 (enterprise) or
                # 2 (individual business), the county's division code, a 9-character
                # organization code (the serial scrambled bijectively) and the check character.
                scrambled = (serial * 1_000_003) % (31**9)
                organization_code = "".join(CREDIT_CODE_ALPHABET[(scrambled // 31**i) % 31] for i in range(8, -1, -1))
                first17 = ("92" if size == "micro" and rng.random() < 0.4 else "91") + county.code + organization_code
                credit_code = first17 + credit_code_check_character(first17)
                trade = rng.choice(TRADES.get(code, ("实业",)))
                name = f"{county.city_name[:-1] or county.name[:2]}{''.join(rng.sample(PLACE_CHARS, 2))}{trade}有限公司"
                accidents = 0 if rng.random() < 0.97 else rng.randint(1, 3)
                status = "operating" if rng.random() < 0.93 else rng.choice(("suspended", "closed"))
                external = rng.random() < 0.15
                rows.append((
                    pk, credit_code, name, f"{town.name}{rng.randint(1, 999)}号", jid, self.sector_ids[code], size, risk_class,
                    status, self.names.name(rng), self.names.name(rng), self.names.phone(rng), rng.randint(low, high),
                    accidents, self.today - timedelta(days=rng.randint(30, 3 * 365)) if accidents else None,
                    rng.random() < (0.15 if risk in ("high",) else 0.05), grid,
                    Decimal(f"{lat0 + rng.uniform(-0.15, 0.15):.6f}"), Decimal(f"{lon0 + rng.uniform(-0.15, 0.15):.6f}"),
                    f"county-{county.code}" if external else "", f"E{serial:08d}" if external else "",
                ))
                lead = self.lead_of.get((county.code, code))
                if lead is None and rng.random() < 0.5:
                    lead = county.orgs["dept:emergency"]  # the usual fallback where no one leads the sector
                if lead is None or rng.random() < 0.01:
                    gaps += 1  # 失管漏管: nobody supervises this enterprise
                    continue
                supervision.append((pk, lead, True))
                co = self.co_of.get((county.code, code), [])
                if co and rng.random() < 0.1:
                    supervision.append((pk, rng.choice(co), False))
                if rng.random() < 0.2:
                    supervision.append((pk, station, False))
        self.ctx.write(
            Enterprise,
            ["id", "credit_code", "name", "address", "jurisdiction_id", "sector_id", "scale", "risk_class", "status",
             "legal_representative", "safety_contact", "contact_phone", "employees", "accident_count", "last_accident_on",
             "is_weak", "grid_id", "latitude", "longitude", "source_system", "external_id"],
            rows,
        )
        self.ctx.write(EnterpriseSupervision, ["enterprise_id", "organization_id", "is_primary"], supervision)
        self.log(f"enterprises: {len(rows):,} ({gaps:,} without a supervising department), supervisions: {len(supervision):,}")

    def committees(self) -> None:
        from responsibility.demo import data
        from responsibility.models import CommitteeMembership

        rng = self.random("committees")
        rows = []
        for unit in self.units:
            body = unit.orgs["committee"]
            seat = iter(range(1, 1000))
            rows.append((body, unit.posts["government_principal"][0], "chair", next(seat)))
            rows.append((body, unit.posts["safety_deputy"][0], "vice_chair", next(seat)))
            for pk in unit.posts["government_leader"][: rng.randint(1, 2)]:
                rows.append((body, pk, "vice_chair", next(seat)))
            for key, posts in unit.dept_posts.items():
                if key == "dept:emergency":
                    rows.append((body, posts[0], "office_director", next(seat)))
                elif not key.startswith("dept:") or key[5:] in STANDING_HEADED:
                    continue
                else:
                    rows.append((body, posts[0], "member", next(seat)))
            for key, _subject, lead in data.TASK_GROUPS:
                group = unit.orgs.get(f"tg:{key}")
                if group is None:
                    continue
                lead_posts = unit.dept_posts[f"dept:{lead}"]
                rows.append((group, lead_posts[0], "group_leader", 1))
                if len(lead_posts) > 1:
                    rows.append((group, lead_posts[1], "group_deputy", 2))
                others = [p[0] for k, p in unit.dept_posts.items() if k != f"dept:{lead}" and k[5:] not in STANDING_HEADED]
                for number, pk in enumerate(rng.sample(others, min(len(others), rng.randint(2, 4))), start=3):
                    rows.append((group, pk, "group_member", number))
        self.ctx.write(CommitteeMembership, ["body_id", "post_id", "position", "sequence"], rows)

    def duties(self) -> None:
        """Responsibility lists from the statutory templates; township, zone and department
        leaders apply them by reference. A few lists are not drawn up yet."""
        from responsibility.choices import DUTY_REFERENCE_ROLES
        from responsibility.models import ResponsibilityItem

        rng = self.random("duties")
        rows = []
        for post_id, role, level in self.leader_posts:
            if rng.random() < 0.05:
                continue
            template_role = DUTY_REFERENCE_ROLES.get(role, role)
            by_reference = role in DUTY_REFERENCE_ROLES or level in ("township", "development_zone")
            official = self.official_of[post_id]
            for pk, sequence, content, source in self.templates.get(str(template_role), ()):
                rows.append((official, post_id, pk, sequence, content, source, by_reference, True))
            if rng.random() < 0.1:
                rows.append((official, post_id, None, 100, "牵头推进分管领域安全生产专项整治三年行动", "本级党委政府工作分工", False, True))
        self.ctx.write(
            ResponsibilityItem, ["official_id", "post_id", "template_id", "sequence", "content", "source", "by_reference", "is_active"], rows
        )

    def work_lists(self) -> None:
        from responsibility.models import WorkItem, WorkItemCheck, WorkList

        rng = self.random("work_lists")
        lists, items, checks = [], [], []
        list_ids = iter(self.ids(WorkList, len(self.units) * 3))
        item_ids = iter(self.ids(WorkItem, len(self.units) * 3 * 14))
        checker = self.users[f"{SCALE_USERNAME_PREFIX}office"]
        for unit in self.units:
            owners = [self.official_of[p] for p in unit.posts["safety_deputy"] + unit.posts["government_leader"]]
            for year in self.years:
                issued = date(year, 2, 1) + timedelta(days=rng.randint(0, 40))
                if issued > self.today:
                    continue
                pk = next(list_ids)
                lists.append((pk, unit.jid, year, f"{unit.name}{year}年度政府领导干部安全生产重点工作责任清单",
                              self.official_of[unit.posts["government_principal"][0]], "quarterly", issued))
                for sequence, content in enumerate(rng.sample(KEY_WORK, rng.randint(8, 14)), start=1):
                    item = next(item_ids)
                    due = date(year, rng.randint(4, 12), 28)
                    if due < self.today:
                        status = "done" if rng.random() < 0.85 else rng.choice(("in_progress", "not_started"))
                    else:
                        status = rng.choice(("in_progress", "in_progress", "not_started"))
                    completed = min(due - timedelta(days=rng.randint(0, 60)), self.today) if status == "done" else None
                    items.append((item, pk, sequence, rng.choice(owners), content, "细化任务分工，按季度调度推进", due, status, completed))
                    for month in (3, 6, 9, 12):
                        checked = date(year, month, 25)
                        if checked < issued or checked > self.today or checked > due + timedelta(days=90):
                            continue
                        result = "done" if completed and checked >= completed else ("behind" if rng.random() < 0.2 else "on_track")
                        checks.append((item, checked, result, "", "", checker))
        self.ctx.write(WorkList, ["id", "jurisdiction_id", "year", "title", "organizer_id", "check_frequency", "issued_on"], lists)
        self.ctx.write(
            WorkItem, ["id", "work_list_id", "sequence", "owner_id", "content", "measures", "due_date", "status", "completed_on"], items
        )
        self.ctx.write(WorkItemCheck, ["item_id", "check_date", "result", "note", "evidence", "checker_id"], checks)

    def power_lists(self) -> None:
        """One list per Party committee, government and department of every unit, in every
        state of the workflow; some organizations have not drawn theirs up yet."""
        from responsibility.models import (
            PowerListItem,
            PowerListReview,
            PowerListVersion,
            PublicationDeadline,
        )

        rng = self.random("power_lists")
        office = self.users[f"{SCALE_USERNAME_PREFIX}office"]
        staffing = self.users[f"{SCALE_USERNAME_PREFIX}staffing"]
        versions, items, reviews, deadlines = [], [], [], []
        keepers = [(unit, key) for unit in self.units for key in unit.orgs if key in ("party", "gov") or key.startswith("dept:")]
        version_ids = iter(self.ids(PowerListVersion, len(keepers) * 3))
        first_day = self.today - timedelta(days=3 * 365)

        def moment(earliest: date) -> date:
            span = max(1, (self.today - earliest).days)
            return earliest + timedelta(days=rng.randint(0, span))

        def version(org: int, name: str, number: int, status: str, since: date) -> date:
            pk = next(version_ids)
            submitted = staffing_ok = safety_ok = published = None
            day = moment(since)
            if status != "draft":
                submitted = self.at(day)
            if status in ("approved", "published", "superseded"):
                staffing_ok = self.at(min(day + timedelta(days=rng.randint(3, 20)), self.today), 11)
                safety_ok = self.at(min(day + timedelta(days=rng.randint(3, 25)), self.today), 15)
                reviews.append((pk, "staffing", "approve", "", staffing, staffing_ok))
                reviews.append((pk, "safety", "approve", "", office, safety_ok))
            if status in ("published", "superseded"):
                published = self.at(min(day + timedelta(days=rng.randint(26, 45)), self.today), 16)
            if status == "returned":
                reviews.append((pk, rng.choice(("staffing", "safety")), "return", "事项依据不充分，请补充法律依据后重新报送",
                                staffing, self.at(min(day + timedelta(days=5), self.today), 11)))
            summary = "" if number == 1 else "根据机构改革和法律法规修订情况调整事项"
            versions.append((pk, org, number, status, summary, submitted, staffing_ok, safety_ok, published,
                             office if published else None, 0))
            for sequence in range(1, rng.randint(8, 16) + 1):
                if rng.random() < 0.45:
                    category, title = rng.choice(POWERS)
                    items.append((pk, sequence, "power", category, title, "", rng.choice(BASES), name))
                else:
                    items.append((pk, sequence, "responsibility", "", rng.choice(RESPONSIBILITIES), "", rng.choice(BASES), name))
            return (published or submitted or self.at(day)).date()

        for unit, key in keepers:
            org, name = unit.orgs[key], unit.org_names[key]
            draw = rng.random()
            if draw < 0.07:
                continue  # not drawn up yet
            if draw < 0.17:
                version(org, name, 1, "draft", first_day)
            elif draw < 0.25:
                version(org, name, 1, "submitted", first_day)
            elif draw < 0.30:
                version(org, name, 1, "returned", first_day)
            elif draw < 0.35:
                version(org, name, 1, "approved", first_day)
            elif rng.random() < 0.7:
                version(org, name, 1, "published", first_day)
            else:
                since = version(org, name, 1, "superseded", first_day)
                since = version(org, name, 2, "published", since)
                if rng.random() < 0.2:
                    version(org, name, 3, rng.choice(("draft", "submitted")), since)
        for unit in self.units:
            for year in (self.today.year - 1, self.today.year):
                deadlines.append((unit.jid, year, date(year, 6, 30), "向社会公布权责清单"))
        self.ctx.write(
            PowerListVersion,
            ["id", "organization_id", "number", "status", "change_summary", "submitted_at", "staffing_approved_at",
             "safety_approved_at", "published_at", "published_by_id", "lock_version"],
            versions,
        )
        self.ctx.write(
            PowerListItem, ["version_id", "sequence", "kind", "category", "title", "content", "legal_basis", "responsible_unit"], items
        )
        self.ctx.write(PowerListReview, ["version_id", "office", "decision", "comment", "reviewer_id", "reviewed_at"], reviews)
        self.ctx.write(PublicationDeadline, ["jurisdiction_id", "year", "deadline", "note"], deadlines)
        self.log(f"power-and-responsibility lists: {len(versions):,} versions, {len(items):,} items")

    def meetings(self) -> None:
        """Meetings over the last three years: standing committees twice a year, government
        safety meetings every quarter, committee plenaries and office meetings; each unit is
        more or less diligent, so some obligations are missed."""
        from responsibility.models import Meeting

        rng = self.random("meetings")
        meetings, attendees = [], []
        plans = []  # (organization, kind, chair official, [(year, month range)…] per meeting, people, title stem)
        for unit in self.units:
            people = [self.official_of[p] for slot in ("safety_deputy", "government_leader", "standing_member") for p in unit.posts.get(slot, [])]
            party_chair = self.official_of[unit.posts["party_principal"][0]]
            gov_chair = self.official_of[unit.posts["government_principal"][0]]
            plans.append((unit.orgs["party"], "standing_committee", party_chair, ((1, 6), (7, 12)), people, "党委常委会听取安全生产工作汇报"))
            plans.append((unit.orgs["gov"], "government_safety", gov_chair, ((1, 3), (4, 6), (7, 9), (10, 12)), people, "政府安全生产工作会议"))
            plans.append((unit.orgs["committee"], "safety_committee_plenary", gov_chair, ((1, 6), (7, 12)), people, "安委会全体会议"))
            staff = [self.official_of[p] for p in unit.posts["office_staff"]]
            plans.append((unit.orgs["office"], "safety_office", staff[0], ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12)), staff, "安办工作例会"))
        for town in self.townships:
            people = [self.official_of[p] for slot in ("safety_deputy", "grid_level_1", "grid_level_2") for p in town.posts[slot]]
            gov_chair = self.official_of[town.posts["government_principal"][0]]
            plans.append((town.orgs["gov"], "government_safety", gov_chair, ((1, 3), (4, 6), (7, 9), (10, 12)), people, "安全生产工作会议"))
        diligence: dict[int, float] = {}
        ids = iter(self.ids(Meeting, sum(len(p[3]) for p in plans) * len(self.years)))
        for org, kind, chair, periods, people, stem in plans:
            held = diligence.setdefault(org, rng.betavariate(8, 1.5))
            for year in self.years:
                number = 0
                for first, last in periods:
                    if rng.random() > held:
                        continue
                    day = date(year, rng.randint(first, last), rng.randint(1, 28))
                    if day > self.today:
                        continue
                    number += 1
                    pk = next(ids)
                    meetings.append((pk, org, kind, day, f"{year}年第{number}次{stem}", chair, "传达上级安全生产工作部署；研究部署近期安全生产重点工作",
                                     "会议要求各地各部门压紧压实安全生产责任", ""))
                    chosen = {chair, *rng.sample(people, min(len(people), rng.randint(3, 8)))}
                    attendees.extend((pk, official) for official in sorted(chosen))
        self.ctx.write(Meeting, ["id", "organization_id", "kind", "held_on", "title", "chair_id", "topics", "decisions", "minutes"], meetings)
        self.ctx.write(Meeting.attendees.through, ["meeting_id", "official_id"], attendees)
        self.log(f"meetings: {len(meetings):,}, attendances: {len(attendees):,}")

    def supervision(self) -> None:
        from responsibility.models import SupervisionMatter, SupervisionNotice, SupervisionProgress

        rng = self.random("supervision")
        reporter = self.users[f"{SCALE_USERNAME_PREFIX}office"]
        matters, cooperating, progress, notices, notice_matters = [], [], [], [], []
        matter_ids = iter(self.ids(SupervisionMatter, len(self.units) * 3 * 16))
        notice_ids = iter(self.ids(SupervisionNotice, len(self.units) * 3 * 12))
        for unit in self.units:
            owners = [self.official_of[p] for p in unit.posts["safety_deputy"] + unit.posts["government_leader"]]
            departments = [unit.orgs[k] for k in unit.orgs if k.startswith("dept:") and k[5:] not in STANDING_HEADED]
            for year in self.years:
                if date(year, 1, 15) > self.today:
                    continue
                open_matters: list[tuple[int, date, date | None]] = []
                for number, title in enumerate(rng.sample(MATTERS * 2, rng.randint(8, 15)), start=1):
                    pk = next(matter_ids)
                    begun = date(year, rng.randint(1, 4), 1)
                    deadline = date(year, rng.randint(6, 12), 28)
                    draw = rng.random()
                    if draw < 0.03:
                        status, completed = "cancelled", None
                    elif deadline <= self.today and draw < 0.83:
                        status, completed = "completed", deadline - timedelta(days=rng.randint(0, 50))
                    else:
                        status, completed = "open", None
                    lead = rng.choice(departments)
                    matters.append((pk, unit.jid, year, number, title, "按月报送进展，按期完成整改销号", rng.choice(owners), lead, deadline, status, completed))
                    for other in rng.sample(departments, min(len(departments), rng.randint(1, 3))):
                        if other != lead:
                            cooperating.append((pk, other))
                    month = begun
                    end = min(completed or self.today, self.today)
                    while month <= end:
                        if rng.random() < 0.92:  # a month without a report now and then
                            progress.append((pk, month, "按计划推进整改，已完成阶段性任务", "" if rng.random() < 0.7 else "资金落实存在困难", reporter))
                        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
                    open_matters.append((pk, begun, completed))
                for month_number in range(1, 13):
                    month = date(year, month_number, 1)
                    issued = date(year, month_number, rng.randint(5, 12))
                    if issued > self.today:
                        break
                    pk = next(notice_ids)
                    notices.append((pk, unit.jid, year, month_number, f"{unit.short}安办督", month, f"{year}年{month_number}月安全生产督办事项进展情况通报",
                                    "现将本月督办事项进展情况通报如下。", issued, reporter))
                    notice_matters.extend(
                        (pk, matter) for matter, begun, completed in open_matters if begun <= month and (completed is None or completed >= month)
                    )
        self.ctx.write(
            SupervisionMatter,
            ["id", "jurisdiction_id", "year", "number", "title", "description", "owner_id", "lead_unit_id", "deadline", "status", "completed_on"],
            matters,
        )
        self.ctx.write(SupervisionMatter.cooperating_units.through, ["supervisionmatter_id", "organization_id"], cooperating)
        self.ctx.write(SupervisionProgress, ["matter_id", "month", "progress", "problems", "reported_by_id"], progress)
        self.ctx.write(
            SupervisionNotice, ["id", "jurisdiction_id", "year", "number", "prefix", "month", "title", "body", "issued_on", "issued_by_id"], notices
        )
        self.ctx.write(SupervisionNotice.matters.through, ["supervisionnotice_id", "supervisionmatter_id"], notice_matters)


class _NameMaker:
    """Names, genders, birth years and phone numbers of people."""

    PROFILES = {"principal": (1965, 1977, 0.88), "leader": (1966, 1983, 0.78), "staff": (1975, 1998, 0.55),
                "grid": (1966, 1991, 0.72), "expert": (1958, 1982, 0.8)}

    def __init__(self):
        from responsibility.demo import data

        self.surnames = data.SURNAMES
        self.male = data.MALE_CHARS
        self.female = data.FEMALE_CHARS

    def name(self, rng, male: bool | None = None) -> str:
        male = rng.random() < 0.7 if male is None else male
        chars = self.male if male else self.female
        given = rng.choice(chars) if rng.random() < 0.3 else "".join(rng.sample(chars, 2))
        return rng.choice(self.surnames) + given

    @staticmethod
    def phone(rng) -> str:
        return "1" + rng.choice(("35", "36", "37", "38", "39", "50", "52", "58", "59", "88", "89", "33", "53", "80", "77")) + f"{rng.randrange(10**8):08d}"

    def person(self, rng, profile: str) -> tuple[str, str, int, str]:
        first, last, men = self.PROFILES[profile]
        male = rng.random() < men
        return self.name(rng, male), "male" if male else "female", rng.randint(first, last), self.phone(rng)


def generate(ctx: ScaleContext) -> None:
    """The responsibility system of a province (or one city) as the profile says."""
    _Generator(ctx).run()


register_scale_part("responsibility", generate, order=100, models=PART_MODELS)
