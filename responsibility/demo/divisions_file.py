"""A deterministic, province-size administrative division list for tests and benchmarks
(``manage.py make_division_list``).

One province (江西省 360000 by default: not the demo's province, so both can be imported into
one database) with its 11 real cities, then generated counties, townships and villages whose
codes are valid for :func:`responsibility.divisions.code_errors`. For 25,000 rows: 1 province,
11 cities, 100 counties (some of them development zones), 1,500 townships and 23,388 villages.

Tests build an in-memory file without touching the disk::

    rows = division_rows(500, seed=1)
    upload = SimpleUploadedFile("divisions.csv", render_csv(rows))
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from typing import NamedTuple

from responsibility.choices import JurisdictionLevel as Level
from responsibility.demo.data import PLACE_CHARS

HEADER = ("code", "name", "level", "parent_code")

PROVINCE = ("360000", "江西省")
CITIES = [
    ("3601", "南昌市"),
    ("3602", "景德镇市"),
    ("3603", "萍乡市"),
    ("3604", "九江市"),
    ("3605", "新余市"),
    ("3606", "鹰潭市"),
    ("3607", "赣州市"),
    ("3608", "吉安市"),
    ("3609", "宜春市"),
    ("3610", "抚州市"),
    ("3611", "上饶市"),
]

# Share of the rows at each level (the rest are villages).
CITY_EVERY = 2300  # one city per this many rows, up to the number of cities
COUNTY_SHARE = 0.004
TOWNSHIP_SHARE = 0.06

# County-level code ranges (last two digits): districts, counties, development zones, county-level cities.
COUNTY_KINDS = {
    "区": (range(2, 21), Level.COUNTY),
    "县": (range(21, 70), Level.COUNTY),
    "开发区": (range(71, 80), Level.DEVELOPMENT_ZONE),
    "市": (range(81, 100), Level.COUNTY),
}
ZONE_SUFFIXES = ("经济技术开发区", "高新技术产业开发区", "工业园区")
# Township code ranges (last three digits) and village code ranges.
TOWNSHIP_KINDS = {"街道": range(1, 100), "镇": range(100, 200), "乡": range(200, 300)}
VILLAGE_KINDS = {"社区": range(1, 200), "村": range(200, 1000)}


class DivisionRow(NamedTuple):
    code: str
    name: str
    level: str
    parent_code: str


def division_rows(rows: int = 25000, *, seed: int = 0, province: tuple[str, str] = PROVINCE, cities=CITIES) -> list[DivisionRow]:
    """Exactly ``rows`` rows (parents before children), the same for the same arguments."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    rng = random.Random(seed)
    remaining = rows - 1
    n_cities = min(len(cities), max(1, round(rows / CITY_EVERY)), remaining)
    remaining -= n_cities
    n_counties = min(remaining, max(n_cities, round(rows * COUNTY_SHARE)))
    remaining -= n_counties
    n_townships = min(remaining, max(n_counties, round(rows * TOWNSHIP_SHARE)))
    n_villages = remaining - n_townships
    county_room = sum(len(r) for r, _level in COUNTY_KINDS.values())
    if n_counties > n_cities * county_room or n_townships > n_counties * 297 or n_villages > n_townships * 999:
        raise ValueError(f"{rows} rows do not fit the code space of one province")

    province_code, province_name = province
    out = [DivisionRow(province_code, province_name, Level.PROVINCE, "")]
    city_rows = [DivisionRow(f"{prefix}00", name, Level.CITY, province_code) for prefix, name in cities[:n_cities]]
    counties_per_city = _split(n_counties, n_cities, county_room, rng)
    county_rows: list[DivisionRow] = []
    used_county_names: set[str] = set()
    for city, count in zip(city_rows, counties_per_city, strict=True):
        county_rows.extend(_counties(city, count, used_county_names, rng))
    townships_per_county = _split(n_townships, len(county_rows), 297, rng)
    township_rows: list[DivisionRow] = []
    for county, count in zip(county_rows, townships_per_county, strict=True):
        township_rows.extend(_townships(county, count, rng))
    villages_per_township = _split(n_villages, len(township_rows), 999, rng) if township_rows else []
    village_rows: dict[str, list[DivisionRow]] = {}
    for township, count in zip(township_rows, villages_per_township, strict=True):
        village_rows[township.code] = _villages(township, count, rng)

    # Parents before children, children grouped under their parent, as in published lists.
    by_parent: dict[str, list[DivisionRow]] = {}
    for row in (*county_rows, *township_rows):
        by_parent.setdefault(row.parent_code, []).append(row)
    for city in city_rows:
        out.append(city)
        for county in by_parent.get(city.code, ()):
            out.append(county)
            for township in by_parent.get(county.code, ()):
                out.append(township)
                out.extend(village_rows.get(township.code, ()))
    assert len(out) == rows, (len(out), rows)
    return out


def _split(total: int, parents: int, cap: int, rng: random.Random) -> list[int]:
    """Spread ``total`` children over ``parents`` unevenly (weights 0.4–1.6), at most ``cap``
    each, every parent getting one first when there are enough."""
    if parents == 0:
        return []
    counts = [1 if total >= parents else 0] * parents
    left = total - sum(counts)
    weights = [rng.uniform(0.4, 1.6) for _ in range(parents)]
    scale = left / sum(weights)
    for i, weight in enumerate(weights):
        add = min(int(weight * scale), cap - counts[i])
        counts[i] += add
        left -= add
    order = sorted(range(parents), key=lambda i: -weights[i])
    while left > 0:
        progressed = False
        for i in order:
            if left and counts[i] < cap:
                counts[i] += 1
                left -= 1
                progressed = True
        if not progressed:
            raise ValueError("children do not fit under their parents")
    return counts


def _stem(rng: random.Random) -> str:
    return "".join(rng.sample(PLACE_CHARS, 2))


def _unique_name(used: set[str], suffix: str, rng: random.Random) -> str:
    for _ in range(10000):
        name = _stem(rng) + suffix
        if name not in used:
            used.add(name)
            return name
    raise ValueError("ran out of names")


def _counties(city: DivisionRow, count: int, used: set[str], rng: random.Random) -> list[DivisionRow]:
    prefix = city.code[:4]
    free = {kind: list(numbers) for kind, (numbers, _level) in COUNTY_KINDS.items()}
    rows = []
    for index in range(count):
        if index < 2:
            preferred = ["区"]  # the city seat's districts
        else:
            preferred = rng.choices(["县", "市", "区", "开发区"], weights=[55, 15, 22, 8])
        kind = next(k for k in (*preferred, "县", "区", "市", "开发区") if free[k])
        number = free[kind].pop(0)
        level = COUNTY_KINDS[kind][1]
        suffix = rng.choice(ZONE_SUFFIXES) if kind == "开发区" else kind
        name = _unique_name(used, suffix, rng)
        rows.append(DivisionRow(f"{prefix}{number:02d}", name, level, city.code))
    return rows


def _townships(county: DivisionRow, count: int, rng: random.Random) -> list[DivisionRow]:
    urban = county.level == Level.DEVELOPMENT_ZONE or county.name.endswith("区")
    weights = [70, 25, 5] if urban else [10, 60, 30]
    free = {kind: list(numbers) for kind, numbers in TOWNSHIP_KINDS.items()}
    used: set[str] = set()
    picked = []
    for _ in range(count):
        preferred = rng.choices(list(TOWNSHIP_KINDS), weights=weights)
        kind = next(k for k in (*preferred, "镇", "街道", "乡") if free[k])
        picked.append((kind, _unique_name(used, kind, rng)))
    rows = []
    for kind, name in sorted(picked, key=lambda item: list(TOWNSHIP_KINDS).index(item[0])):
        number = free[kind].pop(0)
        rows.append(DivisionRow(f"{county.code}{number:03d}", name, Level.TOWNSHIP, county.code))
    return rows


def _villages(township: DivisionRow, count: int, rng: random.Random) -> list[DivisionRow]:
    share = 0.85 if township.name.endswith("街道") else 0.12
    free = {kind: list(numbers) for kind, numbers in VILLAGE_KINDS.items()}
    used: set[str] = set()
    picked = []
    for _ in range(count):
        preferred = "社区" if rng.random() < share else "村"
        kind = preferred if free[preferred] else ("村" if preferred == "社区" else "社区")
        free[kind].pop()  # reserve a number; numbers are assigned in order below
        picked.append((kind, _unique_name(used, kind, rng)))
    counters = {kind: iter(numbers) for kind, numbers in VILLAGE_KINDS.items()}
    return [
        DivisionRow(f"{township.code}{next(counters[kind]):03d}", name, Level.VILLAGE, township.code)
        for kind, name in sorted(picked, key=lambda item: item[0] != "社区")
    ]


def render_csv(rows: Sequence[DivisionRow]) -> bytes:
    """UTF-8 with a BOM, so spreadsheet programs open it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(rows: Sequence[DivisionRow]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="行政区划")
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(list(row))  # codes stay text: no leading-zero or float trouble
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def division_file(rows: int = 25000, *, seed: int = 0, format: str = "csv") -> bytes:
    data = division_rows(rows, seed=seed)
    if format == "csv":
        return render_csv(data)
    if format == "xlsx":
        return render_xlsx(data)
    raise ValueError(f"unknown format {format!r}")
