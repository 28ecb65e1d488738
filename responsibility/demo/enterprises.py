"""Demo data: the sector → department mapping ("三管三必须") of the city and each county-level
unit, and 4,000 enterprises across the demo city's townships and villages with their
supervising departments.

Deterministic (a ``random.Random`` seeded from the demo's seed, and the plan's divisions), so a
second run finds every row by its natural key (credit code; jurisdiction + sector +
department) and writes nothing. Deliberate gaps for the coverage page: about 1% of the
enterprises have no supervising department, 城镇燃气 is left unmapped in 南安市 (its gas
enterprises therefore have none either), and a few sectors are shared by two departments.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from responsibility.choices import JurisdictionLevel as Level
from responsibility.demo import data
from responsibility.models import Enterprise, EnterpriseSupervision, Sector, SectorResponsibility
from responsibility.validators import CREDIT_CODE_ALPHABET, credit_code_check_character

SEED = data.SEED + 460
TOTAL = 4000

#: The lead department (organization key ``dept:<key>`` of the unit) of each sector.
SECTOR_LEADS = {
    "industry_trade": "emergency",
    "construction": "housing",
    "road_transport": "transport",
    "hazardous_chemicals": "emergency",
    "mining": "emergency",
    "fireworks": "emergency",
    "metallurgy": "emergency",
    "crowded_places": "fire",
    "special_equipment": "market",
    "gas": "urban",
    "water_transport": "transport",
    "fishing_vessels": "agriculture",
    "schools": "education",
    "tourism": "culture",
    "medical": "health",
    "hydraulic": "water",
    "civil_explosives": "public_security",
    "social_services": "civil_affairs",
}
#: Units without the lead department (development zones) give the sector to this one.
FALLBACK_LEAD = "emergency"
#: Deliberate overlaps: (unit code, or "*" for every unit having the department) → others.
SHARED = {
    ("*", "mining"): ("natural_resources",),
    ("350582", "road_transport"): ("public_security",),
    ("350581", "road_transport"): ("public_security",),
    ("350524", "metallurgy"): ("industry",),
}
#: A deliberate gap: nobody is responsible for city gas in 南安市.
UNMAPPED = {("350583", "gas")}

#: How many enterprises each county-level unit gets, and where its enterprises cluster.
COUNTY_ENTERPRISES = {
    "350502": 150, "350503": 200, "350504": 150, "350505": 200, "350521": 350, "350524": 250, "350525": 150,
    "350526": 250, "350581": 450, "350582": 1000, "350583": 500, "350571": 150, "350572": 200,
}
#: Centre of each unit's enterprises (clamped to lat 24.6–25.3, lon 118.2–118.95).
CENTRES = {
    "350502": (24.907, 118.587), "350503": (24.889, 118.613), "350504": (24.940, 118.671), "350505": (25.126, 118.900),
    "350521": (25.031, 118.797), "350524": (25.050, 118.260), "350525": (25.220, 118.320), "350526": (25.250, 118.250),
    "350581": (24.732, 118.648), "350582": (24.782, 118.552), "350583": (24.960, 118.386), "350571": (24.870, 118.520),
    "350572": (24.980, 118.750),
}
LAT_RANGE, LON_RANGE = (24.6, 25.3), (118.2, 118.95)

SECTOR_WEIGHTS = {
    "industry_trade": 38, "construction": 10, "road_transport": 7, "hazardous_chemicals": 3, "mining": 1, "fireworks": 0.4,
    "metallurgy": 1.5, "crowded_places": 10, "special_equipment": 3, "gas": 1.2, "water_transport": 0.8,
    "fishing_vessels": 1.5, "schools": 5, "tourism": 3, "medical": 3, "hydraulic": 1, "civil_explosives": 0.3,
    "social_services": 2,
}
COUNTY_EXTRA_WEIGHTS = {
    "350505": {"hazardous_chemicals": 15, "water_transport": 2},  # 泉港: petrochemical base
    "350524": {"mining": 3, "fireworks": 1},
    "350525": {"mining": 2},
    "350526": {"mining": 3},
    "350583": {"mining": 2, "metallurgy": 3},
    "350581": {"fishing_vessels": 3, "water_transport": 2},
    "350582": {"fishing_vessels": 2},
    "350521": {"fishing_vessels": 3, "water_transport": 1},
}

#: Name parts by sector: (words, legal form). Industry words favour each county's trades.
TRADE_WORDS = {
    "350582": ("鞋业", "纺织", "体育用品", "食品", "陶瓷", "伞业", "服装", "包装"),
    "350581": ("服装", "纺织", "鞋业", "服饰", "织造"),
    "350583": ("石材", "卫浴", "建材", "水暖", "机械"),
    "350521": ("石材", "工艺品", "雕刻", "机械", "鞋业"),
    "350526": ("陶瓷", "瓷业", "工艺品"),
    "350524": ("茶业", "藤铁工艺", "家居"),
    "350525": ("食品", "香业", "茶业", "机械"),
}
GENERIC_TRADE = ("机械", "五金", "食品", "塑胶", "电子", "家具", "包装", "纸业", "印刷", "服装")
SECTOR_WORDS = {
    "construction": ("建筑工程", "建设工程", "建工", "市政工程"),
    "road_transport": ("运输", "物流", "汽车运输", "客运", "货运"),
    "hazardous_chemicals": ("化工", "石化", "气体", "化学", "油品储运"),
    "mining": ("矿业", "石料开采", "矿产"),
    "fireworks": ("烟花爆竹",),
    "metallurgy": ("冶金", "钢铁", "铸造", "不锈钢"),
    "crowded_places": ("大酒店", "商业广场", "购物中心", "影城", "酒店管理"),
    "special_equipment": ("电梯工程", "起重机械", "锅炉"),
    "gas": ("燃气", "天然气", "液化气"),
    "water_transport": ("航运", "港务", "船务"),
    "fishing_vessels": ("渔业", "海洋渔业", "水产"),
    "tourism": ("旅游开发", "文化旅游", "景区管理"),
    "hydraulic": ("水利水电工程", "水务"),
    "civil_explosives": ("民爆器材",),
}
#: Public institutions and social organisations: a name pattern and the credit code's first two
#: characters (registration authority and kind: 12 institution, 52 private non-enterprise).
INSTITUTIONS = {
    "schools": (("{stem}中学", "{stem}小学", "{stem}实验学校", "{stem}幼儿园", "{stem}职业技术学校"), "12"),
    "medical": (("{stem}医院", "{stem}中心卫生院", "{stem}中医院", "{stem}妇幼保健院"), "12"),
    "social_services": (("{stem}养老院", "{stem}福利院", "{stem}养老服务中心"), "52"),
}
BRAND_CHARS = "恒安达利华盛鑫源宏泰兴隆福瑞祥嘉丰永昌荣鸿锦海天成信德富金星辉腾龙凯新联旺佳百顺通汇合众广东南闽泉晋侨"
ROAD_SUFFIXES = ("路", "街", "大道", "工业区", "工业园")
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_CHARS = [c for c in CREDIT_CODE_ALPHABET if c.isalpha()]


@dataclass
class EnterpriseRow:
    credit_code: str
    name: str
    jurisdiction_code: str
    sector: str
    fields: dict
    supervised: bool  # False: a deliberate gap
    also_city: bool  # the city's department of the same kind supervises it too (overlap)


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def organization_code(rng: random.Random, modern: bool) -> str:
    """A 9-character organization code (GB 11714) with its check character."""
    if modern:
        body = "MA" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, prefix: str, county_code: str) -> str:
    first17 = prefix + county_code + organization_code(rng, modern=prefix == "91" and rng.random() < 0.7)
    return first17 + credit_code_check_character(first17)


def _person(rng: random.Random) -> str:
    chars = data.MALE_CHARS if rng.random() < 0.7 else data.FEMALE_CHARS
    return rng.choice(data.SURNAMES) + ("".join(rng.sample(chars, 2)) if rng.random() < 0.7 else rng.choice(chars))


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return "1" + rng.choice(("35", "36", "37", "38", "39", "58", "59", "88", "89")) + f"{rng.randrange(10**8):08d}"
    return f"0595-{rng.choice('28')}{rng.randrange(10**7):07d}"


def _clamp(value: float, bounds: tuple[float, float]) -> Decimal:
    return Decimal(f"{min(max(value, bounds[0]), bounds[1]):.6f}")


def plan_enterprises(plan) -> list[EnterpriseRow]:
    """The demo enterprises, computed from the demo plan alone (never from the database)."""
    rng = random.Random(SEED)
    names_by_code = {row.code: row.name for row in plan.jurisdictions}
    unit_by_code = {unit.code: unit for unit in plan.units}
    codes: set[str] = set()
    names: set[str] = set()
    rows: list[EnterpriseRow] = []
    for county, count in COUNTY_ENTERPRISES.items():
        unit = unit_by_code[county]
        townships = plan.township_codes[county]
        weights = dict(SECTOR_WEIGHTS)
        for sector, extra in COUNTY_EXTRA_WEIGHTS.get(county, {}).items():
            weights[sector] += extra
        prefixes = ("泉州", "泉州市", "福建") if unit.is_district or unit.is_zone else (unit.name, unit.name, "泉州", "福建")
        for _ in range(count):
            township = rng.choice(townships)
            villages = plan.village_codes.get(township, [])
            place = rng.choice(villages) if villages and rng.random() < 0.6 else township
            sector = _weighted(rng, weights)
            scale = _weighted(rng, {"large": 3, "medium": 12, "small": 50, "micro": 35})
            for _attempt in range(50):
                stem = "".join(rng.sample(BRAND_CHARS, 2))
                if sector in INSTITUTIONS:
                    patterns, code_prefix = INSTITUTIONS[sector]
                    place_name = names_by_code[township].removesuffix("街道").removesuffix("镇").removesuffix("乡")
                    name = rng.choice(patterns).format(stem=f"{unit.name if unit.level == Level.COUNTY else '泉州市'}{place_name}{stem[0]}")
                else:
                    code_prefix = "91"
                    words = TRADE_WORDS.get(county, GENERIC_TRADE) if sector == "industry_trade" else SECTOR_WORDS[sector]
                    form = "股份有限公司" if scale == "large" and rng.random() < 0.5 else "有限公司"
                    name = f"{rng.choice(prefixes)}{stem}{rng.choice(words)}{form}"
                if name not in names:
                    break
            names.add(name)
            code = credit_code(rng, code_prefix, county)
            while code in codes:
                code = credit_code(rng, code_prefix, county)
            codes.add(code)
            high = sector in ("hazardous_chemicals", "fireworks", "mining", "civil_explosives")
            risk = _weighted(rng, {"red": 10, "orange": 30, "yellow": 50, "blue": 10} if high else {"red": 1, "orange": 6, "yellow": 43, "blue": 50})
            employees = {"large": (300, 3000), "medium": (100, 299), "small": (10, 99), "micro": (1, 9)}[scale]
            accidents = 0
            last_accident = None
            if rng.random() < 0.02:
                accidents = 1 if rng.random() < 0.8 else 2
                last_accident = date(2023, 1, 1) + timedelta(days=rng.randint(0, 1030))
            lat, lon = CENTRES[county]
            village = names_by_code[place] if place != township else ""
            fields = {
                "address": f"{names_by_code[county]}{names_by_code[township]}{village}{''.join(rng.sample(BRAND_CHARS, 2))}{rng.choice(ROAD_SUFFIXES)}{rng.randint(1, 388)}号",
                "scale": scale,
                "risk_class": risk,
                "status": _weighted(rng, {"operating": 95, "suspended": 3, "closed": 2}),
                "legal_representative": _person(rng),
                "safety_contact": _person(rng),
                "contact_phone": _phone(rng),
                "employees": rng.randint(*employees),
                "accident_count": accidents,
                "last_accident_on": last_accident,
                "is_weak": rng.random() < 0.03,
                "latitude": _clamp(lat + rng.uniform(-0.06, 0.06), LAT_RANGE),
                "longitude": _clamp(lon + rng.uniform(-0.06, 0.06), LON_RANGE),
            }
            rows.append(
                EnterpriseRow(
                    credit_code=code,
                    name=name,
                    jurisdiction_code=place,
                    sector=sector,
                    fields=fields,
                    supervised=rng.random() >= 0.01,
                    also_city=risk == "red" and rng.random() < 0.5,
                )
            )
    return rows


def plan_mapping(plan) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """(unit code, sector code) → [(organization key, is lead)] for the city and every
    county-level unit."""
    mapping: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    for unit in plan.units:
        for sector, lead in SECTOR_LEADS.items():
            if (unit.code, sector) in UNMAPPED:
                continue
            if (unit.code, f"dept:{lead}") not in plan.orgs:
                lead = FALLBACK_LEAD
            entries = [(f"dept:{lead}", True)]
            for key in (*SHARED.get(("*", sector), ()), *SHARED.get((unit.code, sector), ())):
                if (unit.code, f"dept:{key}") in plan.orgs and key != lead:
                    entries.append((f"dept:{key}", False))
            mapping[(unit.code, sector)] = entries
    return mapping


def build(ctx) -> None:
    """Idempotent: safe to run on a database that already holds the demo."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission
    from guardian.shortcuts import assign_perm

    plan = ctx.plan
    jids, oids = ctx.jurisdiction_ids, ctx.organization_ids
    sectors = dict(Sector.objects.values_list("code", "pk"))
    mapping = plan_mapping(plan)
    units = {unit.code: unit for unit in plan.units}
    basis = {code: f"{unit.name}安全生产委员会关于进一步明确部门安全生产监督管理职责的通知" for code, unit in units.items()}
    ctx.sync(
        "sector responsibilities",
        SectorResponsibility,
        [
            {
                "jurisdiction_id": jids[unit_code],
                "sector_id": sectors[sector],
                "organization_id": oids[(unit_code, key)],
                "is_lead": is_lead,
                "basis": basis[unit_code],
            }
            for (unit_code, sector), entries in mapping.items()
            if sector in sectors
            for key, is_lead in entries
        ],
        key=("jurisdiction_id", "sector_id", "organization_id"),
        fields=("is_lead", "basis"),
        existing=SectorResponsibility.objects.filter(jurisdiction_id__in=[jids[c] for c in units]),
    )

    rows = plan_enterprises(plan)
    ids = ctx.sync(
        "enterprises",
        Enterprise,
        [
            {
                "credit_code": row.credit_code,
                "name": row.name,
                "jurisdiction_id": jids[row.jurisdiction_code],
                "sector_id": sectors[row.sector],
                **row.fields,
            }
            for row in rows
        ],
        key=("credit_code",),
        fields=("name", "jurisdiction_id", "sector_id", *rows[0].fields),
        existing=Enterprise.objects.filter(credit_code__in=[row.credit_code for row in rows]),
    )
    ctx.extra["enterprise_ids"] = {code: pk for (code,), pk in ids.items()}

    supervisions = []
    for row in rows:
        county = row.jurisdiction_code[:6]
        entries = mapping.get((county, row.sector))
        if not row.supervised or not entries:
            continue
        enterprise_id = ids[(row.credit_code,)]
        lead = next(key for key, is_lead in entries if is_lead)
        supervisions.append({"enterprise_id": enterprise_id, "organization_id": oids[(county, lead)], "is_primary": True})
        if row.also_city and (data.CITY[0], lead) in oids:
            supervisions.append({"enterprise_id": enterprise_id, "organization_id": oids[(data.CITY[0], lead)], "is_primary": False})
    ctx.sync(
        "supervising departments",
        EnterpriseSupervision,
        supervisions,
        key=("enterprise_id", "organization_id"),
        fields=("is_primary",),
        existing=EnterpriseSupervision.objects.filter(enterprise_id__in=list(ids.values())),
    )

    # The demo enterprise account sees one enterprise of 陈埭镇 through an object grant.
    user = ctx.users.get("enterprise")
    own = next(
        (r for r in rows if r.jurisdiction_code.startswith("350582100") and r.sector == "industry_trade" and r.fields["status"] == "operating"),
        None,
    )
    if user is not None and own is not None:
        enterprise_id = ids[(own.credit_code,)]
        granted = UserObjectPermission.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(Enterprise),
            object_pk=str(enterprise_id),
            permission__codename="view_enterprise",
        ).exists()
        if not granted:
            assign_perm("responsibility.view_enterprise", user, Enterprise.objects.get(pk=enterprise_id))
            ctx.created["enterprise grants"] += 1
        ctx.log(f"  enterprise login sees: {own.name}")
